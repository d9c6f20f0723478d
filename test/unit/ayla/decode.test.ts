// Event decoding: the shared fixture frames, every tolerance case of ayla-protocol.md §5, what is
// undecodable, and a fuzz of mutated frames that must never throw.
import { strict as assert } from 'node:assert';
import { decodeEvent, isDssEvent } from '../../../src/ayla/decode';
import type { DssEvent, JsonObject, UndecodableFrame } from '../../../src/ayla/events';
import { parseFrame } from '../../../src/ayla/frames';
import { readFixtureFrames } from '../support/fixtureFile';
import { seededRandom } from '../support/seededRandom';

const AT = 1_700_000_000_000;

function event(payload: string): DssEvent {
  const result = decodeEvent(payload, AT);
  if (!isDssEvent(result)) assert.fail(`undecodable: ${result.reason} (${payload.slice(0, 80)})`);
  return result;
}

function undecodable(payload: string): UndecodableFrame {
  const result = decodeEvent(payload, AT);
  if (isDssEvent(result)) assert.fail(`decoded as ${result.type}: ${payload.slice(0, 80)}`);
  return result;
}

function narrow<K extends DssEvent['type']>(e: DssEvent, type: K): Extract<DssEvent, { type: K }> {
  assert.equal(e.type, type);
  return e as Extract<DssEvent, { type: K }>;
}

/** A payload built from an object (tests of tolerance cases). */
const json = (value: unknown): string => JSON.stringify(value);

const META = { oem_id: '0dfc7900', oem_model: 'linuxevb', dsn: 'AC000W005606115', property_name: 'Blue_LED', display_name: 'Blue LED', base_type: 'boolean', resource_tags: [], event_type: 'datapoint' };
const DATAPOINT = { id: 'x', created_at_from_device: null, updated_at: '2018-09-24T10:25:14Z', created_at: '2018-09-24T10:25:14Z', user_uuid: 'u', echo: true, closed: false, value: 0, metadata: {} };

