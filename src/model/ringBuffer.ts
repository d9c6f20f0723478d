// The numeric histories' memory bound: a fixed-capacity ring that overwrites its oldest point when full, so a
// week-long session holds at most `capacity` points per property, however many events arrive. Points live in
// one Float64Array: no object per point, so a history of 1000 points is 16 KB and pushing one allocates
// nothing. (Recent events are bounded the same way in eventJournal.ts.)
import { wholeCount } from './count';

function checkCapacity(capacity: number): void {
  wholeCount('Ring buffer capacity', capacity);
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
 * A ring of numeric (time, value) points on a typed array. Times never decrease: a point stamped earlier than
 * the previous one (a local clock step back) takes the previous time, so `since` can binary-search and a chart
 * (uPlot needs sorted x) can use the times as they are.
 */
export class TimeSeriesRing implements ReadonlyTimeSeries {
  private cap: number;
  /**
   * The points, each time beside its value (slot i at 2i and 2i + 1): a push writes one cache line, not one in
   * each of two arrays — with a history per property, every push lands somewhere the cache has long forgotten.
   */
  private points: Float64Array;
  /** Slots allocated: points.length / 2. */
  private slots: number;
  private start = 0;
  private count = 0;
  private pushedTotal = 0;
  /** The newest point's time, kept here so a push never has to read the array (a cache miss per event across many properties). */
  private newestTime = -Infinity;

  constructor(capacity: number) {
    checkCapacity(capacity);
    this.cap = capacity;
    this.slots = Math.min(capacity, INITIAL_ALLOCATION);
    this.points = new Float64Array(2 * this.slots);
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
    return this.slots;
  }

  push(time: number, value: number): void {
    this.pushedTotal++;
    if (this.cap === 0) return;
    if (this.count > 0 && !(time >= this.newestTime)) time = this.newestTime; // also replaces NaN
    this.newestTime = time;
    let slot: number;
    if (this.count < this.cap) {
      if (this.count === this.slots) this.reallocate(Math.min(this.cap, this.slots * 2));
      slot = this.start + this.count;
      if (slot >= this.slots) slot -= this.slots;
      this.count++;
    } else {
      slot = this.start;
      this.start = slot + 1 === this.slots ? 0 : slot + 1;
    }
    this.points[2 * slot] = time;
    this.points[2 * slot + 1] = value;
  }

  timeAt(index: number): number | undefined {
    return index >= 0 && index < this.count ? this.points[2 * this.slotOf(index)] : undefined;
  }

  valueAt(index: number): number | undefined {
    return index >= 0 && index < this.count ? this.points[2 * this.slotOf(index) + 1] : undefined;
  }

  lastTime(): number | undefined {
    return this.timeAt(this.count - 1);
  }

  lastValue(): number | undefined {
    return this.valueAt(this.count - 1);
  }

  times(): Float64Array {
    return this.copy(0, 0, this.count);
  }

  values(): Float64Array {
    return this.copy(1, 0, this.count);
  }

  indexAtOrAfter(time: number): number {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.points[2 * this.slotOf(mid)] as number) < time) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Points `from` (inclusive) to `to` (exclusive), clamped to what is retained. */
  slice(from = 0, to: number = this.count): SeriesWindow {
    const begin = Math.max(0, Math.min(from, this.count));
    const end = Math.max(begin, Math.min(to, this.count));
    return { times: this.copy(0, begin, end - begin), values: this.copy(1, begin, end - begin) };
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
    this.slots = Math.min(this.cap, INITIAL_ALLOCATION);
    this.points = new Float64Array(2 * this.slots);
  }

  /** Changes the capacity, keeping the newest points that fit. */
  resize(capacity: number): void {
    checkCapacity(capacity);
    if (capacity === this.cap) return;
    const keep = Math.min(this.count, capacity);
    this.cap = capacity;
    this.moveTo(Math.min(capacity, Math.max(keep, INITIAL_ALLOCATION)), this.count - keep, keep);
  }

  /** Grows the array (only while not full, so the live points are copied in order to the front). */
  private reallocate(slots: number): void {
    this.moveTo(slots, 0, this.count);
  }

  /** A new array of `slots` slots holding `length` points from logical index `from`, in order from slot 0. */
  private moveTo(slots: number, from: number, length: number): void {
    const points = new Float64Array(2 * slots);
    for (let i = 0; i < length; i++) {
      const slot = this.slotOf(from + i);
      points[2 * i] = this.points[2 * slot]!;
      points[2 * i + 1] = this.points[2 * slot + 1]!;
    }
    this.points = points;
    this.slots = slots;
    this.start = 0;
    this.count = length;
  }

  /** The slot of logical index `i` (0 = oldest). */
  private slotOf(i: number): number {
    const slot = this.start + i;
    return slot >= this.slots ? slot - this.slots : slot;
  }

  /** `length` times (`part` 0) or values (`part` 1) from logical index `from`, as a new array in order. */
  private copy(part: 0 | 1, from: number, length: number): Float64Array {
    const out = new Float64Array(Math.max(0, length));
    for (let i = 0; i < length; i++) out[i] = this.points[2 * this.slotOf(from + i) + part]!;
    return out;
  }
}
