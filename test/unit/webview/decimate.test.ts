// Min/max decimation: what the chart draws of a series at the plot's width.
import { strict as assert } from 'node:assert';
import { decimate, lowerBound, snapTimes, upperBound, visibleRaw, visibleSlice } from '../../../src/webview/decimate';
import { seededRandom } from '../support/seededRandom';

/** n points, one per ms from `start`, values from `f`. */
function series(n: number, f: (i: number) => number, start = 0): { times: Float64Array; values: Float64Array } {
  const times = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    times[i] = start + i;
    values[i] = f(i);
  }
  return { times, values };
}

/** Min and max of the values whose time falls in each of `columns` columns over [xMin, xMax]. */
function columnExtremes(times: ArrayLike<number>, values: ArrayLike<number>, xMin: number, xMax: number, columns: number): Map<number, [number, number]> {
  const out = new Map<number, [number, number]>();
  for (let i = 0; i < times.length; i++) {
    const t = times[i] as number;
    if (t < xMin || t > xMax) continue;
    const c = Math.min(columns - 1, Math.floor(((t - xMin) * columns) / (xMax - xMin)));
    const v = values[i] as number;
    const e = out.get(c);
    out.set(c, e ? [Math.min(e[0], v), Math.max(e[1], v)] : [v, v]);
  }
  return out;
}

/**
 * decimate as first written: the column of every point computed with floor((t - xMin) × columns / span), each
 * column's first minimum and first maximum in time order, a neighbour on each side. The fast version must give
 * exactly this, point for point.
 */
function reference(times: Float64Array, values: Float64Array, xMin: number, xMax: number, columns: number): number[][] {
  const first = lowerBound(times, xMin);
  const end = Math.min(times.length, upperBound(times, xMax));
  const cols = Math.max(1, Math.floor(columns));
  const out: number[][] = [];
  if (first > 0) out.push([times[first - 1]!, values[first - 1]!]);
  const scale = xMax - xMin > 0 ? cols / (xMax - xMin) : 0;
  let i = first;
  while (i < end) {
    const column = Math.min(cols - 1, Math.floor((times[i]! - xMin) * scale));
    let lo = -1;
    let hi = -1;
    for (; i < end && Math.min(cols - 1, Math.floor((times[i]! - xMin) * scale)) === column; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) continue;
      if (lo < 0 || v < values[lo]!) lo = i;
      if (hi < 0 || v > values[hi]!) hi = i;
    }
    if (lo < 0) continue;
    for (const k of lo === hi ? [lo] : [Math.min(lo, hi), Math.max(lo, hi)]) out.push([times[k]!, values[k]!]);
  }
  if (end < times.length) out.push([times[end]!, values[end]!]);
  return out;
}

