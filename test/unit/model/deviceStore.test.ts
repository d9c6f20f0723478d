// The live model: listings and events in, device/property state, event buffers and change batches out.
import { strict as assert } from 'node:assert';
import { DeviceStore, type DeviceStoreOptions } from '../../../src/model/deviceStore';
import { eventFilter } from '../../../src/model/eventFilter';
import { propertyKey, splitPropertyKey } from '../../../src/model/changeSet';
import { historyValue, sameValue } from '../../../src/model/propertyState';
import {
  ackEvent,
  connectivityEvent,
  datapointEvent,
  listedDevice,
  listedProperty,
  locationEvent,
  registrationEvent,
  resetEventFactory,
  unknownEvent,
} from '../support/eventFactory';

const A = 'AC000W000000001';
const B = 'AC000W000000002';
const C = 'AC000W000000003';
const T0 = Date.UTC(2024, 0, 1);

/** A store on a clock the test moves. */
function storeAt(options: DeviceStoreOptions = {}): { store: DeviceStore; clock: { now: number } } {
  const clock = { now: T0 };
  return { store: new DeviceStore({ now: () => clock.now, ...options }), clock };
}

/** A store with device A listed and its properties: `Temp` (decimal, from device), `LED` (boolean, to device), `Mode` (string, ack-enabled). */
function listedStore(options: DeviceStoreOptions = {}): { store: DeviceStore; clock: { now: number } } {
  const result = storeAt(options);
  result.store.loadDevices([listedDevice(A, { product_name: 'Kitchen Freezer' })]);
  result.store.loadProperties(A, [
    listedProperty('Temp', { base_type: 'decimal', direction: 'output', read_only: true, display_name: 'Temperature', value: 20.5 }),
    listedProperty('LED', { base_type: 'boolean', direction: 'input', value: 0 }),
    listedProperty('Mode', { base_type: 'string', direction: 'input', value: 'eco', ack_enabled: true }),
  ]);
  result.store.takeChanges();
  return result;
}

