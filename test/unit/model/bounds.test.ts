// "Memory is bounded everywhere" (design.md): a million events must not grow the model past its bounds.
// Structural checks (sizes of every buffer, counts of retained objects) throughout, plus the heap after a
// full GC at 500k and at 1M events: once every buffer is full, more events must not add memory.
import { strict as assert } from 'node:assert';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { DssEvent } from '../../../src/ayla/events';
import { DeviceStore, type StoreStats } from '../../../src/model/deviceStore';
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

const DEVICES = 100;
const PROPERTIES = 10;
const EVENTS = 1_000_000;
const LIMITS = { historySize: 200, eventBufferSize: 5000, eventsPerDevice: 50, maxWrites: 64 };
/** Growth of the heap allowed between 500k and 1M events. A leak of one 32-byte object per event would add ~16 MB. */
const HEAP_TOLERANCE = 4 * 1024 * 1024;

const DSNS = Array.from({ length: DEVICES }, (_, d) => `AC000W${String(d).padStart(9, '0')}`);
const PROPERTY_NAMES = Array.from({ length: PROPERTIES }, (_, p) => `prop_${p}`);
const dsnOf = (d: number): string => DSNS[d]!;
/** Properties 0–5 are decimal, 6–7 boolean, 8–9 string: string ones must never get a history. */
const baseTypeOf = (p: number): 'decimal' | 'boolean' | 'string' => (p < 6 ? 'decimal' : p < 8 ? 'boolean' : 'string');

/** The i-th synthetic event: mostly datapoints, some of every other type, spread over every device and property. */
function eventNumber(i: number, receivedAt: number): DssEvent {
  const dsn = dsnOf(i % DEVICES);
  const p = Math.floor(i / DEVICES) % PROPERTIES;
  const property = PROPERTY_NAMES[p]!;
  const baseType = baseTypeOf(p);
  // Per block of 1000 events (one per device × property), so every device and property sees every kind.
  const kind = Math.floor(i / (DEVICES * PROPERTIES)) % 50;
  if (kind === 0) return connectivityEvent({ dsn, status: i % 100 === 0 ? 'Online' : 'Offline', receivedAt });
  if (kind === 1) return locationEvent({ dsn, lat: String(40 + (i % 7)), long: '-70', receivedAt });
  if (kind === 2) return registrationEvent({ dsn, registered: i % 3 === 0, receivedAt });
  if (kind === 3) return unknownEvent({ dsn, receivedAt });
  const value = baseType === 'decimal' ? (i % 1000) / 10 : baseType === 'boolean' ? i % 2 : `text ${i % 97}`;
  if (kind === 4 || kind === 5) return ackEvent({ dsn, property, baseType, value, ackStatus: 200, receivedAt });
  return datapointEvent({ dsn, property, baseType, value, receivedAt });
}

function heapAfterGc(gc: () => void): number {
  gc();
  gc(); // a second pass collects what finalisers of the first released
  return process.memoryUsage().heapUsed;
}

function assertWithinBounds(store: DeviceStore, stats: StoreStats, at: number): void {
  const where = `after ${at} events`;
  assert.equal(stats.devices, DEVICES, `devices ${where}`);
  assert.equal(stats.properties, DEVICES * PROPERTIES, `properties ${where}`);
  assert.ok(stats.events <= LIMITS.eventBufferSize, `global events ${stats.events} ${where}`);
  assert.ok(stats.deviceEvents <= DEVICES * LIMITS.eventsPerDevice, `per-device events ${stats.deviceEvents} ${where}`);
  assert.ok(stats.historySeries <= DEVICES * 8, `only numeric and boolean properties have a history ${where}`);
  assert.ok(stats.historyPoints <= stats.historySeries * LIMITS.historySize, `history points ${where}`);
  assert.ok(stats.historyAllocated <= stats.historySeries * LIMITS.historySize, `history slots ${stats.historyAllocated} ${where}`);
  assert.ok(stats.writes <= LIMITS.maxWrites, `writes ${stats.writes} ${where}`);
  assert.ok(stats.openWrites <= stats.writes, `open writes ${where}`);
  for (let d = 0; d < DEVICES; d += 17) {
    assert.ok(store.recentEventsOfDevice(dsnOf(d)).length <= LIMITS.eventsPerDevice, where);
    for (const property of store.properties(dsnOf(d))) {
      const history = store.history(property.dsn, property.name);
      if (history) assert.ok(history.size <= LIMITS.historySize && history.capacity === LIMITS.historySize, where);
    }
  }
}

