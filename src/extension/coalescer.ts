// A refresh scheduler for a view (design.md "Data flow": each sink coalesces on its own clock). Callers say
// "something changed" as often as they like; the flush runs at most `maxPerSecond` times a second, never
// while the view is hidden or paused, and once more as soon as it is shown or resumed if anything changed
// meanwhile. Optionally it also runs every `periodicMs` while active (to let ages like "3s ago" advance).
// No vscode: the clock and timers are injectable, so every rule is unit-tested with a fake clock.

export interface Timers {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock; timers are unref'd so a forgotten scheduler never keeps a process alive. */
export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (run, ms) => {
    const timer = setTimeout(run, ms);
    timer.unref?.();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface CoalescerOptions {
  /** Flushes per second at most (e.g. 4). */
  maxPerSecond: number;
  /** While active, flush at least this often even without a request; undefined = only on request. */
  periodicMs?: number;
  timers?: Timers;
  /** Initial visibility (default true). */
  visible?: boolean;
  /** Initially paused (default false). */
  paused?: boolean;
}

/**
 * Off only for the B3 benchmark's baseline (test/bench): every request then flushes at once — one tree
 * refresh and one channel append per event, the way the peers do it — so the benchmark can show what
 * coalescing buys in the same run. The extension never turns it off.
 */
let coalescing = true;

export function setCoalescing(enabled: boolean): void {
  coalescing = enabled;
}

/** Why a flush runs: something was requested, or only the periodic tick came round. */
export type FlushReason = 'request' | 'periodic';

export class Coalescer {
  private readonly intervalMs: number;
  private readonly periodicMs: number | undefined;
  private readonly timers: Timers;
  private visible: boolean;
  private paused: boolean;
  private dirty = false;
  private lastFlush = -Infinity;
  private timer: unknown = undefined;
  private timerDue = Infinity;
  private disposed = false;
  private flushCount = 0;

  constructor(
    private readonly flush: (reason: FlushReason) => void,
    options: CoalescerOptions,
  ) {
    if (!(options.maxPerSecond > 0 && Number.isFinite(options.maxPerSecond))) throw new RangeError('maxPerSecond must be a positive number');
    if (options.periodicMs !== undefined && !(options.periodicMs > 0)) throw new RangeError('periodicMs must be positive');
    this.intervalMs = 1000 / options.maxPerSecond;
    this.periodicMs = options.periodicMs;
    this.timers = options.timers ?? realTimers;
    this.visible = options.visible ?? true;
    this.paused = options.paused ?? false;
    this.schedule();
  }

  /** Flushes run so far. */
  get flushes(): number {
    return this.flushCount;
  }

  /** Something changed and was not flushed yet. */
  get pending(): boolean {
    return this.dirty;
  }

  /** Visible and not paused: flushes may run. */
  get active(): boolean {
    return this.visible && !this.paused && !this.disposed;
  }

  /** Something changed: flush soon (within the rate cap), or when the view is active again. */
  request(): void {
    this.dirty = true;
    if (!coalescing && this.active) {
      this.cancel();
      this.run();
      return;
    }
    this.schedule();
  }

  setVisible(visible: boolean): void {
    if (this.visible === visible) return;
    this.visible = visible;
    this.schedule();
  }

  setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    this.schedule();
  }

  dispose(): void {
    this.disposed = true;
    this.cancel();
  }

  private schedule(): void {
    if (!this.active) {
      this.cancel();
      return;
    }
    const now = this.timers.now();
    let due: number;
    if (this.dirty) due = Math.max(now, this.lastFlush + this.intervalMs);
    else if (this.periodicMs !== undefined) due = Math.max(now, (Number.isFinite(this.lastFlush) ? this.lastFlush : now) + this.periodicMs);
    else {
      this.cancel();
      return;
    }
    if (this.timer !== undefined && this.timerDue <= due) return; // an earlier run is already booked
    this.cancel();
    this.timerDue = due;
    this.timer = this.timers.setTimeout(this.run, due - now);
  }

  private cancel(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = Infinity;
  }

  private readonly run = (): void => {
    this.timer = undefined;
    this.timerDue = Infinity;
    if (!this.active) return;
    const reason: FlushReason = this.dirty ? 'request' : 'periodic';
    this.dirty = false; // a request made during the flush books the next one
    this.lastFlush = this.timers.now();
    this.flushCount++;
    try {
      this.flush(reason);
    } finally {
      this.schedule();
    }
  };
}
