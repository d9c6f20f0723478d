// What the "Ayla DSS Events" channel shows: each format, exotic values, the exact raw JSON, and batches
// that stay small under a burst and say how many events they skipped.
import { strict as assert } from 'node:assert';
import { decodeEvent, isDssEvent } from '../../../src/ayla/decode';
import type { DssEvent, UndecodableFrame } from '../../../src/ayla/events';
import { registerSecret, forgetSecret } from '../../../src/ayla/redact';
import { DeviceStore } from '../../../src/model/deviceStore';
import { eventFilter } from '../../../src/model/eventFilter';
import {
  MAX_EVENT_CHARS,
  formatBatch,
  formatEvent,
  formatUndecodable,
  localTimestamp,
  newestFirst,
  shorten,
  valueText,
} from '../../../src/extension/eventLines';
import { ackEvent, connectivityEvent, datapointEvent, locationEvent, registrationEvent, resetEventFactory, unknownEvent } from '../support/eventFactory';
import { prettyJson } from '../../../src/extension/eventJson';

const AT = new Date(2024, 0, 31, 13, 5, 9, 42).getTime(); // local time
const STAMP = '2024-01-31 13:05:09.042';

/** A datapoint event decoded from wire JSON, as the client would hand it on. */
function decoded(raw: string, receivedAt = AT): DssEvent {
  const event = decodeEvent(raw, receivedAt);
  assert.ok(isDssEvent(event), `decodes: ${raw}`);
  return event;
}

function wireDatapoint(value: unknown, extra = ''): string {
  return (
    '{"seq":"7","metadata":{"oem_id":"0dfc7900","oem_model":"ledevb","dsn":"AC000W000000001","property_name":"status","display_name":"Status","base_type":"string","event_type":"datapoint"},' +
    `"datapoint":{"id":"dp-7","updated_at":"2024-01-31T12:05:09Z","echo":false,"value":${JSON.stringify(value)}${extra},"metadata":{}}}`
  );
}

