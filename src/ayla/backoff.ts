// Reconnect delays: exponential backoff with jitter. A developer tool must come back fast after a
// blip (first retry within about a second) and back off towards ~30 s while the server stays away
// (ayla-protocol.md §5, "Client watchdog"). The attempt count starts over once a connection has
// stayed up for a while; a server that accepts and drops at once keeps backing off.

export interface BackoffOptions {
  /** Upper bound of the first delay, ms (default 1000: the first retry comes after 0.5–1 s). */
  initialMs?: number;
  /** Upper bound of any delay, ms (default 30000). */
  maxMs?: number;
  /** Growth per attempt (default 2). */
  factor?: number;
  /** A connection live at least this long (ms) resets the attempt count (default 10000). */
  resetAfterMs?: number;
  /** Uniform in [0, 1); injectable for tests (default Math.random). */
  random?: () => number;
  /** Clock, ms (default Date.now). */
  now?: () => number;
}

export interface BackoffStep {
  /** 1 for the first retry after a working connection (or the first ever). */
  attempt: number;
  delayMs: number;
}

export class Backoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly resetAfterMs: number;
  private readonly random: () => number;
  private readonly now: () => number;
  private attempts = 0;
  private liveSince: number | undefined;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = positive('initialMs', options.initialMs ?? 1000);
    this.maxMs = Math.max(this.initialMs, positive('maxMs', options.maxMs ?? 30000));
    this.factor = Math.max(1, options.factor ?? 2);
    this.resetAfterMs = Math.max(0, options.resetAfterMs ?? 10000);
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  get attempt(): number {
    return this.attempts;
  }

  /** The connection opened. */
  connected(): void {
    this.liveSince = this.now();
  }

  /**
   * The next delay. "Equal jitter": half the step is fixed, half random, so retries of many clients
   * spread out yet each delay stays within [step/2, step], step = min(max, initial × factor^(attempt-1)).
   */
  next(): BackoffStep {
    if (this.liveSince !== undefined) {
      if (this.now() - this.liveSince >= this.resetAfterMs) this.attempts = 0;
      this.liveSince = undefined;
    }
    this.attempts++;
    const step = Math.min(this.maxMs, this.initialMs * this.factor ** Math.min(this.attempts - 1, 64));
    const r = Math.min(Math.max(this.random(), 0), 1);
    return { attempt: this.attempts, delayMs: Math.round(step / 2 + (step / 2) * r) };
  }

  /** Starts over (after a new stream key, or once a connection has shown it works by delivering events). */
  reset(): void {
    this.attempts = 0;
    this.liveSince = undefined;
  }
}

function positive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive number of milliseconds (got ${value}).`);
  return value;
}
