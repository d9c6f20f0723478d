// uPlot draws "aligned" data: one x array shared by every series, and per series a y array of the same length
// with `null` where that series has no point at that x. Pure, no DOM.

import type { PointArrays } from './decimate';

export interface Aligned {
  /** Every distinct time of every series, ascending; a time repeats only when one series has several points at it. */
  readonly x: number[];
  /** Per input series, its value at each x, or null (no point there, or a value that is not a finite number). */
  readonly ys: (number | null)[][];
  /** Per input series, how many of its values are not null. */
  readonly counts: number[];
}

/**
 * Merges the series' times (each ascending) into one x axis. At each step the earliest pending time becomes
 * the next x, and every series whose next point has that time contributes it; the others get null.
 */
export function align(series: readonly PointArrays[]): Aligned {
  const k = series.length;
  const heads = new Array<number>(k).fill(0);
  const lengths = series.map((s) => Math.min(s.times.length, s.values.length));
  const x: number[] = [];
  const ys: (number | null)[][] = series.map(() => []);
  const counts = new Array<number>(k).fill(0);
  for (;;) {
    let next = Infinity;
    let any = false;
    for (let s = 0; s < k; s++) {
      if ((heads[s] as number) < (lengths[s] as number)) {
        const t = (series[s] as PointArrays).times[heads[s] as number] as number;
        if (!any || t < next) next = t;
        any = true;
      }
    }
    if (!any) break;
    x.push(next);
    for (let s = 0; s < k; s++) {
      const head = heads[s] as number;
      const points = series[s] as PointArrays;
      const column = ys[s] as (number | null)[];
      if (head < (lengths[s] as number) && points.times[head] === next) {
        const v = points.values[head] as number;
        if (Number.isFinite(v)) {
          column.push(v);
          counts[s]++;
        } else column.push(null);
        heads[s] = head + 1;
      } else {
        column.push(null);
      }
    }
  }
  return { x, ys, counts };
}
