// uPlot's aligned data: one x array, per series its value or null.
import { strict as assert } from 'node:assert';
import { align } from '../../../src/webview/align';

describe('webview: align (union of x, null gaps)', () => {
  it('merges the times of every series and fills the gaps with null', () => {
    const { x, ys } = align([
      { times: [1, 3, 5], values: [10, 30, 50] },
      { times: [2, 3, 6], values: [0, 1, 0] },
    ]);
    assert.deepEqual(x, [1, 2, 3, 5, 6]);
    assert.deepEqual(ys, [
      [10, null, 30, 50, null],
      [null, 0, 1, null, 0],
    ]);
  });

  it('handles no series, empty series and a single series', () => {
    assert.deepEqual(align([]), { x: [], ys: [], counts: [] });
    assert.deepEqual(align([{ times: [], values: [] }, { times: [4], values: [7] }]), { x: [4], ys: [[null], [7]], counts: [0, 1] });
    assert.deepEqual(align([{ times: Float64Array.of(1, 2), values: Float64Array.of(3, 4) }]), { x: [1, 2], ys: [[3, 4]], counts: [2] });
  });

  it('repeats a time only as often as one series has points at it', () => {
    const { x, ys } = align([
      { times: [1, 1, 2], values: [5, 6, 7] },
      { times: [1], values: [9] },
    ]);
    assert.deepEqual(x, [1, 1, 2]);
    assert.deepEqual(ys, [
      [5, 6, 7],
      [9, null, null],
    ]);
  });

  it('turns values that are not finite numbers into gaps', () => {
    assert.deepEqual(align([{ times: [1, 2], values: [Number.NaN, Infinity] }]).ys, [[null, null]]);
    assert.deepEqual(align([{ times: [1, 2], values: [Number.NaN, Infinity] }]).counts, [0]);
  });
});
