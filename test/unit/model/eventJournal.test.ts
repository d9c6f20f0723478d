// The event buffers keep events as text (EventJournal) and each device's window as ids into it, copying an
// event's text only when the shared buffer lets go of one a device still wants (DeviceEvents). What comes
// back must be exactly what went in — every byte of every text, in order — whatever the sizes, the wrap-around,
// the growth, the resizes; and a quiet device must keep its recent events while others flood the buffer.
import { strict as assert } from 'node:assert';
import { decodeEvent, isDssEvent } from '../../../src/ayla/decode';
import type { DssEvent } from '../../../src/ayla/events';
import { parseFrame } from '../../../src/ayla/frames';
import { DeviceStore } from '../../../src/model/deviceStore';
import { EventJournal } from '../../../src/model/eventJournal';
import { eventFilter } from '../../../src/model/eventFilter';
import { TimeSeriesRing } from '../../../src/model/ringBuffer';
import { connectivityEvent, datapointEvent, resetEventFactory } from '../support/eventFactory';
import { readFixtureFrames } from '../support/fixtureFile';
import { seededRandom } from '../support/seededRandom';

const A = 'AC000W000000001';
const B = 'AC000W000000002';

/** A datapoint whose string value is `text`: the event's raw JSON carries it, escaped as JSON does. */
function withText(text: string, seq?: number): DssEvent {
  return datapointEvent({ dsn: A, property: 'note', baseType: 'string', value: text, ...(seq === undefined ? {} : { seq }) });
}