describe('model: bounds under a million events', function () {
  this.timeout(60_000);

  it('keeps every buffer within its capacity and the heap flat from 500k to 1M events', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    assert.equal(typeof gc, 'function', 'gc() is available to measure the heap');
    const collect = gc as () => void;
    resetEventFactory();

    let clock = Date.UTC(2024, 0, 1);
    const store = new DeviceStore({ ...LIMITS, now: () => clock });
    store.loadDevices(Array.from({ length: DEVICES / 2 }, (_, d) => listedDevice(dsnOf(d * 2)))); // half listed, half from events only
    for (let d = 0; d < DEVICES; d += 2) {
      store.loadProperties(dsnOf(d), Array.from({ length: PROPERTIES }, (_, p) => listedProperty(`prop_${p}`, { base_type: baseTypeOf(p), ack_enabled: p === 0 })));
    }
    // A consumer on its own clock, draining every 250 events; the store's own tracker is never drained.
    const view = store.createChangeTracker();
    let batches = 0;
    view.onDidChange(() => batches++);

    let heapAtHalf = 0;
    let statsAtHalf: StoreStats | undefined;
    for (let i = 1; i <= EVENTS; i++) {
      clock += 1;
      store.apply(eventNumber(i, clock));
      if (i % 250 === 0) view.takeChanges();
      // Writes that the next datapoint settles, and writes that never settle (string values no datapoint sends).
      if (i % 997 === 0) store.beginWrite(dsnOf(i % DEVICES), 'prop_6', i % 2);
      if (i % 1999 === 0) store.beginWrite(dsnOf(i % DEVICES), 'prop_8', 'never sent');
      if (i % 100_000 === 0) assertWithinBounds(store, store.stats(), i);
      if (i === EVENTS / 2) {
        statsAtHalf = store.stats();
        heapAtHalf = heapAfterGc(collect);
      }
    }
    const heapAtEnd = heapAfterGc(collect);
    const statsAtEnd = store.stats();
    assertWithinBounds(store, statsAtEnd, EVENTS);

    // Every buffer was already full at 500k: the second half of the run retained nothing new.
    assert.deepEqual(statsAtEnd, statsAtHalf, 'what the store retains at 1M is what it retained at 500k');
    assert.equal(statsAtEnd.events, LIMITS.eventBufferSize);
    assert.equal(statsAtEnd.deviceEvents, DEVICES * LIMITS.eventsPerDevice);
    assert.equal(statsAtEnd.historySeries, DEVICES * 8);
    assert.equal(statsAtEnd.historyPoints, DEVICES * 8 * LIMITS.historySize);
    assert.equal(store.counts.total, EVENTS);
    assert.equal(store.counts.untracked, 0);

    const growth = heapAtEnd - heapAtHalf;
    assert.ok(growth < HEAP_TOLERANCE, `heap grew by ${(growth / 1048576).toFixed(2)} MB between 500k and 1M events`);

    // The undrained tracker holds at most one key per device and property, however many events it saw.
    const pending = store.takeChanges();
    assert.equal(pending.events, EVENTS);
    assert.ok(pending.devices.size <= DEVICES && pending.properties.size <= DEVICES * PROPERTIES);
    assert.equal(batches, EVENTS / 250, 'the drained consumer was told once per batch');
  });
});
