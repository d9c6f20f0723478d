// Statistics for benchmark figures: medians and percentiles of repeated measurements.

/** The q-quantile (0 ≤ q ≤ 1) by linear interpolation between closest ranks; NaN for no values. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export function p99(values: readonly number[]): number {
  return quantile(values, 0.99);
}

export function max(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => (b > a ? b : a), -Infinity);
}

export function min(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => (b < a ? b : a), Infinity);
}

/** `12 345` style grouping for counts and rates. */
export function grouped(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return String(n);
  const [whole, fraction] = Math.abs(n).toFixed(digits).split('.');
  const withSpaces = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return `${n < 0 ? '-' : ''}${withSpaces}${fraction ? `.${fraction}` : ''}`;
}

/** Milliseconds for a table: 3 significant-ish digits. */
export function ms(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n >= 100) return `${n.toFixed(0)} ms`;
  if (n >= 10) return `${n.toFixed(1)} ms`;
  return `${n.toFixed(2)} ms`;
}

export function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The monotonic clock in ms (µs precision), the same clock the simulator's `sent_mono_ms` stamps use. */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns something other than undefined/false, or fails after `timeoutMs`. */
export async function waitUntil<T>(what: string, check: () => T | undefined | false, timeoutMs: number, pollMs = 5): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await sleep(pollMs);
  }
}
