// Min/max decimation: what a series looks like at the plot's width, in at most two points per pixel column,
// so drawing costs depend on the width and not on how many points a series holds. Pure, no DOM.

/** Points of one series as parallel arrays, times ascending (never decreasing). */
export interface PointArrays {
  readonly times: ArrayLike<number>;
  readonly values: ArrayLike<number>;
}

export interface Decimated {
  readonly times: Float64Array;
  readonly values: Float64Array;
}

/** The first index whose time is ≥ `t` (times.length when none is). */
export function lowerBound(times: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose time is > `t` (times.length when none is). */
export function upperBound(times: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The index range [from, to) of the points inside [xMin, xMax] plus one neighbour on each side (the last point
 * before the range and the first after it), so a line drawn from them reaches both edges of the plot.
 */
export function visibleSlice(times: ArrayLike<number>, xMin: number, xMax: number): { from: number; to: number } {
  if (!(xMax >= xMin)) return { from: 0, to: 0 };
  const first = lowerBound(times, xMin);
  const end = upperBound(times, xMax);
  return { from: Math.max(0, first - 1), to: Math.min(times.length, end + 1) };
}

/** The visible points (with their two neighbours) copied as they are: the baseline decimation is measured against. */
export function visibleRaw(points: PointArrays, xMin: number, xMax: number): Decimated {
  const { from, to } = visibleSlice(points.times, xMin, xMax);
  return { times: Float64Array.from(slice(points.times, from, to)), values: Float64Array.from(slice(points.values, from, to)) };
}

function slice(a: ArrayLike<number>, from: number, to: number): ArrayLike<number> {
  return a instanceof Float64Array ? a.subarray(from, to) : Array.prototype.slice.call(a, from, to) as number[];
}

/**
 * The points of a series to draw for the x range [xMin, xMax] on a plot `columns` pixels wide.
 *
 * Only the points inside the range count, plus the neighbour on each side (kept as they are, so the line
 * reaches the edges). When the points inside are more than two per column, each pixel column keeps just its
 * minimum and its maximum, in time order (one point when they are the same): every spike stays visible and the
 * output never exceeds 2 × columns + 2 points, however many went in. Otherwise the points are returned unchanged.
 * Points whose value is not a finite number (NaN) take no part in a column's minimum or maximum.
 */
export function decimate(points: PointArrays, xMin: number, xMax: number, columns: number): Decimated {
  const { times, values } = points;
  const n = Math.min(times.length, values.length);
  if (n === 0 || !(xMax >= xMin) || !Number.isFinite(xMin) || !Number.isFinite(xMax)) return { times: new Float64Array(0), values: new Float64Array(0) };
  const cols = Math.max(1, Math.floor(Number.isFinite(columns) ? columns : 1));
  const first = lowerBound(times, xMin);
  const end = Math.min(n, upperBound(times, xMax));
  const inside = Math.max(0, end - first);
  const left = first > 0 ? first - 1 : -1;
  const right = end < n ? end : -1;

  if (inside <= 2 * cols) {
    const from = left >= 0 ? left : first;
    const to = right >= 0 ? right + 1 : end;
    return { times: Float64Array.from(slice(times, from, to)), values: Float64Array.from(slice(values, from, to)) };
  }

  const outTimes = new Float64Array(2 * cols + 2);
  const outValues = new Float64Array(2 * cols + 2);
  let k = 0;
  if (left >= 0) {
    outTimes[k] = times[left] as number;
    outValues[k++] = values[left] as number;
  }

  // One tight pass (this runs over every visible point of every series on every redraw: no closures, no calls
  // per point).
  const span = xMax - xMin;
  const scale = span > 0 ? cols / span : 0;
  const last = cols - 1;
  // A point's column is floor((t - xMin) × scale). Rather than compute it for every point, the loop compares
  // each time with a bound a little before the next column's start, and computes the column only from there:
  // the same columns, for about half the work. The slack covers the rounding of the bound (many ulps of the
  // times' magnitude); with columns narrower than that, every point is simply computed.
  const slack = Math.max(0.01 / scale, 64 * Number.EPSILON * (Math.abs(xMin) + Math.abs(span)));
  let i = first;
  while (i < end) {
    const column = Math.min(last, Math.floor(((times[i] as number) - xMin) * scale));
    const bound = column < last && scale > 0 ? xMin + (column + 1) / scale - slack : Infinity;
    let minIdx = -1;
    let maxIdx = -1;
    let minV = Infinity;
    let maxV = -Infinity;
    for (; i < end; i++) {
      // Times never decrease: the first point of a later column ends this one (the last column takes the rest).
      const t = times[i] as number;
      if (t >= bound && Math.floor((t - xMin) * scale) > column) break;
      const v = values[i] as number;
      if (v - v !== 0) continue; // NaN or ±Infinity (v − v is NaN only for those): takes no part
      if (minIdx < 0) {
        minIdx = maxIdx = i;
        minV = maxV = v;
      } else {
        if (v < minV) {
          minV = v;
          minIdx = i;
        }
        if (v > maxV) {
          maxV = v;
          maxIdx = i;
        }
      }
    }
    if (minIdx < 0) continue;
    const a = minIdx <= maxIdx ? minIdx : maxIdx;
    const b = minIdx <= maxIdx ? maxIdx : minIdx;
    outTimes[k] = times[a] as number;
    outValues[k++] = values[a] as number;
    if (b !== a) {
      outTimes[k] = times[b] as number;
      outValues[k++] = values[b] as number;
    }
  }
  if (right >= 0) {
    outTimes[k] = times[right] as number;
    outValues[k++] = values[right] as number;
  }
  return { times: outTimes.subarray(0, k), values: outValues.subarray(0, k) };
}

/**
 * Moves each time inside [xMin, xMax] to the middle of its half-pixel slot (the plot is `columns` pixels wide),
 * in place; times outside the range (the neighbours that let a line reach the edges) stay as they are. Times stay
 * in order and move by at most a quarter of a pixel, but series decimated independently then share their x
 * values: aligning 8 series gives at most about 2 × columns x values instead of up to 8 × 2 × columns, and uPlot
 * walks that many per series on every redraw.
 */
export function snapTimes(times: Float64Array, xMin: number, xMax: number, columns: number): Float64Array {
  const span = xMax - xMin;
  const slots = 2 * Math.max(1, Math.floor(Number.isFinite(columns) ? columns : 1));
  if (!(span > 0) || !Number.isFinite(span)) return times;
  const width = span / slots;
  for (let i = 0; i < times.length; i++) {
    const t = times[i] as number;
    if (t < xMin || t > xMax) continue;
    const slot = Math.min(slots - 1, Math.floor((t - xMin) / width));
    times[i] = xMin + (slot + 0.5) * width;
  }
  return times;
}
