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
