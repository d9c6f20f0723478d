// The model's memory bound for numeric histories: a fixed-capacity ring of points that keeps the newest in order.
import { strict as assert } from 'node:assert';
import { TimeSeriesRing } from '../../../src/model/ringBuffer';
import { seededRandom } from '../support/seededRandom';

describe('model: TimeSeriesRing', () => {
  it('keeps (time, value) points oldest → newest and overwrites the oldest when full', () => {
    const series = new TimeSeriesRing(4);
    for (let i = 1; i <= 6; i++) series.push(i * 10, i);
    assert.equal(series.size, 4);
    assert.equal(series.capacity, 4);
    assert.deepEqual([...series.times()], [30, 40, 50, 60]);
    assert.deepEqual([...series.values()], [3, 4, 5, 6]);
    assert.equal(series.timeAt(0), 30);
    assert.equal(series.valueAt(3), 6);
    assert.equal(series.valueAt(4), undefined);
    assert.equal(series.lastTime(), 60);
    assert.equal(series.lastValue(), 6);
    assert.equal(series.pushed, 6);
  });

  it('hands out copies, not views of its storage', () => {
    const series = new TimeSeriesRing(4);
    series.push(1, 1);
    const values = series.values();
    values[0] = 99;
    assert.equal(series.valueAt(0), 1);
    assert.ok(series.times() instanceof Float64Array);
  });

  it('allocates on demand, never beyond its capacity', () => {
    const series = new TimeSeriesRing(1000);
    assert.ok(series.allocated < 1000, 'an empty series does not reserve its full capacity');
    for (let i = 0; i < 5000; i++) {
      series.push(i, i);
      assert.ok(series.allocated <= 1000);
      assert.ok(series.allocated >= series.size);
    }
    assert.equal(series.size, 1000);
    assert.equal(series.timeAt(0), 4000);
    assert.equal(series.lastValue(), 4999);
  });

  it('keeps times non-decreasing (a clock step back takes the previous time)', () => {
    const series = new TimeSeriesRing(5);
    series.push(100, 1);
    series.push(90, 2);
    series.push(Number.NaN, 3);
    series.push(120, 4);
    assert.deepEqual([...series.times()], [100, 100, 100, 120]);
    assert.deepEqual([...series.values()], [1, 2, 3, 4]);
  });

  it('reads a time window with since(), across the wrap', () => {
    const series = new TimeSeriesRing(5);
    for (let i = 1; i <= 8; i++) series.push(i * 100, i); // holds t=400..800, wrapped
    assert.equal(series.indexAtOrAfter(0), 0);
    assert.equal(series.indexAtOrAfter(550), 2);
    assert.equal(series.indexAtOrAfter(600), 2);
    assert.equal(series.indexAtOrAfter(801), 5);
    const window = series.since(550);
    assert.deepEqual([...window.times], [600, 700, 800]);
    assert.deepEqual([...window.values], [6, 7, 8]);
    assert.equal(series.since(10_000).times.length, 0);
    assert.deepEqual([...series.slice(1, 3).values], [5, 6]);
    assert.deepEqual([...series.slice(-5, 99).values], [4, 5, 6, 7, 8], 'slice clamps');
  });

  it('returns what was pushed after a cursor, and how much the reader missed', () => {
    const series = new TimeSeriesRing(4);
    series.push(1, 1);
    series.push(2, 2);
    const first = series.after(0);
    assert.deepEqual([...first.values], [1, 2]);
    assert.equal(first.skipped, 0);
    assert.equal(first.cursor, 2);
    series.push(3, 3);
    const second = series.after(first.cursor);
    assert.deepEqual([...second.values], [3]);
    assert.equal(second.cursor, 3);
    assert.equal(series.after(second.cursor).values.length, 0);
    for (let i = 4; i <= 10; i++) series.push(i, i); // the reader falls behind: 4..6 are overwritten
    const late = series.after(second.cursor);
    assert.deepEqual([...late.values], [7, 8, 9, 10]);
    assert.equal(late.skipped, 3);
    assert.equal(late.cursor, 10);
  });

  it('resizes keeping the newest points, and clears', () => {
    const series = new TimeSeriesRing(5);
    for (let i = 1; i <= 7; i++) series.push(i, i * 2);
    series.resize(2);
    assert.deepEqual([...series.values()], [12, 14]);
    assert.ok(series.allocated <= 2);
    series.resize(10);
    for (let i = 8; i <= 12; i++) series.push(i, i * 2);
    assert.deepEqual([...series.times()], [6, 7, 8, 9, 10, 11, 12]);
    series.clear();
    assert.equal(series.size, 0);
    assert.equal(series.lastTime(), undefined);
    series.push(1, 5);
    assert.deepEqual([...series.values()], [5]);
  });

  it('with capacity 0 keeps nothing', () => {
    const series = new TimeSeriesRing(0);
    series.push(1, 1);
    assert.equal(series.size, 0);
    assert.equal(series.after(0).skipped, 1);
  });

  it('matches a plain array model over random pushes and resizes', () => {
    const next = seededRandom(11);
    const series = new TimeSeriesRing(50);
    let model: [number, number][] = [];
    let capacity = 50;
    let time = 0;
    for (let step = 0; step < 5000; step++) {
      if (next() < 0.005) {
        capacity = 1 + Math.floor(next() * 80);
        series.resize(capacity);
        model = model.slice(-capacity);
      } else {
        time += Math.floor(next() * 3);
        series.push(time, step);
        model.push([time, step]);
        if (model.length > capacity) model.shift();
      }
      assert.equal(series.size, model.length);
      if (step % 101 === 0) {
        assert.deepEqual([...series.times()], model.map(([t]) => t), `times at step ${step}`);
        assert.deepEqual([...series.values()], model.map(([, v]) => v), `values at step ${step}`);
        const from = time - 20;
        assert.deepEqual([...series.since(from).values], model.filter(([t]) => t >= from).map(([, v]) => v), `since at step ${step}`);
      }
    }
  });
});
