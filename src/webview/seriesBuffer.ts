// One series' points in the page: growable Float64Arrays that never hold more than the host retains.
// Appends are O(1) amortised: the buffer may run up to 25 % over `capacity` before it drops the oldest points
// in one copy, and only the newest `capacity` points are ever exposed. Pure, no DOM.

export class SeriesBuffer {
  readonly capacity: number;
  private readonly limit: number;
  private t: Float64Array;
  private v: Float64Array;
  private n = 0;

  /** `capacity`: points kept (at least 1). `times`/`values`: the first points (oldest → newest). */
  constructor(capacity: number, times?: ArrayLike<number>, values?: ArrayLike<number>) {
    this.capacity = Math.max(1, Math.floor(Number.isFinite(capacity) ? capacity : 1));
    this.limit = this.capacity + Math.max(1, Math.ceil(this.capacity / 4));
    const initial = Math.min(this.limit, Math.max(16, times?.length ?? 0));
    this.t = new Float64Array(initial);
    this.v = new Float64Array(initial);
    if (times && values) this.append(times, values);
  }

  /** Points exposed: at most `capacity`. */
  get length(): number {
    return Math.min(this.n, this.capacity);
  }

  /** Points actually held (up to 25 % more than `capacity` until the next trim). */
  get stored(): number {
    return this.n;
  }

  /** Size of the backing arrays. */
  get allocated(): number {
    return this.t.length;
  }

  /** The newest `length` times, oldest first (a view: valid until the next append). */
  get times(): Float64Array {
    return this.t.subarray(this.n - this.length, this.n);
  }

  /** The values matching `times` (a view: valid until the next append). */
  get values(): Float64Array {
    return this.v.subarray(this.n - this.length, this.n);
  }

  get lastTime(): number | undefined {
    return this.n > 0 ? this.t[this.n - 1] : undefined;
  }

  get lastValue(): number | undefined {
    return this.n > 0 ? this.v[this.n - 1] : undefined;
  }

  /**
   * Appends points (oldest → newest). A point whose time is not finite, or is older than the newest point held,
   * is dropped so the times stay sorted. Returns how many points were taken.
   */
  append(times: ArrayLike<number>, values: ArrayLike<number>): number {
    const count = Math.min(times.length, values.length);
    let taken = 0;
    let last = this.n > 0 ? (this.t[this.n - 1] as number) : -Infinity;
    for (let i = 0; i < count; i++) {
      const time = times[i] as number;
      if (!Number.isFinite(time) || time < last) continue;
      if (this.n === this.t.length) this.makeRoom();
      this.t[this.n] = time;
      this.v[this.n] = values[i] as number;
      this.n++;
      last = time;
      taken++;
    }
    return taken;
  }

  /** Called when the arrays are full: grow them (doubling, up to the limit), else drop down to `capacity`. */
  private makeRoom(): void {
    if (this.t.length < this.limit) {
      const size = Math.min(this.limit, Math.max(16, this.t.length * 2));
      const t = new Float64Array(size);
      const v = new Float64Array(size);
      t.set(this.t.subarray(0, this.n));
      v.set(this.v.subarray(0, this.n));
      this.t = t;
      this.v = v;
      return;
    }
    const drop = this.n - this.capacity;
    this.t.copyWithin(0, drop, this.n);
    this.v.copyWithin(0, drop, this.n);
    this.n = this.capacity;
  }
}
