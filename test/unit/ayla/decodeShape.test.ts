// The shape of decoded events: every event of one type has the same fields, in the same order, whatever
// the payload carries or leaves out (a missing field is present as undefined). The decoder builds each
// type's event with one class (no spread of a shared object, which cost more than the JSON.parse itself:
// benchmark B1), and this pins the fields they must keep. What an event keeps is only `raw` and typed
// scalars: `metadata` and `body` are read from `raw` (keeping every event's parsed JSON tree in the store's
// buffers made garbage collection the largest cost of ingesting events, B1).
import { strict as assert } from 'node:assert';
import { decodeEvent, isDssEvent } from '../../../src/ayla/decode';
import type { DssEvent } from '../../../src/ayla/events';

const COMMON = ['seq', 'dsn', 'dsns', 'oemId', 'oemModel', 'raw', 'receivedAt', 'type'];
const OWN: Record<DssEvent['type'], string[]> = {
  connectivity: ['status', 'eventTime'],
  datapoint: ['property', 'displayName', 'baseType', 'value', 'updatedAt', 'echo'],
  datapointack: ['property', 'displayName', 'baseType', 'value', 'updatedAt', 'ackStatus', 'ackMessage', 'ackId', 'ackedAt'],
  location: ['lat', 'lng', 'provider'],
  registration: ['registered', 'registrationType'],
  unknown: ['eventType'],
};

function decoded(value: unknown): DssEvent {
  const result = decodeEvent(JSON.stringify(value), 1_700_000_000_000);
  if (!isDssEvent(result)) assert.fail(`undecodable: ${result.reason}`);
  return result;
}

const FULL_META = { oem_id: '0dfc7900', oem_model: 'ledevb', dsn: 'AC000W000000001', property_name: 'Blue_LED', display_name: 'Blue LED', base_type: 'boolean', resource_tags: [], event_type: '' };
const BODIES: Record<DssEvent['type'], [string, Record<string, unknown>]> = {
  connectivity: ['connection', { event_time: '2024-01-01T00:00:00Z', user_uuid: 'u', status: 'Online' }],
  datapoint: ['datapoint', { id: 'x', updated_at: '2024-01-01T00:00:00Z', echo: false, value: 1, metadata: {} }],
  datapointack: ['datapoint', { id: 'x', value: 1, ack_status: 200, ack_message: 0, ack_id: 'a', acked_at: '2024-01-01T00:00:01Z' }],
  location: ['location_event', { dsn: 'AC000W000000001', lat: ' 44.769500', long: '-69.428300', provider: 'ip-based' }],
  registration: ['registration_event', { dsn: 'AC000W000000001', registered: true, registration_type: 'Dsn' }],
  unknown: ['something', { a: 1 }],
};

describe('ayla/decode: the shape of decoded events', () => {
  for (const type of Object.keys(OWN) as DssEvent['type'][]) {
    it(`${type}: the common fields, then its own, in the same order with every field present or absent`, () => {
      const eventType = type === 'unknown' ? 'future_type' : type;
      const [bodyKey, body] = BODIES[type];
      const full = decoded({ seq: '7', metadata: { ...FULL_META, event_type: eventType }, [bodyKey]: body });
      const sparse = decoded({ metadata: { event_type: eventType }, [bodyKey]: {} });
      assert.equal(full.type, type);
      assert.deepEqual(Object.keys(full), [...COMMON, ...OWN[type]]);
      assert.deepEqual(Object.keys(sparse), Object.keys(full), 'absent fields are there as undefined, in the same place');
      assert.equal(full.seq, 7);
      assert.equal(full.dsn, 'AC000W000000001');
      assert.equal(full.oemModel, 'ledevb');
      assert.equal(sparse.seq, undefined);
      assert.equal(sparse.dsn, '');
    });
  }

  it('keeps no parsed JSON: metadata and body are read from raw, each read a fresh copy', () => {
    const payload = { seq: '7', metadata: { ...FULL_META, event_type: 'datapoint', extra: { nested: [1, 2] } }, datapoint: { ...BODIES.datapoint[1], quality: 'good' } };
    const event = decoded(payload);
    for (const key of Object.keys(event)) {
      const value: unknown = (event as unknown as Record<string, unknown>)[key];
      // dsns is the one array (of strings); nothing else an event holds is an object.
      if (key === 'dsns') assert.ok(Array.isArray(value) && (value as unknown[]).every((d) => typeof d === 'string'));
      else assert.ok(value === null || typeof value !== 'object', `${key} holds an object`);
    }
    assert.deepEqual(event.metadata, payload.metadata);
    assert.deepEqual(event.body, payload.datapoint);
    const first = event.body;
    first.quality = 'changed';
    (event.metadata.extra as { nested: number[] }).nested.push(3);
    assert.equal(event.body.quality, 'good', 'a read is a copy: changing it changes nothing');
    assert.deepEqual(event.metadata.extra, { nested: [1, 2] });
    assert.equal(event.raw, JSON.stringify(payload), 'raw is untouched');
  });

  it('reads the body each type keeps under its key (datapointack under either key; unknown types guessed)', () => {
    const ack = decoded({ metadata: { ...FULL_META, event_type: 'datapointack' }, datapointack: { value: 1, ack_status: 200 } });
    assert.deepEqual(ack.body, { value: 1, ack_status: 200 });
    const unknown = decoded({ metadata: { event_type: 'firmware' }, seq: 1, firmware: { version: '2.0' }, other: { a: 1 } });
    assert.deepEqual(unknown.body, { version: '2.0' });
  });

  it('lists a single DSN as one, and splits a comma list (each event its own list: the store files them under its own)', () => {
    const a = decoded({ seq: '1', metadata: { ...FULL_META, event_type: 'datapoint' }, datapoint: BODIES.datapoint[1] });
    assert.deepEqual(a.dsns, ['AC000W000000001']);
    const several = decoded({ metadata: { ...FULL_META, dsn: 'A1, B2,', event_type: 'datapoint' }, datapoint: BODIES.datapoint[1] });
    assert.deepEqual(several.dsns, ['A1', 'B2']);
    assert.equal(several.dsn, 'A1');
    const none = decoded({ metadata: { ...FULL_META, dsn: ' , ', event_type: 'datapoint' }, datapoint: BODIES.datapoint[1] });
    assert.deepEqual(none.dsns, []);
  });
});