describe('extension: event lines (the events channel text)', () => {
  beforeEach(() => resetEventFactory());

  it('stamps local time to the millisecond', () => {
    assert.equal(localTimestamp(AT), STAMP);
    assert.equal(localTimestamp(new Date(2024, 11, 1, 0, 0, 0, 5).getTime()), '2024-12-01 00:00:00.005');
    assert.equal(localTimestamp(Number.NaN), '????-??-?? ??:??:??.???');
  });

  it('raw: the JSON exactly as the server sent it, one line per event', () => {
    const event = decoded(wireDatapoint('a|b'));
    assert.equal(formatEvent(event, 'raw'), `${event.raw}\n`);
  });

  it('summary: timestamp, type, DSN, property = value, then the exact JSON on the same line', () => {
    const event = decoded(wireDatapoint('hello'));
    assert.equal(formatEvent(event, 'summary'), `${STAMP} datapoint    AC000W000000001  status = "hello"  ${event.raw}\n`);
    const number = datapointEvent({ property: 'temp', value: 21.5, receivedAt: AT });
    assert.equal(formatEvent(number, 'summary'), `${STAMP} datapoint    AC000W000000001  temp = 21.5  ${number.raw}\n`);
  });

  it('summary: every event type reads well', () => {
    const line = (event: DssEvent): string => formatEvent(event, 'summary').slice(STAMP.length + 1).split('  {')[0]!;
    assert.equal(line(connectivityEvent({ status: 'Offline', receivedAt: AT })), 'connectivity AC000W000000001  Offline');
    assert.equal(line(ackEvent({ property: 'setpoint', value: 20, ackStatus: 0, ackMessage: 3, receivedAt: AT })), 'datapointack AC000W000000001  setpoint = 20 ack 0 (3)');
    assert.equal(line(locationEvent({ lat: '44.7', long: '-69.4', provider: 'gps', receivedAt: AT })), 'location     AC000W000000001  44.7, -69.4 (gps)');
    assert.equal(line(registrationEvent({ registered: false, registrationType: 'AP-Mode', receivedAt: AT })), 'registration AC000W000000001  unregistered (AP-Mode)');
    assert.equal(line(unknownEvent({ eventType: 'firmware', receivedAt: AT })), 'unknown      AC000W000000001  event_type "firmware"');
    assert.equal(line(datapointEvent({ value: null, receivedAt: AT })), 'datapoint    AC000W000000001  Blue_LED = null');
  });

  it('summary: exotic values stay on one line, quoted, with the raw JSON untouched', () => {
    const exotic = 'pipe | and\nnewline\r\ttab \u2028 ü 🚀 "quoted" \\ back';
    const event = decoded(wireDatapoint(exotic));
    const text = formatEvent(event, 'summary');
    assert.equal(text.split('\n').length, 2, 'one line and the final line break');
    assert.ok(text.endsWith(`  ${event.raw}\n`), 'ends with the exact raw JSON');
    const prefix = text.slice(0, text.length - event.raw.length - 3);
    assert.ok(prefix.includes('status = "pipe | and\\nnewline\\r\\ttab \\u2028 ü 🚀 \\"quoted\\" \\\\ back"'), prefix);
    assert.ok(!prefix.includes('\u2028'), 'no raw line separator in the prefix');
  });

  it('summary: long string values are shortened in the prefix, never in the JSON; no half surrogate pair', () => {
    const long = '🚀'.repeat(100);
    const event = decoded(wireDatapoint(long));
    const text = formatEvent(event, 'summary');
    const value = valueText(long);
    assert.ok(value.length <= 60 && value.endsWith('…"'), value);
    assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])/.test(value), 'no lone high surrogate');
    assert.ok(text.includes(value) && text.includes(event.raw));
    assert.equal(shorten('abcdef', 4), 'abc…');
    assert.equal(shorten('abc', 4), 'abc');
  });

  it('names and DSNs with control characters cannot break the line', () => {
    const raw =
      '{"seq":"1","metadata":{"dsn":"AC\\nEVIL","property_name":"a\\nb","base_type":"integer","event_type":"datapoint"},"datapoint":{"value":1}}';
    const text = formatEvent(decoded(raw), 'summary');
    assert.equal(text.split('\n').length, 2, text);
    assert.ok(text.includes('AC\\nEVIL  a\\nb = 1'), text);
  });

  it('pretty: the prefix line, then the JSON indented — same tokens, nothing lost', () => {
    const event = decoded(wireDatapoint('a|b ü 🚀\n'));
    const text = formatEvent(event, 'pretty');
    const [prefix, ...json] = text.split('\n');
    assert.equal(prefix, `${STAMP} datapoint    AC000W000000001  status = "a|b ü 🚀\\n"`);
    assert.equal(json.pop(), '', 'ends with a line break');
    assert.deepEqual(JSON.parse(json.join('\n')), JSON.parse(event.raw));
    assert.equal(json.join('\n'), JSON.stringify(JSON.parse(event.raw), null, 2));
  });

  it('reindents token for token: big numbers, escapes, duplicate keys and empty containers survive', () => {
    const raw = '{"n":12345678901234567890123, "e":1.0e+400,"s":"\\u00fc\\"{[,:]}\\\\","a":[],"o":{ },"d":1,"d":2,"x":[1,[true,null]]}';
    const pretty = prettyJson(raw);
    assert.equal(
      pretty,
      [
        '{',
        '  "n": 12345678901234567890123,',
        '  "e": 1.0e+400,',
        '  "s": "\\u00fc\\"{[,:]}\\\\",',
        '  "a": [],',
        '  "o": {},',
        '  "d": 1,',
        '  "d": 2,',
        '  "x": [',
        '    1,',
        '    [',
        '      true,',
        '      null',
        '    ]',
        '  ]',
        '}',
      ].join('\n'),
    );
    assert.equal(prettyJson(pretty).replace(/\s/g, ''), raw.replace(/\s/g, ''));
  });

  it('a JSON that arrived with line breaks between tokens is still one line in raw and summary', () => {
    const raw = '{\n  "seq": "3",\r\n  "metadata": {"dsn": "AC1", "event_type": "connectivity"},\n  "connection": {"status": "Online"}\n}';
    const event = decoded(raw);
    const line = formatEvent(event, 'raw');
    assert.equal(line.split('\n').length, 2);
    assert.deepEqual(JSON.parse(line), JSON.parse(raw));
  });

  it('cuts an enormous event in the channel and says so', () => {
    const event = decoded(wireDatapoint('x'.repeat(MAX_EVENT_CHARS * 2)));
    for (const format of ['raw', 'summary', 'pretty'] as const) {
      const text = formatEvent(event, format);
      assert.ok(text.length < MAX_EVENT_CHARS + 400, `${format}: ${text.length}`);
      assert.match(text, /… \(\d+ more characters; Copy Last Event JSON or Export Recent Events has all of it\)\n$/);
    }
  });

  it('shows an undecodable frame raw and quoted, with the reason, secrets redacted', () => {
    const key = 'sk-0123456789abcdef0123456789';
    registerSecret(key, 'token');
    try {
      const frame: UndecodableFrame = { raw: `12|not json\n| stream_key=${key}`, reason: 'The payload is not JSON.', receivedAt: AT };
      const text = formatUndecodable(frame);
      assert.equal(text.split('\n').length, 2);
      assert.ok(text.startsWith(`${STAMP} undecodable  The payload is not JSON.: "12|not json\\n| stream_key=`), text);
      assert.ok(!text.includes(key), 'the stream key is redacted');
    } finally {
      forgetSecret(key);
    }
  });

  describe('batches', () => {
    const events = (count: number): DssEvent[] => Array.from({ length: count }, (_, i) => datapointEvent({ property: 'counter', value: i }));

    it('shows every event when they fit, in order, as one text', () => {
      const input = events(5);
      const batch = formatBatch({ events: newestFirst(input) }, { format: 'raw', maxChars: 100_000 });
      assert.equal(batch.text, input.map((e) => `${e.raw}\n`).join(''));
      assert.deepEqual({ shown: batch.shown, skipped: batch.skipped, lines: batch.lines }, { shown: 5, skipped: 0, lines: 5 });
    });

    it('under a burst: the newest that fit, after one line counting the skipped ones', () => {
      const input = events(50_000);
      const batch = formatBatch({ events: newestFirst(input) }, { format: 'summary', maxChars: 64 * 1024 });
      assert.ok(batch.text.length <= 64 * 1024 + 200, `${batch.text.length} characters`);
      assert.ok(batch.shown > 10 && batch.shown < 1000, `${batch.shown} shown`);
      assert.equal(batch.shown + batch.skipped, 50_000, 'every event is shown or counted');
      const lines = batch.text.split('\n');
      assert.equal(lines[0], `… ${batch.skipped} events skipped here (still in memory: use Export Recent Events or Pick Event…)`);
      assert.ok(lines[lines.length - 2]!.endsWith(input[49_999]!.raw), 'ends with the newest event');
      assert.ok(lines[1]!.endsWith(input[50_000 - batch.shown]!.raw), 'starts with the oldest event that fits');
      assert.equal(batch.lines, batch.shown + 1);
    });

    it('filters (as the event log reads the store): only matching events are shown or counted as skipped', () => {
      const input = [datapointEvent({ dsn: 'A1', property: 'temp' }), connectivityEvent({ dsn: 'A1' }), datapointEvent({ dsn: 'B2', property: 'temp' })];
      const store = new DeviceStore();
      for (const event of input) store.apply(event);
      const tail = store.eventsAfter(0, eventFilter({ types: ['datapoint'], dsn: 'A1' }));
      const batch = formatBatch({ events: tail, filteredOut: tail.total - tail.matched }, { format: 'raw', maxChars: 100_000 });
      assert.equal(batch.text, `${input[0]!.raw}\n`);
      assert.deepEqual({ shown: batch.shown, skipped: batch.skipped, filteredOut: batch.filteredOut }, { shown: 1, skipped: 0, filteredOut: 2 });
    });

    it('reads only the events it shows (the store decodes each one read)', () => {
      const input = events(20_000);
      let reads = 0;
      const source = newestFirst(input);
      const counted = { matched: source.matched, newest: (i: number) => (reads++, source.newest(i)) };
      const batch = formatBatch({ events: counted }, { format: 'summary', maxChars: 16 * 1024 });
      assert.ok(batch.shown > 10 && batch.shown < 200, `${batch.shown} shown`);
      assert.equal(batch.shown + batch.skipped, 20_000);
      assert.ok(reads <= batch.shown + 1, `${reads} events read to show ${batch.shown}`);
    });

    it('says how many events left the buffer before the batch could show them', () => {
      const batch = formatBatch({ events: newestFirst(events(1)), lost: 12 }, { format: 'raw', maxChars: 100_000 });
      assert.match(batch.text, /^… 12 events skipped here \(no longer in memory; Record Events to File keeps every event\)\n/);
      assert.equal(batch.lost, 12);
    });

    it('merges undecodable frames in arrival order', () => {
      const [a, b] = [datapointEvent({ receivedAt: 1000 }), datapointEvent({ receivedAt: 3000 })];
      const frame: UndecodableFrame = { raw: 'garbage', reason: 'The payload is not JSON.', receivedAt: 2000 };
      const batch = formatBatch({ events: newestFirst([a!, b!]), undecodable: [frame] }, { format: 'raw', maxChars: 100_000 });
      const lines = batch.text.split('\n');
      assert.equal(lines[0], a!.raw);
      assert.match(lines[1]!, /undecodable {2}The payload is not JSON\.: "garbage"$/);
      assert.equal(lines[2], b!.raw);
      assert.equal(batch.undecodable, 1);
    });

    it('nothing to show: empty text', () => {
      const batch = formatBatch({ events: newestFirst([]) }, { format: 'summary', maxChars: 1000 });
      assert.deepEqual({ text: batch.text, lines: batch.lines }, { text: '', lines: 0 });
    });
  });
});
