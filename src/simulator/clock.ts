// Ayla timestamps: ISO-8601 UTC with seconds precision (`2018-09-24T10:25:14Z`), cached per second
// because high event rates format the same second many times.

let cachedSecond = -1;
let cachedText = '';

export function aylaTime(ms: number = Date.now()): string {
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedText = `${new Date(second * 1000).toISOString().slice(0, 19)}Z`;
  }
  return cachedText;
}

/**
 * The machine's monotonic clock in ms (µs precision). Linux's CLOCK_MONOTONIC is shared by every process
 * on the machine, so a benchmark in another process can subtract its own reading from this one.
 */
export function monotonicMs(): number {
  return Math.round(Number(process.hrtime.bigint()) / 1000) / 1000;
}