describe('webview: decimate (min/max per pixel column)', () => {
  it('gives exactly the points of the straightforward version, on random series at every scale', () => {
    const next = seededRandom(2024);
    for (let trial = 0; trial < 300; trial++) {
      // Times from 0 or from today's epoch ms, steps from sub-millisecond to seconds, repeated times, NaN and
      // ±Infinity values; ranges from narrower than a column's rounding to wider than the data.
      const n = 500 + Math.floor(next() * 5000);
      const origin = next() < 0.5 ? 0 : 1_790_000_000_000;
      const step = [0.001, 0.37, 1, 6, 1000][Math.floor(next() * 5)]!;
      const times = new Float64Array(n);
      const values = new Float64Array(n);
      let t = origin;
      for (let i = 0; i < n; i++) {
        if (next() > 0.1) t += step * next() * 2;
        times[i] = t;
        const r = next();
        values[i] = r < 0.02 ? Number.NaN : r < 0.03 ? Infinity : r < 0.04 ? -Infinity : Math.round((next() - 0.5) * 1000);
      }
      const from = times[Math.floor(next() * n * 0.5)]!;
      const to = next() < 0.1 ? from : times[n - 1 - Math.floor(next() * n * 0.3)]! + (next() < 0.2 ? 1e6 : 0);
      const columns = [1, 7, 100, 1200][Math.floor(next() * 4)]!;
      const out = decimate({ times, values }, from, to, columns);
      const got = Array.from(out.times, (time, k) => [time, out.values[k]!]);
      const inside = Math.min(n, upperBound(times, to)) - lowerBound(times, from);
      if (inside <= 2 * columns) continue; // returned unchanged: another path, covered below
      assert.deepEqual(got, reference(times, values, from, to, columns), `trial ${trial}: ${n} points from ${origin} by ${step}, [${from}, ${to}], ${columns} columns`);
    }
  });

  it('binary searches sorted times, with repeated times', () => {
    const times = [1, 2, 2, 2, 5];
    assert.equal(lowerBound(times, 2), 1);
    assert.equal(upperBound(times, 2), 4);
    assert.equal(lowerBound(times, 0), 0);
    assert.equal(lowerBound(times, 6), 5);
    assert.equal(upperBound(times, 5), 5);
    assert.deepEqual(visibleSlice(times, 2, 4), { from: 0, to: 5 }, 'one neighbour each side');
    assert.deepEqual(visibleSlice(times, 6, 7), { from: 4, to: 5 }, 'only the left neighbour');
  });

  it('keeps each column’s exact minimum and maximum, in time order', () => {
    const { times, values } = series(10_000, (i) => Math.sin(i / 300) * 100 + ((i * 7919) % 13));
    const columns = 100;
    const out = decimate({ times, values }, 0, 9999, columns);
    const expected = columnExtremes(times, values, 0, 9999, columns);
    const got = columnExtremes(out.times, out.values, 0, 9999, columns);
    assert.equal(got.size, columns);
    assert.deepEqual([...got.entries()], [...expected.entries()]);
    for (let i = 1; i < out.times.length; i++) assert.ok((out.times[i] as number) > (out.times[i - 1] as number), 'time order');
    for (let i = 0; i < out.times.length; i++) assert.equal(out.values[i], values[out.times[i] as number], 'real points, not invented ones');
  });

  it('keeps single-point spikes however many points surround them', () => {
    const { times, values } = series(1_000_000, (i) => (i === 123_457 ? 1000 : i === 876_543 ? -1000 : 1));
    const out = decimate({ times, values }, 0, 999_999, 800);
    assert.ok(out.values.includes(1000), 'the upward spike');
    assert.ok(out.values.includes(-1000), 'the downward spike');
    const spike = out.values.indexOf(1000);
    assert.equal(out.times[spike], 123_457);
  });

  it('never returns more than 2 × columns + 2 points, whatever the input size', () => {
    for (const n of [1_000, 10_000, 100_000, 1_000_000]) {
      const { times, values } = series(n, (i) => (i * 2654435761) % 1000);
      for (const columns of [1, 37, 500]) {
        const out = decimate({ times, values }, 100, n - 100, columns);
        assert.ok(out.times.length <= 2 * columns + 2, `${n} points on ${columns} columns → ${out.times.length}`);
        assert.equal(out.times.length, out.values.length);
      }
    }
  });

  it('includes one neighbour on each side of the range so lines reach the edges', () => {
    const { times, values } = series(100_000, (i) => i % 17);
    const out = decimate({ times, values }, 50_000.5, 60_000.5, 200);
    assert.equal(out.times[0], 50_000, 'the last point before the range');
    assert.equal(out.times[out.times.length - 1], 60_001, 'the first point after it');
  });

  it('returns few points unchanged (with their neighbours)', () => {
    const times = Float64Array.of(0, 10, 20, 30, 40, 50);
    const values = Float64Array.of(5, 4, 3, 2, 1, 0);
    const out = decimate({ times, values }, 15, 35, 500);
    assert.deepEqual([...out.times], [10, 20, 30, 40]);
    assert.deepEqual([...out.values], [4, 3, 2, 1]);
  });

  it('copes with empty, single-point and out-of-range input', () => {
    const none = decimate({ times: new Float64Array(0), values: new Float64Array(0) }, 0, 10, 100);
    assert.equal(none.times.length, 0);
    const one = decimate({ times: Float64Array.of(5), values: Float64Array.of(7) }, 0, 10, 100);
    assert.deepEqual([...one.times], [5]);
    assert.deepEqual([...one.values], [7]);
    const { times, values } = series(1000, (i) => i);
    assert.deepEqual([...decimate({ times, values }, 2000, 3000, 10).times], [999], 'after the data: only the left neighbour');
    assert.deepEqual([...decimate({ times, values }, -3000, -2000, 10).times], [0], 'before the data: only the right neighbour');
    assert.equal(decimate({ times, values }, 10, 5, 10).times.length, 0, 'an inverted range');
    assert.equal(decimate({ times, values }, Number.NaN, 5, 10).times.length, 0, 'a NaN range');
    assert.ok(decimate({ times, values }, 0, 999, 0).times.length <= 4, 'zero columns counts as one');
  });

  it('puts all points into one column when the range is a single instant', () => {
    const times = new Float64Array(100).fill(42);
    const values = Float64Array.from({ length: 100 }, (_, i) => i);
    const out = decimate({ times, values }, 42, 42, 10);
    assert.deepEqual([...out.values], [0, 99]);
  });

  it('ignores NaN values in a column’s minimum and maximum', () => {
    const { times, values } = series(1000, (i) => (i % 2 === 0 ? Number.NaN : i));
    const out = decimate({ times, values }, 0, 999, 10);
    assert.ok(out.values.every((v) => Number.isFinite(v)));
    assert.equal(out.values[0], 1);
    assert.equal(out.values[out.values.length - 1], 999);
  });

  it('visibleRaw copies every visible point plus the neighbours (the no-decimation baseline)', () => {
    const { times, values } = series(100_000, (i) => i);
    const out = visibleRaw({ times, values }, 1000, 50_999);
    assert.equal(out.times.length, 50_002);
    assert.equal(out.times[0], 999);
    assert.equal(out.values[50_001], 51_000);
  });

  it('snaps times inside the range to half-pixel slots, in order, leaving the neighbours outside alone', () => {
    // 10 px over [0, 100]: slots of 5 ms, centred at 2.5, 7.5, …, 97.5.
    const times = Float64Array.of(-3, 0, 1, 4.9, 5, 51, 99.9, 100, 104);
    assert.equal(snapTimes(times, 0, 100, 10), times, 'in place');
    assert.deepEqual([...times], [-3, 2.5, 2.5, 2.5, 7.5, 52.5, 97.5, 97.5, 104]);
    const empty = Float64Array.of(5);
    assert.deepEqual([...snapTimes(empty, 5, 5, 10)], [5], 'a range of no width leaves times as they are');
  });

  it('makes independently decimated series share x values', () => {
    const a = decimate(series(100_000, (i) => Math.sin(i / 7)), 0, 99_999, 500);
    const b = decimate(series(100_000, (i) => Math.cos(i / 11), 0.3), 0, 99_999, 500);
    const union = new Set([...snapTimes(a.times, 0, 99_999, 500), ...snapTimes(b.times, 0, 99_999, 500)]);
    assert.ok(union.size <= 2 * 500 + 2, `${union.size} distinct x values for two series of ≤ 1002 points each`);
  });
});
