// Min/max decimation: what the chart draws of a series at the plot's width.
import { strict as assert } from 'node:assert';
import { decimate, lowerBound, snapTimes, upperBound, visibleRaw, visibleSlice } from '../../../src/webview/decimate';

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

describe('webview: decimate (min/max per pixel column)', () => {
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
