// The refresh scheduler the Devices tree runs on: rate cap, hidden, paused, catch-up, periodic ticks.
import { strict as assert } from 'node:assert';
import { Coalescer, setCoalescing, type FlushReason, type Timers } from '../../../src/extension/coalescer';

/** A clock that moves only when the test says, running due timers in order. */
class FakeTimers implements Timers {
  time = 0;
  private nextId = 1;
  private readonly pending = new Map<number, { at: number; run: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(run: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { at: this.time + Math.max(0, ms), run });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  get scheduled(): number {
    return this.pending.size;
  }

  /** Moves the clock forward by `ms`, running every timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: [number, { at: number; run: () => void }] | undefined;
      for (const entry of this.pending) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.pending.delete(next[0]);
      this.time = next[1].at;
      next[1].run();
    }
    this.time = end;
  }
}

function setup(options: { visible?: boolean; paused?: boolean; periodicMs?: number } = {}) {
  const timers = new FakeTimers();
  const flushes: { at: number; reason: FlushReason }[] = [];
  const coalescer = new Coalescer((reason) => flushes.push({ at: timers.now(), reason }), { maxPerSecond: 4, timers, ...options });
  return { timers, flushes, coalescer };
}

describe('extension: coalescer', () => {
  it('flushes once for a burst of requests, on the next turn', () => {
    const { timers, flushes, coalescer } = setup();
    for (let i = 0; i < 1000; i++) coalescer.request();
    assert.equal(flushes.length, 0, 'never synchronously inside request()');
    timers.advance(0);
    assert.deepEqual(flushes, [{ at: 0, reason: 'request' }]);
    assert.equal(coalescer.pending, false);
    timers.advance(10_000);
    assert.equal(flushes.length, 1, 'nothing more without a request');
  });

  it('flushes at most maxPerSecond times a second under a steady stream of requests', () => {
    const { timers, flushes, coalescer } = setup();
    // A request every 10 ms for 5 s: 500 requests.
    for (let t = 0; t < 5000; t += 10) {
      coalescer.request();
      timers.advance(10);
    }
    timers.advance(1000);
    assert.ok(flushes.length <= 4 * 5 + 1, `${flushes.length} flushes in 5 s`);
    assert.ok(flushes.length >= 4 * 5 - 1, `${flushes.length} flushes: it keeps up at the cap`);
    for (let i = 1; i < flushes.length; i++) assert.ok(flushes[i]!.at - flushes[i - 1]!.at >= 250, `flush ${i} came ${flushes[i]!.at - flushes[i - 1]!.at} ms after the previous one`);
    assert.equal(coalescer.flushes, flushes.length);
  });

  it('does not flush while hidden, and catches up at once when shown', () => {
    const { timers, flushes, coalescer } = setup({ visible: false });
    coalescer.request();
    timers.advance(60_000);
    assert.equal(flushes.length, 0);
    assert.equal(coalescer.pending, true);
    assert.equal(timers.scheduled, 0, 'no timer runs for a hidden view');
    coalescer.setVisible(true);
    timers.advance(0);
    assert.equal(flushes.length, 1);
    assert.equal(coalescer.pending, false);
  });

  it('does not flush when shown if nothing changed while hidden', () => {
    const { timers, flushes, coalescer } = setup({ visible: false });
    coalescer.setVisible(true);
    timers.advance(5000);
    assert.equal(flushes.length, 0);
  });

  it('cancels a booked flush when hidden before it runs', () => {
    const { timers, flushes, coalescer } = setup();
    coalescer.request();
    coalescer.setVisible(false);
    timers.advance(1000);
    assert.equal(flushes.length, 0);
    coalescer.setVisible(true);
    timers.advance(0);
    assert.equal(flushes.length, 1);
  });

  it('does not flush while paused, and catches up at once on resume', () => {
    const { timers, flushes, coalescer } = setup();
    coalescer.setPaused(true);
    for (let i = 0; i < 50; i++) {
      coalescer.request();
      timers.advance(100);
    }
    assert.equal(flushes.length, 0);
    coalescer.setPaused(false);
    timers.advance(0);
    assert.equal(flushes.length, 1, 'one flush brings everything up to date');
  });

  it('keeps the rate cap when shown right after a flush', () => {
    const { timers, flushes, coalescer } = setup();
    coalescer.request();
    timers.advance(0);
    coalescer.setVisible(false);
    coalescer.request();
    coalescer.setVisible(true);
    timers.advance(100);
    assert.equal(flushes.length, 1, 'not before 250 ms after the previous flush');
    timers.advance(150);
    assert.equal(flushes.length, 2);
  });

  it('ticks every periodicMs while active, and only then', () => {
    const { timers, flushes, coalescer } = setup({ periodicMs: 1000 });
    timers.advance(3500);
    assert.deepEqual(flushes.map((f) => [f.at, f.reason]), [[1000, 'periodic'], [2000, 'periodic'], [3000, 'periodic']]);
    coalescer.setVisible(false);
    timers.advance(5000);
    assert.equal(flushes.length, 3, 'no ticks while hidden');
    coalescer.setVisible(true);
    coalescer.setPaused(true);
    timers.advance(5000);
    assert.equal(flushes.length, 3, 'no ticks while paused');
    coalescer.setPaused(false);
    timers.advance(500);
    assert.equal(flushes.length, 4, 'a tick at once when active again (ages may be stale)');
  });

  it('lets a request come before the next periodic tick, within the rate cap', () => {
    const { timers, flushes, coalescer } = setup({ periodicMs: 1000 });
    timers.advance(100);
    coalescer.request();
    timers.advance(0);
    assert.deepEqual(flushes.map((f) => [f.at, f.reason]), [[100, 'request']]);
    timers.advance(1000);
    assert.deepEqual(flushes.map((f) => [f.at, f.reason]), [[100, 'request'], [1100, 'periodic']]);
  });

  it('books the next flush for a request made during a flush, and survives a throwing flush', () => {
    const timers = new FakeTimers();
    let runs = 0;
    const coalescer: Coalescer = new Coalescer(
      () => {
        runs++;
        if (runs === 1) coalescer.request();
        if (runs === 2) throw new Error('render failed');
      },
      { maxPerSecond: 4, timers },
    );
    coalescer.request();
    timers.advance(0);
    assert.equal(runs, 1);
    assert.throws(() => timers.advance(250), /render failed/);
    assert.equal(runs, 2);
    coalescer.request();
    timers.advance(250);
    assert.equal(runs, 3, 'still scheduling after a failure');
  });

  it('stops for good when disposed', () => {
    const { timers, flushes, coalescer } = setup({ periodicMs: 1000 });
    coalescer.request();
    coalescer.dispose();
    coalescer.request();
    coalescer.setVisible(true);
    timers.advance(10_000);
    assert.equal(flushes.length, 0);
    assert.equal(timers.scheduled, 0);
  });

  it('rejects a rate that is not positive', () => {
    assert.throws(() => new Coalescer(() => undefined, { maxPerSecond: 0 }), RangeError);
    assert.throws(() => new Coalescer(() => undefined, { maxPerSecond: 4, periodicMs: 0 }), RangeError);
  });

  it('flushes on every request when coalescing is switched off (the B3 benchmark baseline), but never while hidden', () => {
    const { timers, flushes, coalescer } = setup();
    setCoalescing(false);
    try {
      for (let i = 0; i < 10; i++) coalescer.request();
      assert.equal(flushes.length, 10, 'one flush per request');
      coalescer.setVisible(false);
      coalescer.request();
      assert.equal(flushes.length, 10);
      assert.equal(timers.scheduled, 0);
    } finally {
      setCoalescing(true);
    }
    coalescer.setVisible(true);
    timers.advance(250);
    assert.equal(flushes.length, 11, 'the hidden request is flushed once shown, within the rate cap again');
  });
});