describe('model: DeviceStore', () => {
  beforeEach(() => resetEventFactory());

  describe('listings', () => {
    it('lists devices by product name (numeric-aware, case-insensitive), then DSN', () => {
      const { store } = storeAt();
      const result = store.loadDevices([
        listedDevice('D3', { product_name: 'sensor 10' }),
        listedDevice('D2', { product_name: 'Sensor 2' }),
        listedDevice('D9', { product_name: 'Fridge' }),
        listedDevice('D1', { product_name: 'Fridge' }),
      ]);
      assert.deepEqual(result, { added: 4, updated: 0, removed: 0, skipped: 0 });
      assert.deepEqual(store.devices().map((d) => d.dsn), ['D1', 'D9', 'D2', 'D3']);
    });

    it('takes device fields from the listing and keeps the listed object for copying', () => {
      const { store } = storeAt();
      const listed = listedDevice(A, { connection_status: 'Offline', connected_at: '2024-02-01T10:00:00Z', lat: ' 44.5', lng: 'junk' });
      store.loadDevices([listed]);
      const device = store.device(A);
      assert.ok(device);
      assert.equal(device.device, listed);
      assert.equal(device.knownFromEventsOnly, false);
      assert.equal(device.productName, `Device ${A}`);
      assert.equal(device.oemModel, 'ledevb');
      assert.equal(device.connectionStatus, 'Offline');
      assert.equal(device.connectionChangedAt, '2024-02-01T10:00:00Z');
      assert.equal(device.connectionSource, 'rest');
      assert.equal(device.lat, 44.5);
      assert.equal(device.lng, undefined, 'an unreadable coordinate is undefined, not NaN');
    });

    it('replaces the set of devices, keeping the state of those still listed', () => {
      const { store } = listedStore();
      store.apply(datapointEvent({ dsn: A, property: 'Temp', value: 21, baseType: 'decimal' }));
      store.apply(registrationEvent({ dsn: C }));
      assert.equal(store.device(C)?.knownFromEventsOnly, true);
      const result = store.loadDevices([listedDevice(A), listedDevice(B), listedDevice(B)]);
      assert.deepEqual(result, { added: 1, updated: 1, removed: 1, skipped: 1 });
      assert.deepEqual(store.devices().map((d) => d.dsn), [A, B]);
      assert.equal(store.device(C), undefined, 'a device no longer listed is gone');
      assert.equal(store.property(A, 'Temp')?.value, 21, 'properties of a kept device survive');
      assert.equal(store.history(A, 'Temp')?.lastValue(), 21);
      assert.equal(store.recentEventsOfDevice(A).length, 1);
    });

    it('lists properties by display name, with their fields', () => {
      const { store } = listedStore();
      assert.deepEqual(store.properties(A).map((p) => p.name), ['LED', 'Mode', 'Temp']);
      const temp = store.property(A, 'Temp');
      assert.ok(temp);
      assert.equal(temp.displayName, 'Temperature');
      assert.equal(temp.baseType, 'decimal');
      assert.equal(temp.direction, 'output');
      assert.equal(temp.readOnly, true);
      assert.equal(temp.value, 20.5);
      assert.equal(temp.valueSource, 'rest');
      assert.equal(temp.knownFromEventsOnly, false);
      assert.equal(store.property(A, 'Mode')?.ackEnabled, true);
      assert.deepEqual(store.properties('nobody'), []);
    });

    it('seeds an empty numeric history with the listed value, not a string one', () => {
      const { store } = listedStore();
      const temp = store.history(A, 'Temp');
      assert.ok(temp);
      assert.equal(temp.size, 1);
      assert.equal(temp.lastValue(), 20.5);
      assert.equal(temp.lastTime(), Date.parse('2024-01-01T00:00:00Z'));
      assert.equal(store.history(A, 'Mode'), undefined);
    });

    it('ignores a property listing for a device it does not know', () => {
      const { store } = storeAt();
      assert.equal(store.loadProperties('ghost', [listedProperty('x')]), undefined);
      assert.equal(store.device('ghost'), undefined);
    });

    it('keeps values that events reported after the listing was requested', () => {
      const { store, clock } = listedStore();
      const requestedAt = clock.now;
      store.apply(datapointEvent({ dsn: A, property: 'Temp', value: 30, receivedAt: requestedAt + 5 }));
      store.apply(connectivityEvent({ dsn: A, status: 'Offline', receivedAt: requestedAt + 6 }));
      store.apply(datapointEvent({ dsn: A, property: 'LED', value: 1, baseType: 'boolean', receivedAt: requestedAt - 5 }));
      store.loadDevices([listedDevice(A, { connection_status: 'Online' })], requestedAt);
      store.loadProperties(A, [listedProperty('Temp', { value: 20 }), listedProperty('LED', { base_type: 'boolean', value: 0 })], requestedAt);
      assert.equal(store.property(A, 'Temp')?.value, 30, 'newer event value kept');
      assert.equal(store.property(A, 'Temp')?.valueSource, 'event');
      assert.equal(store.device(A)?.connectionStatus, 'Offline', 'newer connectivity kept');
      assert.equal(store.property(A, 'LED')?.value, 0, 'older event value replaced by the listing');
    });

    it('removes properties no longer listed', () => {
      const { store } = listedStore();
      store.loadProperties(A, [listedProperty('Temp')]);
      assert.deepEqual(store.properties(A).map((p) => p.name), ['Temp']);
      assert.equal(store.property(A, 'LED'), undefined);
      const changes = store.takeChanges();
      assert.equal(changes.structure, true);
      assert.ok(changes.properties.has(propertyKey(A, 'LED')));
    });
  });

  describe('events', () => {
    it('connectivity sets the connection status and time', () => {
      const { store } = listedStore();
      store.apply(connectivityEvent({ dsn: A, status: 'Offline', eventTime: '2024-03-01T12:00:00Z', receivedAt: T0 + 100 }));
      const device = store.device(A);
      assert.equal(device?.connectionStatus, 'Offline');
      assert.equal(device?.connectionChangedAt, '2024-03-01T12:00:00Z');
      assert.equal(device?.connectionReceivedAt, T0 + 100);
      assert.equal(device?.connectionSource, 'event');
    });

    it('datapoint sets value, times, last event and a history point', () => {
      const { store } = listedStore();
      const event = datapointEvent({ dsn: A, property: 'Temp', value: 23.5, baseType: 'decimal', updatedAt: '2024-03-01T12:00:00Z', receivedAt: T0 + 1000 });
      store.apply(event);
      const temp = store.property(A, 'Temp');
      assert.equal(temp?.value, 23.5);
      assert.equal(temp?.updatedAt, '2024-03-01T12:00:00Z');
      assert.equal(temp?.valueReceivedAt, T0 + 1000);
      assert.equal(temp?.lastEvent, event);
      assert.equal(store.lastEvent(A, 'Temp')?.raw, event.raw);
      assert.equal(JSON.parse(event.raw).datapoint.value, 23.5, 'raw is the wire JSON');
      assert.equal(temp?.eventCount, 1);
      const history = store.history(A, 'Temp');
      assert.equal(history?.size, 2, 'the seeded point and this one');
      assert.equal(history?.lastTime(), T0 + 1000);
      assert.equal(history?.lastValue(), 23.5);
    });

    it('charts booleans as 0/1 and numeric strings, never text', () => {
      const { store } = listedStore();
      store.apply(datapointEvent({ dsn: A, property: 'LED', value: 5, baseType: 'boolean' }));
      store.apply(datapointEvent({ dsn: A, property: 'LED', value: '0', baseType: 'boolean' }));
      store.apply(datapointEvent({ dsn: A, property: 'Temp', value: ' 19.25 ', baseType: 'decimal' }));
      store.apply(datapointEvent({ dsn: A, property: 'Temp', value: 'n/a', baseType: 'decimal' }));
      store.apply(datapointEvent({ dsn: A, property: 'Mode', value: '42', baseType: 'string' }));
      assert.deepEqual([...(store.history(A, 'LED')?.values() ?? [])], [0, 1, 0]);
      assert.deepEqual([...(store.history(A, 'Temp')?.values() ?? [])], [20.5, 19.25]);
      assert.equal(store.property(A, 'Temp')?.value, 'n/a', 'the value is shown even when not charted');
      assert.equal(store.history(A, 'Mode'), undefined);
    });

    it('datapointack records ack status, message and time on the property', () => {
      const { store } = listedStore();
      const event = ackEvent({ dsn: A, property: 'Mode', value: 'eco', baseType: 'string', ackStatus: 500, ackMessage: 3, ackedAt: '2024-03-01T12:00:01Z', receivedAt: T0 + 7 });
      store.apply(event);
      const mode = store.property(A, 'Mode');
      assert.equal(mode?.ackStatus, 500);
      assert.equal(mode?.ackMessage, 3);
      assert.equal(mode?.ackedAt, '2024-03-01T12:00:01Z');
      assert.equal(mode?.ackReceivedAt, T0 + 7);
      assert.equal(mode?.lastEvent, event);
      assert.equal(mode?.value, 'eco', 'an ack does not change the value');
    });

    it('location sets latitude and longitude, keeping a known one when unreadable', () => {
      const { store } = listedStore();
      store.apply(locationEvent({ dsn: A, lat: ' 44.769500', long: '-69.428300', provider: 'ip-based' }));
      assert.equal(store.device(A)?.lat, 44.7695);
      assert.equal(store.device(A)?.lng, -69.4283);
      assert.equal(store.device(A)?.locationProvider, 'ip-based');
      store.apply(locationEvent({ dsn: A, lat: 'junk', long: '-70' }));
      assert.equal(store.device(A)?.lat, 44.7695);
      assert.equal(store.device(A)?.lng, -70);
    });

    it('registration sets the registered flag, type and time', () => {
      const { store } = listedStore();
      store.apply(registrationEvent({ dsn: A, registered: false, registrationType: 'Button-Push', at: '2024-03-01T00:00:00Z' }));
      assert.equal(store.device(A)?.registered, false);
      assert.equal(store.device(A)?.registrationType, 'Button-Push');
      assert.equal(store.device(A)?.registrationChangedAt, '2024-03-01T00:00:00Z');
      store.apply(registrationEvent({ dsn: A, registered: true, at: '2024-03-02T00:00:00Z' }));
      assert.equal(store.device(A)?.registered, true);
      assert.equal(store.device(A)?.registrationChangedAt, '2024-03-02T00:00:00Z');
    });

    it('creates a device and property first seen in events, marked as known from events only', () => {
      const { store } = storeAt();
      store.apply(registrationEvent({ dsn: B, oemModel: 'linuxevb' }));
      store.apply(datapointEvent({ dsn: B, property: 'Blue_LED', displayName: 'Blue LED', baseType: 'boolean', value: 1 }));
      const device = store.device(B);
      assert.equal(device?.knownFromEventsOnly, true);
      assert.equal(device?.device, undefined);
      assert.equal(device?.oemModel, 'linuxevb');
      assert.deepEqual(store.devices().map((d) => d.dsn), [B]);
      const property = store.property(B, 'Blue_LED');
      assert.equal(property?.knownFromEventsOnly, true);
      assert.equal(property?.displayName, 'Blue LED');
      assert.equal(property?.baseType, 'boolean');
      assert.equal(property?.direction, undefined);
      store.loadDevices([listedDevice(B)]);
      assert.equal(store.device(B)?.knownFromEventsOnly, false, 'a later listing makes it a listed device');
      assert.equal(store.property(B, 'Blue_LED')?.value, 1);
    });

    it('keeps unknown event types in the event buffers only', () => {
      const { store } = listedStore();
      const before = store.device(A)?.lastEvent;
      const unknownOfA = unknownEvent({ dsn: A });
      store.apply(unknownOfA);
      store.apply(unknownEvent({ dsn: B }));
      assert.equal(store.device(B), undefined, 'no device created');
      assert.equal(store.device(A)?.lastEvent, before, 'no state changed');
      assert.deepEqual(store.recentEvents().map((e) => e.type), ['unknown', 'unknown']);
      assert.deepEqual(store.recentEventsOfDevice(A).map((e) => e.raw), [unknownOfA.raw]);
      assert.equal(store.recentEventsOfDevice(B).length, 1, 'found in the global buffer');
      assert.equal(store.counts.byType.unknown, 2);
    });

    it('ignores the state part of events without a DSN or property name, but buffers them', () => {
      const { store } = storeAt();
      store.apply(connectivityEvent({ dsn: '' }));
      store.apply(datapointEvent({ dsn: A, property: '' }));
      assert.deepEqual(store.devices().map((d) => d.dsn), [A]);
      assert.deepEqual(store.properties(A), []);
      assert.equal(store.recentEvents().length, 2);
    });

    it('counts events per type and in total', () => {
      const { store } = storeAt();
      store.apply(connectivityEvent());
      store.apply(datapointEvent());
      store.apply(datapointEvent());
      store.apply(ackEvent());
      store.apply(locationEvent());
      store.apply(registrationEvent());
      store.apply(unknownEvent());
      assert.equal(store.counts.total, 7);
      assert.deepEqual(store.counts.byType, { connectivity: 1, datapoint: 2, datapointack: 1, location: 1, registration: 1, unknown: 1 });
    });

    it('stops tracking new devices and properties at the limits, counting what it could not track', () => {
      const { store } = storeAt({ maxDevices: 2, maxPropertiesPerDevice: 2 });
      for (const dsn of [A, B, C]) store.apply(connectivityEvent({ dsn }));
      for (const property of ['p1', 'p2', 'p3']) store.apply(datapointEvent({ dsn: A, property }));
      assert.equal(store.devices().length, 2);
      assert.equal(store.properties(A).length, 2);
      assert.equal(store.counts.untracked, 2);
      assert.equal(store.recentEvents().length, 6, 'still in the event buffer');
      const result = store.loadDevices([listedDevice(A), listedDevice(B), listedDevice(C)]);
      assert.equal(result.skipped, 1);
    });
  });

  describe('event buffers', () => {
    it('returns recent events newest last, limited and filtered', () => {
      const { store } = storeAt({ eventBufferSize: 5 });
      for (let i = 1; i <= 8; i++) store.apply(datapointEvent({ dsn: i % 2 ? A : B, property: 'n', value: i }));
      const values = (events: readonly { raw: string }[]) => events.map((e) => JSON.parse(e.raw).datapoint.value as number);
      assert.deepEqual(values(store.recentEvents()), [4, 5, 6, 7, 8]);
      assert.deepEqual(values(store.recentEvents(2)), [7, 8]);
      assert.deepEqual(values(store.recentEvents(10, eventFilter({ dsn: A }))), [5, 7]);
    });

    it('keeps a bounded buffer of each device’s recent events', () => {
      const { store } = storeAt({ eventsPerDevice: 3 });
      for (let i = 1; i <= 5; i++) store.apply(datapointEvent({ dsn: A, property: 'n', value: i }));
      store.apply(connectivityEvent({ dsn: B }));
      const ofA = store.recentEventsOfDevice(A);
      assert.deepEqual(ofA.map((e) => e.seq), [3, 4, 5]);
      assert.deepEqual(store.recentEventsOfDevice(A, 1).map((e) => e.seq), [5]);
      assert.equal(store.lastEvent(A)?.seq, 5);
      assert.equal(store.lastEvent(B)?.type, 'connectivity');
      assert.equal(store.lastEvent(A, 'missing'), undefined);
    });

    it('reads the events after a cursor, reporting those it no longer holds', () => {
      const { store } = storeAt({ eventBufferSize: 4 });
      store.apply(datapointEvent());
      store.apply(datapointEvent());
      const first = store.eventsAfter(0);
      assert.deepEqual(first.events.map((e) => e.seq), [1, 2]);
      assert.equal(first.cursor, 2);
      for (let i = 0; i < 6; i++) store.apply(datapointEvent());
      const next = store.eventsAfter(first.cursor);
      assert.deepEqual(next.events.map((e) => e.seq), [5, 6, 7, 8]);
      assert.equal(next.skipped, 2);
      assert.equal(store.eventsAfter(next.cursor).events.length, 0);
    });

    it('filters events by type, device, property and text', () => {
      const events = [
        datapointEvent({ dsn: A, property: 'Temp', value: 1 }),
        ackEvent({ dsn: A, property: 'Mode', value: 'eco' }),
        connectivityEvent({ dsn: `${B},${C}` }),
        unknownEvent({ dsn: A, eventType: 'Firmware_Update' }),
      ];
      const keep = (criteria: Parameters<typeof eventFilter>[0]) => events.filter(eventFilter(criteria)).map((e) => e.type);
      assert.deepEqual(keep({}), ['datapoint', 'datapointack', 'connectivity', 'unknown']);
      assert.deepEqual(keep({ types: ['datapoint', 'unknown'] }), ['datapoint', 'unknown']);
      assert.deepEqual(keep({ dsn: C }), ['connectivity'], 'matches one DSN of a comma list');
      assert.deepEqual(keep({ property: 'Mode' }), ['datapointack']);
      assert.deepEqual(keep({ text: 'firmware_UPDATE' }), ['unknown']);
      assert.deepEqual(keep({ dsn: A, types: ['datapointack'], text: 'eco' }), ['datapointack']);
    });
  });

  describe('to-device writes', () => {
    it('a write is pending until its datapoint arrives (property without acks)', () => {
      const { store, clock } = listedStore();
      clock.now = T0 + 10;
      const id = store.beginWrite(A, 'LED', true);
      const write = store.write(id);
      assert.equal(write?.value, 1, 'booleans travel as 0/1');
      assert.equal(write?.status, 'pending');
      assert.equal(write?.startedAt, T0 + 10);
      assert.equal(store.property(A, 'LED')?.write, write);
      assert.deepEqual(store.pendingWrites(), [write]);
      store.apply(datapointEvent({ dsn: A, property: 'LED', value: 0, baseType: 'boolean' }));
      assert.equal(write?.status, 'pending', 'another value does not settle it');
      store.apply(datapointEvent({ dsn: A, property: 'LED', value: 1, baseType: 'boolean', receivedAt: T0 + 50 }));
      assert.equal(write?.status, 'applied');
      assert.equal(write?.settled, true);
      assert.equal(write?.appliedAt, T0 + 50);
      assert.deepEqual(store.pendingWrites(), []);
    });

    it('an ack-enabled property settles the write only on its ack, with the ack status', () => {
      const { store } = listedStore();
      const id = store.beginWrite(A, 'Mode', 'boost');
      store.apply(datapointEvent({ dsn: A, property: 'Mode', value: 'boost', baseType: 'string', receivedAt: T0 + 20 }));
      const write = store.write(id);
      assert.equal(write?.status, 'applied');
      assert.equal(write?.settled, false, 'waits for the ack');
      store.apply(ackEvent({ dsn: A, property: 'Mode', value: 'boost', baseType: 'string', ackStatus: 422, ackMessage: 7, receivedAt: T0 + 30 }));
      assert.equal(write?.status, 'acked');
      assert.equal(write?.settled, true);
      assert.equal(write?.ackStatus, 422);
      assert.equal(write?.ackMessage, 7);
      assert.equal(write?.settledAt, T0 + 30);
    });

    it('an ack that arrives before the datapoint settles the write too', () => {
      const { store } = listedStore();
      const id = store.beginWrite(A, 'Mode', 'away');
      store.apply(ackEvent({ dsn: A, property: 'Mode', value: 'away', baseType: 'string' }));
      assert.equal(store.write(id)?.status, 'acked');
    });

    it('learns that a property known from events only is ack-enabled when an ack arrives', () => {
      const { store } = storeAt();
      store.apply(datapointEvent({ dsn: B, property: 'Fan', value: 0 }));
      assert.equal(store.property(B, 'Fan')?.ackEnabled, false);
      const id = store.beginWrite(B, 'Fan', 3);
      store.apply(datapointEvent({ dsn: B, property: 'Fan', value: 3 }));
      assert.equal(store.write(id)?.status, 'applied');
      assert.equal(store.write(id)?.settled, true, 'no acks expected yet');
      store.apply(ackEvent({ dsn: B, property: 'Fan', value: 3, ackStatus: 201 }));
      assert.equal(store.property(B, 'Fan')?.ackEnabled, true);
      assert.equal(store.write(id)?.status, 'acked', 'the ack is shown on the write it confirms');
      assert.equal(store.write(id)?.ackStatus, 201);
      const next = store.beginWrite(B, 'Fan', 4);
      store.apply(datapointEvent({ dsn: B, property: 'Fan', value: 4 }));
      assert.equal(store.write(next)?.settled, false, 'the next write waits for its ack');
    });

    it('records a write to a property it does not know without attaching it', () => {
      const { store } = storeAt();
      const id = store.beginWrite('ghost', 'x', 1);
      assert.equal(store.write(id)?.status, 'pending');
      assert.equal(store.property('ghost', 'x'), undefined);
      assert.equal(store.failWrite(id, 'Device not found (404).'), true);
    });

    it('matches values numerically (23.5 = "23.50") and otherwise as text', () => {
      assert.ok(sameValue(23.5, '23.50'));
      assert.ok(sameValue('1', 1));
      assert.ok(!sameValue('on', 'ON'));
      assert.ok(!sameValue('', 0));
      assert.ok(!sameValue(1, null));
      const { store } = listedStore();
      const id = store.beginWrite(A, 'Temp', '23.50');
      store.apply(datapointEvent({ dsn: A, property: 'Temp', value: 23.5, baseType: 'decimal' }));
      assert.equal(store.write(id)?.status, 'applied');
    });

    it('fails a write on request, once', () => {
      const { store, clock } = listedStore();
      const id = store.beginWrite(A, 'LED', 1);
      clock.now = T0 + 99;
      assert.equal(store.failWrite(id, 'The device is offline.'), true);
      const write = store.write(id);
      assert.equal(write?.status, 'failed');
      assert.equal(write?.error, 'The device is offline.');
      assert.equal(write?.settledAt, T0 + 99);
      assert.equal(store.failWrite(id, 'again'), false);
      assert.equal(store.failWrite(12345, 'unknown'), false);
      store.apply(datapointEvent({ dsn: A, property: 'LED', value: 1, baseType: 'boolean' }));
      assert.equal(write?.status, 'failed', 'a failed write stays failed');
    });

    it('remembers a bounded number of writes, failing the oldest unsettled one it drops', () => {
      const { store } = listedStore({ maxWrites: 3 });
      const ids = [1, 2, 3, 4, 5].map((v) => store.beginWrite(A, 'Temp', v));
      assert.equal(store.stats().writes, 3);
      assert.equal(store.write(ids[0]!), undefined);
      assert.equal(store.stats().openWrites, 3, 'dropped writes leave the property’s open list');
      store.apply(datapointEvent({ dsn: A, property: 'Temp', value: 5, baseType: 'decimal' }));
      assert.equal(store.write(ids[4]!)?.status, 'applied');
      assert.equal(store.property(A, 'Temp')?.write?.id, ids[4]);
    });
  });

  describe('change reporting', () => {
    it('reports which devices and properties changed, then starts over', () => {
      const { store } = listedStore();
      store.apply(datapointEvent({ dsn: A, property: 'Temp', value: 1 }));
      store.apply(datapointEvent({ dsn: A, property: 'Temp', value: 2 }));
      store.apply(connectivityEvent({ dsn: A, status: 'Offline' }));
      const changes = store.takeChanges();
      assert.deepEqual([...changes.devices], [A]);
      assert.deepEqual([...changes.properties], [propertyKey(A, 'Temp')]);
      assert.equal(changes.structure, false);
      assert.equal(changes.events, 3);
      const empty = store.takeChanges();
      assert.equal(empty.devices.size + empty.properties.size + empty.events, 0);
      assert.equal(store.hasChanges, false);
    });

    it('a datapoint marks its property, not its device', () => {
      const { store } = listedStore();
      store.apply(datapointEvent({ dsn: A, property: 'LED', value: 1 }));
      const changes = store.takeChanges();
      assert.equal(changes.devices.size, 0);
      assert.ok(changes.properties.has(propertyKey(A, 'LED')));
    });

    it('reports structure when devices or properties appear', () => {
      const { store } = listedStore();
      store.apply(datapointEvent({ dsn: A, property: 'New' }));
      const changes = store.takeChanges();
      assert.equal(changes.structure, true);
      assert.ok(changes.devices.has(A), 'the device whose children changed');
      assert.ok(changes.properties.has(propertyKey(A, 'New')));
      store.apply(connectivityEvent({ dsn: B }));
      assert.equal(store.takeChanges().structure, true);
    });

    it('marks writes as property changes', () => {
      const { store } = listedStore();
      const id = store.beginWrite(A, 'LED', 1);
      assert.ok(store.takeChanges().properties.has(propertyKey(A, 'LED')));
      store.failWrite(id, 'x');
      assert.ok(store.takeChanges().properties.has(propertyKey(A, 'LED')));
    });

    it('fires onDidChange once per batch, not per event', () => {
      const { store } = listedStore();
      let calls = 0;
      const subscription = store.onDidChange(() => calls++);
      for (let i = 0; i < 100; i++) store.apply(datapointEvent({ dsn: A, property: 'Temp', value: i }));
      assert.equal(calls, 1);
      assert.equal(store.takeChanges().events, 100);
      store.apply(datapointEvent({ dsn: A, property: 'Temp', value: 1 }));
      assert.equal(calls, 2, 'a new batch after the take');
      subscription.dispose();
      store.takeChanges();
      store.apply(datapointEvent({ dsn: A, property: 'Temp', value: 1 }));
      assert.equal(calls, 2, 'disposed');
    });

    it('announces a batch only when the change that began it is complete', () => {
      const { store } = listedStore();
      const seen: boolean[] = [];
      store.onDidChange(() => seen.push(store.takeChanges().structure));
      store.apply(datapointEvent({ dsn: A, property: 'Brand_New' }));
      assert.deepEqual(seen, [true]);
      assert.equal(store.hasChanges, false, 'nothing left behind after the listener took the batch');
    });

    it('gives each change tracker its own batches', () => {
      const { store } = listedStore();
      const tree = store.createChangeTracker();
      const log = store.createChangeTracker();
      let treeCalls = 0;
      tree.onDidChange(() => treeCalls++);
      store.apply(datapointEvent({ dsn: A, property: 'Temp' }));
      assert.equal(tree.takeChanges().events, 1);
      store.apply(datapointEvent({ dsn: A, property: 'LED' }));
      assert.equal(treeCalls, 2);
      const logChanges = log.takeChanges();
      assert.equal(logChanges.events, 2, 'the tree taking its batch did not take the log’s');
      assert.equal(logChanges.properties.size, 2);
      assert.equal(store.takeChanges().events, 2);
      assert.equal(store.stats().changeTrackers, 3);
      log.dispose();
      assert.equal(store.stats().changeTrackers, 2);
    });

    it('a tracker nobody drains stays bounded: past its limit it reports structure instead of keys', () => {
      const { store } = storeAt({ maxChangedKeys: 10 });
      for (let i = 0; i < 50; i++) store.apply(datapointEvent({ dsn: A, property: `p${i}` }));
      const changes = store.takeChanges();
      assert.equal(changes.structure, true);
      assert.ok(changes.devices.size + changes.properties.size <= 10);
      assert.equal(changes.events, 50);
      store.apply(datapointEvent({ dsn: A, property: 'p1' }));
      assert.deepEqual([...store.takeChanges().properties], [propertyKey(A, 'p1')], 'lists keys again after the take');
    });

    it('a throwing listener neither stops the others nor loses the event', () => {
      const { store } = listedStore();
      let second = 0;
      store.onDidChange(() => {
        throw new Error('listener bug');
      });
      store.onDidChange(() => second++);
      assert.throws(() => store.apply(datapointEvent({ dsn: A, property: 'Temp', value: 77 })), /listener bug/);
      assert.equal(second, 1);
      assert.equal(store.property(A, 'Temp')?.value, 77);
    });

    it('returns the same sorted lists until they change (no sorting per event)', () => {
      const { store } = listedStore();
      const devices = store.devices();
      const properties = store.properties(A);
      store.apply(datapointEvent({ dsn: A, property: 'Temp', value: 3 }));
      store.apply(connectivityEvent({ dsn: A }));
      assert.equal(store.devices(), devices);
      assert.equal(store.properties(A), properties);
      store.apply(datapointEvent({ dsn: A, property: 'Another' }));
      assert.notEqual(store.properties(A), properties);
      assert.equal(store.properties(A).length, 4);
    });

    it('maps property keys back to properties', () => {
      const { store } = listedStore();
      const key = propertyKey(A, 'LED');
      assert.deepEqual(splitPropertyKey(key), { dsn: A, name: 'LED' });
      assert.equal(store.propertyByKey(key), store.property(A, 'LED'));
      assert.equal(splitPropertyKey('no separator'), undefined);
    });
  });

  describe('lifecycle', () => {
    it('resizes its buffers keeping the newest entries', () => {
      const { store } = storeAt({ historySize: 10, eventBufferSize: 10, eventsPerDevice: 10 });
      for (let i = 0; i < 10; i++) store.apply(datapointEvent({ dsn: A, property: 'n', value: i }));
      store.resize({ historySize: 3, eventBufferSize: 2, eventsPerDevice: 4 });
      assert.deepEqual([...(store.history(A, 'n')?.values() ?? [])], [7, 8, 9]);
      assert.deepEqual(store.recentEvents().map((e) => e.seq), [9, 10]);
      assert.equal(store.recentEventsOfDevice(A).length, 4);
      assert.throws(() => store.resize({ historySize: -1 }), RangeError);
    });

    it('clear forgets devices, events and writes and reports it', () => {
      const { store } = listedStore();
      store.apply(datapointEvent({ dsn: A, property: 'Temp' }));
      const id = store.beginWrite(A, 'LED', 1);
      store.takeChanges();
      store.clear();
      assert.deepEqual(store.devices(), []);
      assert.deepEqual(store.recentEvents(), []);
      assert.equal(store.write(id), undefined);
      const changes = store.takeChanges();
      assert.equal(changes.structure, true);
      assert.ok(changes.devices.has(A));
    });

    it('refuses invalid limits', () => {
      assert.throws(() => new DeviceStore({ historySize: -1 }), RangeError);
      assert.throws(() => new DeviceStore({ maxDevices: 1.5 }), RangeError);
    });
  });

  describe('history values', () => {
    it('turns wire values into chart points by base type', () => {
      assert.equal(historyValue('boolean', 1), 1);
      assert.equal(historyValue('boolean', 0), 0);
      assert.equal(historyValue('boolean', 'true'), 1);
      assert.equal(historyValue('integer', '-7'), -7);
      assert.equal(historyValue('decimal', 'NaN'), undefined);
      assert.equal(historyValue('decimal', ''), undefined);
      assert.equal(historyValue('string', 5), undefined);
      assert.equal(historyValue('file', 'http://x'), undefined);
      assert.equal(historyValue('some_new_type', 5), undefined);
      assert.equal(historyValue(undefined, 5), 5);
      assert.equal(historyValue(undefined, 'text'), undefined);
      assert.equal(historyValue('integer', null), undefined);
    });
  });
});
