// Reconnect delays: first retry within about a second, ×2 per attempt up to 30 s, jitter, and a
// reset once a connection has stayed up for a while.
import { strict as assert } from 'node:assert';
import { Backoff } from '../../../src/ayla/backoff';

function delays(backoff: Backoff, n: number): number[] {
  return Array.from({ length: n }, () => backoff.next().delayMs);
}

describe('ayla/backoff', () => {
  it('retries first within 0.5–1 s by default, whatever the jitter', () => {
    for (const r of [0, 0.25, 0.5, 0.999999]) {
      const { attempt, delayMs } = new Backoff({ random: () => r }).next();
      assert.equal(attempt, 1);
      assert.ok(delayMs >= 500 && delayMs <= 1000, `first delay ${delayMs} ms with random ${r}`);
    }
  });

  it('doubles the upper bound per attempt up to a 30 s cap', () => {
    assert.deepEqual(delays(new Backoff({ random: () => 1 }), 8), [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('jitters within the upper half of each step', () => {
    assert.deepEqual(delays(new Backoff({ random: () => 0 }), 7), [500, 1000, 2000, 4000, 8000, 15000, 15000]);
    assert.deepEqual(delays(new Backoff({ random: () => 0.5 }), 3), [750, 1500, 3000]);
  });

  it('numbers attempts 1, 2, 3, …', () => {
    const backoff = new Backoff();
    assert.deepEqual([backoff.next().attempt, backoff.next().attempt, backoff.next().attempt], [1, 2, 3]);
    assert.equal(backoff.attempt, 3);
  });

  it('starts over after a connection was live at least resetAfterMs', () => {
    let now = 0;
    const backoff = new Backoff({ random: () => 1, resetAfterMs: 10000, now: () => now });
    delays(backoff, 4);
    backoff.connected();
    now += 10000;
    assert.deepEqual(backoff.next(), { attempt: 1, delayMs: 1000 });
  });

  it('keeps backing off when a connection drops soon after opening', () => {
    let now = 0;
    const backoff = new Backoff({ random: () => 1, resetAfterMs: 10000, now: () => now });
    delays(backoff, 3);
    backoff.connected();
    now += 9999;
    assert.deepEqual(backoff.next(), { attempt: 4, delayMs: 8000 });
  });

  it('honours custom bounds and reset()', () => {
    const backoff = new Backoff({ initialMs: 20, maxMs: 100, factor: 3, random: () => 1 });
    assert.deepEqual(delays(backoff, 4), [20, 60, 100, 100]);
    backoff.reset();
    assert.deepEqual(backoff.next(), { attempt: 1, delayMs: 20 });
  });

  it('clamps a misbehaving random source and refuses nonsense bounds', () => {
    assert.equal(new Backoff({ random: () => 7 }).next().delayMs, 1000);
    assert.equal(new Backoff({ random: () => -3 }).next().delayMs, 500);
    assert.throws(() => new Backoff({ initialMs: 0 }), RangeError);
    assert.throws(() => new Backoff({ maxMs: Number.NaN }), RangeError);
  });
});