describe('model: event buffers as text (EventJournal, DeviceEvents)', () => {
  beforeEach(() => resetEventFactory());

  it('gives back every fixture event decoded exactly as it was applied', () => {
    const events: DssEvent[] = [];
    readFixtureFrames().forEach((line, i) => {
      const frame = parseFrame(line.frame);
      if (frame.kind !== 'payload') return;
      const event = decodeEvent(frame.payload, 1_700_000_000_000 + i);
      if (isDssEvent(event)) events.push(event);
    });
    assert.ok(events.length >= 5, `${events.length} fixture events`);
    const store = new DeviceStore();
    for (const event of events) store.apply(event);
    assert.deepEqual(store.recentEvents(), events, 'the same fields, getters and class as the decoder made');
  });

  it('keeps texts of every size and script byte for byte, across wrap-around and growth', () => {
    const next = seededRandom(7);
    const alphabet = ['a', 'Z', '0', ' ', '"', '\\', 'é', 'ß', '中', '文', '😀', '\uFFFD', '\u2028', '|', '\n'];
    const journal = new EventJournal(64);
    const pushed: DssEvent[] = [];
    for (let i = 0; i < 3000; i++) {
      // Mostly small, sometimes large (a 20 kB string value), so records both wrap and force growth.
      const length = next() < 0.02 ? 20_000 : Math.floor(next() * 300);
      let text = '';
      for (let c = 0; c < length; c++) text += alphabet[Math.floor(next() * alphabet.length)]!;
      const event = withText(text);
      pushed.push(event);
      journal.push(event);
      // Now and then a resize, which moves every kept text into a new array: in whatever state the ring is.
      if (i % 89 === 0) {
        journal.resize(65);
        journal.resize(64);
      }
      if (i % 97 === 0 || i % 89 === 0) assert.deepEqual(journal.newest().map((e) => e.raw), pushed.slice(-64).map((e) => e.raw), `after ${i + 1} events`);
    }
    assert.deepEqual(journal.newest().map((e) => e.raw), pushed.slice(-64).map((e) => e.raw));
    assert.equal(journal.pushed, 3000);
    // Resizing moves the kept texts into a new array (wrapped or not): still every byte.
    for (const capacity of [40, 200, 7]) {
      journal.resize(capacity);
      assert.deepEqual(journal.newest().map((e) => e.raw), pushed.slice(-Math.min(capacity, 40)).map((e) => e.raw), `resized to ${capacity}`);
    }
  });

  it('stays bounded in memory however many events pass through', () => {
    const journal = new EventJournal(100);
    let largest = 0;
    for (let i = 0; i < 50_000; i++) {
      journal.push(withText('x'.repeat(i % 500)));
      largest = Math.max(largest, journal.allocatedBytes);
    }
    // 100 events of at most ≈ 700 bytes; the array may double once past what they need, plus slack for one more.
    assert.ok(largest <= 512 * 1024, `${largest} bytes allocated at most`);
    assert.equal(journal.size, 100);
  });

  it('reads the events after a cursor lazily: counts now, decodes the ones read, refuses a read after more arrived', () => {
    const journal = new EventJournal(5);
    for (let i = 1; i <= 3; i++) journal.push(datapointEvent({ dsn: i === 2 ? B : A, value: i }));
    const first = journal.after(0, eventFilter({ dsn: A }));
    assert.deepEqual({ matched: first.matched, total: first.total, skipped: first.skipped, cursor: first.cursor }, { matched: 2, total: 3, skipped: 0, cursor: 3 });
    assert.equal(first.newest(0)?.seq, 3);
    assert.deepEqual(first.events.map((e) => e.seq), [1, 3]);
    assert.equal(first.newest(2), undefined);
    for (let i = 4; i <= 10; i++) journal.push(datapointEvent({ dsn: A, value: i }));
    assert.throws(() => first.newest(0), /after more events arrived/);
    const next = journal.after(first.cursor);
    assert.deepEqual({ matched: next.matched, skipped: next.skipped }, { matched: 5, skipped: 2 }, 'seqs 4 and 5 left before the read');
    assert.deepEqual(next.events.map((e) => e.seq), [6, 7, 8, 9, 10]);
    assert.deepEqual([next.newest(0)?.seq, next.newest(4)?.seq, next.newest(5)], [10, 6, undefined], 'newest first, nothing past the end');
  });

  it('filters on what it keeps without decoding: type, device, property, text', () => {
    const store = new DeviceStore();
    store.apply(datapointEvent({ dsn: A, property: 'Temp', value: 21 }));
    store.apply(connectivityEvent({ dsn: A, status: 'Offline' }));
    store.apply(datapointEvent({ dsn: B, property: 'Temp', value: 22 }));
    assert.deepEqual(store.recentEvents(10, eventFilter({ property: 'Temp' })).map((e) => e.dsn), [A, B]);
    assert.deepEqual(store.recentEvents(10, eventFilter({ types: ['connectivity'] })).map((e) => e.type), ['connectivity']);
    assert.deepEqual(store.recentEvents(10, eventFilter({ text: 'offline' })).map((e) => e.type), ['connectivity']);
  });

  it("files kept events under the store's own names: one DSN list per device, not one per event", () => {
    const store = new DeviceStore({ eventBufferSize: 4, eventsPerDevice: 3 });
    const applied: DssEvent[] = [];
    for (let i = 1; i <= 3; i++) applied.push(datapointEvent({ dsn: A, property: 'Temp', value: i, seq: i }));
    for (let i = 4; i <= 9; i++) applied.push(datapointEvent({ dsn: B, property: 'Temp', value: i, seq: i }));
    // An event for two devices (metadata.dsn a comma list), decoded as the stream decodes it: filed under A.
    const both = decodeEvent(datapointEvent({ dsn: A, property: 'Temp', value: 10, seq: 10 }).raw.replace(`"dsn":"${A}"`, `"dsn":"${A},${B}"`), 1);
    assert.ok(isDssEvent(both) && both.dsn === A && both.dsns.length === 2);
    applied.push(both);
    for (const event of applied) store.apply(event);
    // A filter sees each record's names, newest first; A's first records have left the shared buffer by now.
    const seen: { dsn: string; dsns: readonly string[]; property: string | undefined }[] = [];
    store.recentEvents(10, (header) => {
      seen.push({ dsn: header.dsn, dsns: header.dsns, property: header.property });
      return true;
    });
    assert.deepEqual(seen.map((s) => [s.dsn, [...s.dsns], s.property]), [[A, [A, B], 'Temp'], [B, [B], 'Temp'], [B, [B], 'Temp'], [B, [B], 'Temp']]);
    const ofB = seen.slice(1);
    assert.ok(ofB.every((s) => s.dsns === ofB[0]!.dsns), "B's records share one list");
    assert.ok(ofB.every((s) => applied.every((event) => event.dsns !== s.dsns)), "…the store's, not an event's own");
    assert.ok(Object.isFrozen(ofB[0]!.dsns));
    assert.equal(seen[0]!.dsns, applied[9]!.dsns, 'a list of several DSNs is the event\'s own');
    assert.deepEqual(store.recentEventsOfDevice(A).map((e) => [e.seq, [...e.dsns]]), [[2, [A]], [3, [A]], [10, [A, B]]], "A's copies decode to its events");
  });

  it('refuses a size that is not a whole number ≥ 0, naming what was wrong', () => {
    assert.throws(() => new EventJournal(-1), { name: 'RangeError', message: 'Event buffer capacity must be a whole number ≥ 0, not -1' });
    assert.throws(() => new EventJournal(4).resize(2.5), { name: 'RangeError', message: 'Event buffer capacity must be a whole number ≥ 0, not 2.5' });
    assert.throws(() => new TimeSeriesRing(Number.NaN), { name: 'RangeError', message: 'Ring buffer capacity must be a whole number ≥ 0, not NaN' });
    assert.throws(() => new DeviceStore({ eventsPerDevice: -3 }), { name: 'RangeError', message: 'DeviceStore option eventsPerDevice must be a whole number ≥ 0, not -3' });
  });

  it('resizes keeping the newest events, and clears', () => {
    const journal = new EventJournal(10);
    for (let i = 1; i <= 10; i++) journal.push(withText(`event ${i}`, i));
    journal.resize(4);
    assert.deepEqual(journal.newest().map((e) => e.seq), [7, 8, 9, 10]);
    journal.resize(20);
    for (let i = 11; i <= 30; i++) journal.push(withText(`event ${i}`, i));
    assert.deepEqual(journal.newest().map((e) => e.seq), Array.from({ length: 20 }, (_, i) => i + 11));
    journal.clear();
    assert.deepEqual({ size: journal.size, pushed: journal.pushed, newest: journal.newest() }, { size: 0, pushed: 30, newest: [] });
  });

  it('a quiet device keeps its recent events while a busy one floods the shared buffer', () => {
    const store = new DeviceStore({ eventBufferSize: 10, eventsPerDevice: 4 });
    for (let i = 1; i <= 3; i++) store.apply(datapointEvent({ dsn: A, property: 'p', value: i }));
    for (let i = 0; i < 200; i++) store.apply(datapointEvent({ dsn: B, property: 'p', value: i }));
    const values = (events: readonly DssEvent[]) => events.map((e) => ('value' in e ? e.value : undefined));
    assert.deepEqual(values(store.recentEventsOfDevice(A)), [1, 2, 3], 'copied out as they left the shared buffer');
    assert.deepEqual(values(store.recentEventsOfDevice(B)), [196, 197, 198, 199], 'still in the shared buffer');
    for (let i = 4; i <= 9; i++) store.apply(datapointEvent({ dsn: A, property: 'p', value: i }));
    for (let i = 0; i < 200; i++) store.apply(datapointEvent({ dsn: B, property: 'p', value: i }));
    assert.deepEqual(values(store.recentEventsOfDevice(A)), [6, 7, 8, 9], 'the window moved on, older copies dropped');
    assert.equal(store.recentEventsOfDevice(A, 2).length, 2);
  });

  it('keeps device windows with no shared buffer at all, and through a shrinking one', () => {
    const none = new DeviceStore({ eventBufferSize: 0, eventsPerDevice: 3 });
    for (let i = 1; i <= 5; i++) none.apply(datapointEvent({ dsn: A, property: 'p', value: i }));
    assert.deepEqual(none.recentEvents(), []);
    assert.deepEqual(none.recentEventsOfDevice(A).map((e) => e.seq), [3, 4, 5]);

    const shrinking = new DeviceStore({ eventBufferSize: 100, eventsPerDevice: 3 });
    for (let i = 1; i <= 5; i++) shrinking.apply(datapointEvent({ dsn: A, property: 'p', value: i, seq: i }));
    for (let i = 6; i <= 10; i++) shrinking.apply(datapointEvent({ dsn: B, property: 'p', value: i, seq: i }));
    shrinking.resize({ eventBufferSize: 2 });
    assert.deepEqual(shrinking.recentEventsOfDevice(A).map((e) => e.seq), [3, 4, 5]);
    shrinking.resize({ eventsPerDevice: 2 });
    assert.deepEqual(shrinking.recentEventsOfDevice(A).map((e) => e.seq), [4, 5]);
    assert.deepEqual(shrinking.recentEventsOfDevice(B).map((e) => e.seq), [9, 10]);
  });

  it('gives back an event whose text does not decode as an unknown event with its text intact', () => {
    const journal = new EventJournal(2);
    const handMade = { ...connectivityEvent({ dsn: A }), raw: 'not JSON at all' };
    journal.push(handMade);
    const [back] = journal.newest();
    assert.deepEqual({ type: back?.type, raw: back?.raw, dsn: back?.dsn }, { type: 'unknown', raw: 'not JSON at all', dsn: A });
  });
});
