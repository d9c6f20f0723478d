// One series' points in the page: bounded by the host's capacity, growing and trimming in amortised O(1).
import { strict as assert } from 'node:assert';
import { SeriesBuffer } from '../../../src/webview/seriesBuffer';

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe('webview: SeriesBuffer', () => {
  it('takes the first points and exposes them as Float64Array views', () => {
    const b = new SeriesBuffer(100, Float64Array.of(1, 2, 3), Float64Array.of(10, 20, 30));
    assert.equal(b.length, 3);
    assert.ok(b.times instanceof Float64Array);
    assert.ok(b.values instanceof Float64Array);
    assert.deepEqual([...b.times], [1, 2, 3]);
    assert.deepEqual([...b.values], [10, 20, 30]);
    assert.equal(b.lastTime, 3);
    assert.equal(b.lastValue, 30);
  });

  it('appends in order and grows', () => {
    const b = new SeriesBuffer(10_000);
    for (let i = 0; i < 1000; i++) assert.equal(b.append([i], [i * 2]), 1);
    assert.equal(b.length, 1000);
    assert.deepEqual([...b.times.subarray(995)], [995, 996, 997, 998, 999]);
    assert.equal(b.values[999], 1998);
    assert.ok(b.allocated >= 1000 && b.allocated <= 2048, `doubling growth (${b.allocated})`);
  });

  it('never exposes more than capacity points and trims only when 25 % over', () => {
    const b = new SeriesBuffer(100);
    let trims = 0;
    let previous = 0;
    for (let i = 0; i < 1000; i++) {
      b.append([i], [i]);
      assert.ok(b.length <= 100);
      assert.ok(b.stored <= 125, `held ${b.stored}`);
      if (b.stored < previous) trims++;
      previous = b.stored;
    }
    assert.equal(b.length, 100);
    assert.deepEqual([...b.times], range(900, 1000), 'the newest 100, oldest first');
    assert.deepEqual([...b.values], range(900, 1000));
    assert.ok(trims > 0 && trims <= 1000 / 25 + 1, `amortised: ${trims} trims for 1000 appends`);
    assert.ok(b.allocated <= 125);
  });

  it('keeps only the newest capacity points of a large first batch or a large append', () => {
    const first = range(0, 500);
    const b = new SeriesBuffer(50, first, first);
    assert.deepEqual([...b.times], range(450, 500));
    const more = range(500, 2000);
    assert.equal(b.append(more, more), 1500);
    assert.deepEqual([...b.times], range(1950, 2000));
  });

  it('drops points older than the newest one, and non-finite times, so times stay sorted', () => {
    const b = new SeriesBuffer(10, [5, 6], [1, 1]);
    assert.equal(b.append([4, 6, Number.NaN, Infinity, 7], [9, 2, 9, 9, 3]), 2);
    assert.deepEqual([...b.times], [5, 6, 6, 7]);
    assert.deepEqual([...b.values], [1, 1, 2, 3]);
  });

  it('treats a nonsense capacity as 1 and an empty buffer as empty', () => {
    const b = new SeriesBuffer(Number.NaN);
    assert.equal(b.capacity, 1);
    assert.equal(b.length, 0);
    assert.equal(b.lastTime, undefined);
    b.append([1, 2, 3], [1, 2, 3]);
    assert.deepEqual([...b.times], [3]);
  });
});