describe('ayla/decode: decodeEvent', () => {
  describe('the shared fixture frames', () => {
    const lines = readFixtureFrames().filter((l) => parseFrame(l.frame).kind === 'payload');

    it('decodes every event line of the fixture file, keeping raw, metadata and body exactly as received', () => {
      assert.ok(lines.length >= 8, `only ${lines.length} event lines`);
      for (const { note, frame } of lines) {
        const payload = frame.slice(frame.indexOf('|') + 1);
        const e = event(payload);
        const parsed = JSON.parse(payload) as { seq: string; metadata: JsonObject & { event_type: string; dsn: string } } & JsonObject;
        assert.equal(e.type, parsed.metadata.event_type, note);
        assert.equal(e.raw, payload, `${note}: raw is the payload text`);
        assert.equal(e.receivedAt, AT);
        assert.equal(e.seq, Number(parsed.seq), note);
        assert.equal(e.dsn, parsed.metadata.dsn, note);
        assert.deepEqual(e.dsns, [parsed.metadata.dsn], note);
        assert.deepEqual(e.metadata, parsed.metadata, note);
        const bodyKey = Object.keys(parsed).find((k) => k !== 'seq' && k !== 'metadata')!;
        assert.deepEqual(e.body, parsed[bodyKey], note);
        assert.equal(e.oemId, parsed.metadata.oem_id, note);
      }
    });

    it('reads each event type into its typed fields', () => {
      const byNote = (fragment: string): DssEvent => {
        const line = lines.find((l) => l.note.includes(fragment));
        if (!line) assert.fail(`no fixture line "${fragment}"`);
        return event(line.frame.slice(line.frame.indexOf('|') + 1));
      };
      const connectivity = narrow(byNote('connectivity, documented'), 'connectivity');
      assert.equal(connectivity.status, 'Online');
      assert.equal(connectivity.eventTime, '2018-09-24T10:26:37Z');

      const datapoint = narrow(byNote('datapoint, documented'), 'datapoint');
      assert.deepEqual([datapoint.seq, datapoint.property, datapoint.baseType, datapoint.value, datapoint.echo], [13, 'Blue_LED', 'boolean', 0, true]);

      const text = narrow(byNote('datapoint string'), 'datapoint');
      assert.deepEqual([text.seq, text.value, text.property], [0, 'asdf3', 'WH1_INF_UNT_ECC']);
      assert.equal(text.metadata.resource_tags, undefined, 'the 2017 capture has no resource_tags');

      const ack = narrow(byNote('datapointack'), 'datapointack');
      assert.deepEqual([ack.value, ack.ackStatus, ack.ackMessage, ack.ackId, ack.ackedAt], [1, 200, 0, '160c8c90-bfe4-11e8-87f4-8d732085e587', '2018-09-24T10:24:57Z']);

      const location = narrow(byNote('location'), 'location');
      assert.deepEqual([location.lat, location.lng, location.provider], [44.7695, -69.4283, 'ip-based']);

      const registration = narrow(byNote('registration'), 'registration');
      assert.deepEqual([registration.registered, registration.registrationType], [false, 'AP-Mode']);
    });
  });

  describe('tolerance the client owes real servers', () => {
    it('keeps an unknown event_type as type "unknown", raw and whole', () => {
      const payload = json({ seq: '7', metadata: { ...META, event_type: 'firmware_update' }, firmware_update: { version: '2.0' }, extra: 1 });
      const e = narrow(event(payload), 'unknown');
      assert.equal(e.eventType, 'firmware_update');
      assert.equal(e.raw, payload);
      assert.equal(e.seq, 7);
      assert.deepEqual(e.body, { version: '2.0' });
    });

    it('keeps an event without event_type as "unknown" with the first object as its body', () => {
      const { event_type: _dropped, ...metadata } = META;
      const e = narrow(event(json({ seq: '1', metadata, datapoint: DATAPOINT })), 'unknown');
      assert.equal(e.eventType, '');
      assert.deepEqual(e.body, DATAPOINT);
    });

    it('keeps unknown fields in metadata and body', () => {
      const e = narrow(event(json({ seq: '1', metadata: { ...META, region: 'us', tags: { a: 1 } }, datapoint: { ...DATAPOINT, quality: 'good' }, trace: 'abc' })), 'datapoint');
      assert.equal(e.metadata.region, 'us');
      assert.deepEqual(e.metadata.tags, { a: 1 });
      assert.equal(e.body.quality, 'good');
      assert.ok(e.raw.includes('"trace":"abc"'), 'top-level extras stay in raw');
    });

    it('accepts a missing resource_tags', () => {
      const { resource_tags: _dropped, ...metadata } = META;
      const e = narrow(event(json({ seq: '1', metadata, datapoint: DATAPOINT })), 'datapoint');
      assert.equal(e.property, 'Blue_LED');
    });

    it('reads a comma list in metadata.dsn: dsn = the first, dsns = all', () => {
      const e = event(json({ seq: '1', metadata: { ...META, dsn: 'AC000W1, AC000W2,AC000W3,' }, datapoint: DATAPOINT }));
      assert.equal(e.dsn, 'AC000W1');
      assert.deepEqual(e.dsns, ['AC000W1', 'AC000W2', 'AC000W3']);
    });

    it("falls back to the body's dsn when metadata has none", () => {
      const e = event(json({ seq: '1', metadata: { event_type: 'location' }, location_event: { dsn: 'AC000W9', lat: '1', long: '2' } }));
      assert.equal(e.dsn, 'AC000W9');
      assert.equal(e.oemId, undefined);
    });

    it('reads seq as a string or a number; a missing or unreadable seq is undefined', () => {
      const seqOf = (seq: unknown): number | undefined => event(json({ seq, metadata: META, datapoint: DATAPOINT })).seq;
      assert.equal(seqOf('42'), 42);
      assert.equal(seqOf(42), 42);
      assert.equal(seqOf(' 42 '), 42);
      assert.equal(seqOf('0'), 0);
      assert.equal(seqOf(undefined), undefined);
      assert.equal(seqOf('abc'), undefined);
      assert.equal(seqOf(-1), undefined);
      assert.equal(seqOf(1.5), undefined);
      assert.equal(seqOf(null), undefined);
      // Strings of digits are read without Number(); every other string goes through it: one answer either way.
      for (const text of ['007', '123456789012345', '1234567890123456', '9007199254740993', '1e3', '0x1F', '+5', '-0', '4.0', '', ' ', '٣', '12a']) {
        const n = Number(text);
        const expected = text.trim() !== '' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
        assert.equal(seqOf(text), expected, JSON.stringify(text));
      }
    });

    it('reads numbers sent as strings (lat with a leading space, numeric values, ack status)', () => {
      const location = narrow(event(json({ seq: '1', metadata: { ...META, event_type: 'location' }, location_event: { lat: ' 44.769500', long: '-69.428300 ' } })), 'location');
      assert.deepEqual([location.lat, location.lng], [44.7695, -69.4283]);
      const numericLat = narrow(event(json({ seq: '1', metadata: { ...META, event_type: 'location' }, location_event: { lat: 10.5, lng: 20 } })), 'location');
      assert.deepEqual([numericLat.lat, numericLat.lng], [10.5, 20]);
      const badLat = narrow(event(json({ seq: '1', metadata: { ...META, event_type: 'location' }, location_event: { lat: 'north', long: '' } })), 'location');
      assert.deepEqual([badLat.lat, badLat.lng], [undefined, undefined]);

      const decimal = narrow(event(json({ seq: '1', metadata: { ...META, base_type: 'decimal' }, datapoint: { ...DATAPOINT, value: '21.5' } })), 'datapoint');
      assert.equal(decimal.value, 21.5);
      const text = narrow(event(json({ seq: '1', metadata: { ...META, base_type: 'string' }, datapoint: { ...DATAPOINT, value: '12' } })), 'datapoint');
      assert.equal(text.value, '12', 'a string property keeps its string');
      const notNumber = narrow(event(json({ seq: '1', metadata: { ...META, base_type: 'integer' }, datapoint: { ...DATAPOINT, value: 'n/a' } })), 'datapoint');
      assert.equal(notNumber.value, 'n/a', 'an unreadable number is shown as sent');
      const ack = narrow(event(json({ seq: '1', metadata: { ...META, event_type: 'datapointack' }, datapoint: { ...DATAPOINT, ack_status: '200', ack_message: 'ok' } })), 'datapointack');
      assert.deepEqual([ack.ackStatus, ack.ackMessage], [200, 'ok']);
    });

    it('reads a boolean value sent as true/false as 1/0, and a missing value as null', () => {
      assert.equal(narrow(event(json({ seq: '1', metadata: META, datapoint: { ...DATAPOINT, value: true } })), 'datapoint').value, 1);
      assert.equal(narrow(event(json({ seq: '1', metadata: META, datapoint: { ...DATAPOINT, value: false } })), 'datapoint').value, 0);
      const { value: _dropped, ...noValue } = DATAPOINT;
      assert.equal(narrow(event(json({ seq: '1', metadata: META, datapoint: noValue })), 'datapoint').value, null);
      assert.equal(narrow(event(json({ seq: '1', metadata: META, datapoint: { ...DATAPOINT, value: { a: 1 } } })), 'datapoint').value, null);
    });

    it('finds a datapointack body under "datapoint" or under "datapointack"', () => {
      const body = { ...DATAPOINT, ack_status: 200, ack_id: 'ack-1' };
      for (const key of ['datapoint', 'datapointack']) {
        const e = narrow(event(json({ seq: '2', metadata: { ...META, event_type: 'datapointack' }, [key]: body })), 'datapointack');
        assert.equal(e.ackId, 'ack-1', key);
        assert.deepEqual(e.body, body, key);
      }
    });

    it('reads registration and connectivity tolerantly (registered as a string, an unknown status as-is)', () => {
      const r = narrow(event(json({ seq: '1', metadata: { ...META, event_type: 'registration' }, registration_event: { registered: 'true', registration_type: 'Dsn', registered_at: 'x' } })), 'registration');
      assert.deepEqual([r.registered, r.registrationType], [true, 'Dsn']);
      const c = narrow(event(json({ seq: '1', metadata: { ...META, event_type: 'connectivity' }, connection: { status: 'Sleeping' } })), 'connectivity');
      assert.deepEqual([c.status, c.eventTime], ['Sleeping', undefined]);
    });
  });

  describe('undecodable payloads', () => {
    for (const [payload, why] of [
      ['this is not JSON', /not JSON/],
      ['{"seq":"1","metadata":{"oem_id":', /not JSON/],
      ['', /not JSON/],
      ['[1,2,3]', /not an event object/],
      ['"text"', /not an event object/],
      ['null', /not an event object/],
      ['42', /not an event object/],
      ['{"seq":"1"}', /no metadata object/],
      ['{"seq":"1","metadata":"datapoint"}', /no metadata object/],
      ['{"seq":"1","metadata":[]}', /no metadata object/],
      ['{"seq":"1","metadata":null,"datapoint":{}}', /no metadata object/],
      ['{"seq":"1","metadata":{"event_type":"datapoint"}}', /datapoint event has no "datapoint" object/],
      ['{"seq":"1","metadata":{"event_type":"location"},"location_event":"here"}', /location event has no "location_event" object/],
    ] as const) {
      it(`${JSON.stringify(payload).slice(0, 60)} → undecodable, raw kept, one-sentence reason`, () => {
        const f = undecodable(payload);
        assert.equal(f.raw, payload);
        assert.equal(f.receivedAt, AT);
        assert.match(f.reason, why);
        assert.match(f.reason, /^[A-Z][^\n]*\.$/, 'one sentence');
      });
    }
  });

  describe('fuzz', () => {

    const JUNK: readonly unknown[] = [null, true, false, 0, -1, 1e308, '', ' 1', '1,2', 'x|y', [], [1, 'a'], {}, { a: { b: [] } }, '\u0000', '😀', '__proto__', 'constructor'];

    /** Replaces or deletes a random field, somewhere in the object tree, by a random junk value. */
    function mutateTree(value: unknown, rnd: () => number, depth = 0): unknown {
      if (typeof value !== 'object' || value === null) return value;
      const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
      if (entries.length === 0) return JUNK[Math.floor(rnd() * JUNK.length)];
      const index = Math.floor(rnd() * entries.length);
      const [key, child] = entries[index]!;
      const roll = rnd();
      let replacement: unknown;
      if (roll < 0.15) replacement = undefined; // deleted
      else if (roll < 0.55 && depth < 4 && typeof child === 'object' && child !== null) replacement = mutateTree(child, rnd, depth + 1);
      else replacement = JUNK[Math.floor(rnd() * JUNK.length)];
      if (Array.isArray(value)) {
        const copy = [...value] as unknown[];
        copy[index] = replacement;
        return copy;
      }
      const copy: JsonObject = { ...(value as JsonObject) };
      if (replacement === undefined) delete copy[key];
      else copy[key] = replacement;
      if (rnd() < 0.1) copy.__proto__extra = { injected: true };
      return copy;
    }

    /** Mangles the text itself: flips, cuts, inserts. */
    function mutateText(text: string, rnd: () => number): string {
      const pick = (): number => Math.floor(rnd() * (text.length + 1));
      const roll = rnd();
      if (roll < 0.25) return text.slice(0, pick());
      if (roll < 0.5) {
        const i = pick();
        return text.slice(0, i) + String.fromCharCode(Math.floor(rnd() * 0x3000)) + text.slice(i + 1);
      }
      if (roll < 0.7) {
        const i = pick();
        return text.slice(0, i) + ['|', '{', '}', '"', ',', ':', '\\', '1|Z', '999|'][Math.floor(rnd() * 9)] + text.slice(i);
      }
      if (roll < 0.85) {
        const i = pick();
        const j = pick();
        return text.slice(0, Math.min(i, j)) + text.slice(Math.max(i, j));
      }
      return Array.from({ length: Math.floor(rnd() * 40) }, () => String.fromCharCode(Math.floor(rnd() * 128))).join('');
    }

    it('never throws on 5000 mutated frames, and every result is an event or an undecodable frame with a reason', () => {
      const rnd = seededRandom(20240601);
      const bases = readFixtureFrames().map((l) => l.frame);
      let events = 0;
      let undecodables = 0;
      for (let i = 0; i < 5000; i++) {
        const base = bases[Math.floor(rnd() * bases.length)]!;
        let frame: string;
        const bar = base.indexOf('|');
        if (rnd() < 0.5 && base.slice(bar + 1).startsWith('{')) {
          let tree: unknown = JSON.parse(base.slice(bar + 1));
          const rounds = 1 + Math.floor(rnd() * 3);
          for (let r = 0; r < rounds; r++) tree = mutateTree(tree, rnd);
          const payload = JSON.stringify(tree) ?? 'undefined';
          frame = `${Buffer.byteLength(payload)}|${payload}`;
        } else {
          frame = mutateText(base, rnd);
        }
        const context = `case ${i}: ${frame.slice(0, 200)}`;
        let parsed: ReturnType<typeof parseFrame>;
        try {
          parsed = parseFrame(frame);
        } catch (error) {
          assert.fail(`parseFrame threw on ${context}: ${String(error)}`);
        }
        if (parsed.kind !== 'payload') {
          if (parsed.kind === 'malformed') assert.ok(parsed.reason.length > 0, context);
          continue;
        }
        let result: DssEvent | UndecodableFrame;
        try {
          result = decodeEvent(parsed.payload, AT);
        } catch (error) {
          assert.fail(`decodeEvent threw on ${context}: ${String(error)}`);
        }
        assert.equal(result.raw, parsed.payload, context);
        if (isDssEvent(result)) {
          events++;
          assert.ok(['connectivity', 'datapoint', 'datapointack', 'location', 'registration', 'unknown'].includes(result.type), context);
          assert.ok(result.dsns.every((d) => typeof d === 'string' && d !== ''), context);
          assert.equal(result.dsn, result.dsns[0] ?? '', context);
          assert.ok(result.seq === undefined || (Number.isSafeInteger(result.seq) && result.seq >= 0), context);
          assert.equal(typeof result.body, 'object', context);
          assert.equal(typeof result.metadata, 'object', context);
        } else {
          undecodables++;
          assert.match(result.reason, /^[A-Z][^\n]*\.$/, context);
        }
      }
      // The fuzz must exercise both outcomes, or it tests nothing.
      assert.ok(events > 500, `only ${events} mutated frames decoded`);
      assert.ok(undecodables > 500, `only ${undecodables} mutated frames were undecodable`);
    });
  });
});
