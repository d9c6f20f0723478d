// The numeric histories' memory bound: a fixed-capacity ring that overwrites its oldest point when full, so a
// week-long session holds at most `capacity` points per property, however many events arrive. Points live in
// two Float64Arrays: no object per point, so a history of 1000 points is 16 KB and pushing one allocates
// nothing. (Recent events are bounded the same way in eventJournal.ts.)

function checkCapacity(capacity: number): void {
  if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`Ring buffer capacity must be a whole number ≥ 0, not ${capacity}`);
}

/** A run of points, oldest → newest: `times[i]` (ms since the epoch) goes with `values[i]`. Copies, not views. */
export interface SeriesWindow {
  readonly times: Float64Array;
  readonly values: Float64Array;
}

/** The points pushed after a reader's cursor (see `TimeSeriesRing.after`). */
export interface SeriesTail extends SeriesWindow {
  /** Points pushed after the cursor that were overwritten before this read (the reader fell behind). */
  readonly skipped: number;
  /** Pass this to the next `after` call. */
  readonly cursor: number;
}

/** What consumers of a property's history may do with it: read only. */
export interface ReadonlyTimeSeries {
  readonly capacity: number;
  readonly size: number;
  /** Points pushed since construction: a cursor for `after`. */
  readonly pushed: number;
  timeAt(index: number): number | undefined;
  valueAt(index: number): number | undefined;
  lastTime(): number | undefined;
  lastValue(): number | undefined;
  times(): Float64Array;
  values(): Float64Array;
  /** Index of the first point at or after `time`, or `size` when there is none. */
  indexAtOrAfter(time: number): number;
  slice(from?: number, to?: number): SeriesWindow;
  since(time: number): SeriesWindow;
  after(cursor: number): SeriesTail;
}

/** Smallest typed-array allocation: most properties never see many points, so grow on demand. */
const INITIAL_ALLOCATION = 32;

/**
 * A ring of numeric (time, value) points on typed arrays. Times never decrease: a point stamped earlier than
 * the previous one (a local clock step back) takes the previous time, so `since` can binary-search and a chart
 * (uPlot needs sorted x) can use the times as they are.
 */
export class TimeSeriesRing implements ReadonlyTimeSeries {
  private cap: number;
  private t: Float64Array;
  private v: Float64Array;
  private start = 0;
  private count = 0;
  private pushedTotal = 0;
  /** The newest point's time, kept here so a push never has to read the arrays (a cache miss per event across many properties). */
  private newestTime = -Infinity;

  constructor(capacity: number) {
    checkCapacity(capacity);
    this.cap = capacity;
    this.t = new Float64Array(Math.min(capacity, INITIAL_ALLOCATION));
    this.v = new Float64Array(this.t.length);
  }

  get capacity(): number {
    return this.cap;
  }

  get size(): number {
    return this.count;
  }

  get pushed(): number {
    return this.pushedTotal;
  }

  /** Slots currently allocated (≤ capacity): for tests and memory statistics. */
  get allocated(): number {
    return this.t.length;
  }

  push(time: number, value: number): void {
    this.pushedTotal++;
    if (this.cap === 0) return;
    if (this.count > 0 && !(time >= this.newestTime)) time = this.newestTime; // also replaces NaN
    this.newestTime = time;
    if (this.count < this.cap) {
      if (this.count === this.t.length) this.reallocate(Math.min(this.cap, this.t.length * 2));
      const slot = (this.start + this.count) % this.t.length;
      this.t[slot] = time;
      this.v[slot] = value;
      this.count++;
      return;
    }
    this.t[this.start] = time;
    this.v[this.start] = value;
    this.start = this.start + 1 === this.t.length ? 0 : this.start + 1;
  }

  timeAt(index: number): number | undefined {
    return index >= 0 && index < this.count ? this.t[(this.start + index) % this.t.length] : undefined;
  }

  valueAt(index: number): number | undefined {
    return index >= 0 && index < this.count ? this.v[(this.start + index) % this.v.length] : undefined;
  }

  lastTime(): number | undefined {
    return this.timeAt(this.count - 1);
  }

  lastValue(): number | undefined {
    return this.valueAt(this.count - 1);
  }

  times(): Float64Array {
    return this.copy(this.t, 0, this.count);
  }

  values(): Float64Array {
    return this.copy(this.v, 0, this.count);
  }

  indexAtOrAfter(time: number): number {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.t[(this.start + mid) % this.t.length] as number) < time) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Points `from` (inclusive) to `to` (exclusive), clamped to what is retained. */
  slice(from = 0, to: number = this.count): SeriesWindow {
    const begin = Math.max(0, Math.min(from, this.count));
    const end = Math.max(begin, Math.min(to, this.count));
    return { times: this.copy(this.t, begin, end - begin), values: this.copy(this.v, begin, end - begin) };
  }

  /** Points at or after `time` (ms since the epoch). */
  since(time: number): SeriesWindow {
    return this.slice(this.indexAtOrAfter(time));
  }

  /**
   * The points pushed after `cursor` (a `pushed` value the reader saw before; 0 = from the start): how a chart
   * appends only what is new. Points overwritten before the read are counted in `skipped`.
   */
  after(cursor: number): SeriesTail {
    const firstRetained = this.pushedTotal - this.count;
    const from = Math.max(Math.min(cursor, this.pushedTotal), firstRetained);
    return { ...this.slice(from - firstRetained), skipped: Math.max(0, from - Math.max(cursor, 0)), cursor: this.pushedTotal };
  }

  clear(): void {
    this.start = 0;
    this.count = 0;
    this.t = new Float64Array(Math.min(this.cap, INITIAL_ALLOCATION));
    this.v = new Float64Array(this.t.length);
  }

  /** Changes the capacity, keeping the newest points that fit. */
  resize(capacity: number): void {
    checkCapacity(capacity);
    if (capacity === this.cap) return;
    const keep = Math.min(this.count, capacity);
    const times = this.copy(this.t, this.count - keep, keep);
    const values = this.copy(this.v, this.count - keep, keep);
    this.cap = capacity;
    const allocation = Math.min(capacity, Math.max(keep, INITIAL_ALLOCATION));
    this.t = new Float64Array(allocation);
    this.v = new Float64Array(allocation);
    this.t.set(times);
    this.v.set(values);
    this.start = 0;
    this.count = keep;
  }

  /** Grows the arrays (only while not full, so the live points are copied in order to the front). */
  private reallocate(length: number): void {
    const times = new Float64Array(length);
    const values = new Float64Array(length);
    times.set(this.copy(this.t, 0, this.count));
    values.set(this.copy(this.v, 0, this.count));
    this.t = times;
    this.v = values;
    this.start = 0;
  }

  /** `length` logical points from logical index `from` of `array`, as a new array in order. */
  private copy(array: Float64Array, from: number, length: number): Float64Array {
    const out = new Float64Array(Math.max(0, length));
    if (length <= 0) return out;
    const begin = (this.start + from) % array.length;
    const firstPart = Math.min(length, array.length - begin);
    out.set(array.subarray(begin, begin + firstPart), 0);
    if (firstPart < length) out.set(array.subarray(0, length - firstPart), firstPart);
    return out;
  }
}
