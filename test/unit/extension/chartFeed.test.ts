// The chart's bookkeeping (which properties, chartable or not) and what it sends its page: a snapshot of the
// retained history, then appends of exactly the new points, or a fresh snapshot when an append would lie.
import { strict as assert } from 'node:assert';
import { DeviceStore } from '../../../src/model/deviceStore';
import { ChartFeed } from '../../../src/extension/chartFeed';
import { ChartSeriesSet, MAX_SERIES, chartability } from '../../../src/extension/chartSeries';
import { chartStateFrom, windowFor } from '../../../src/extension/chartState';
import type { AppendMessage, SnapshotMessage } from '../../../src/webview/protocol';
import { datapointEvent, listedDevice, listedProperty, resetEventFactory } from '../support/eventFactory';

const DSN = 'AC000W000000001';
const VIEW = { window: '10m', paused: false } as const;

function storeWithProperties(historySize = 1000): DeviceStore {
  const store = new DeviceStore({ historySize });
  store.loadDevices([listedDevice(DSN, { product_name: 'Kitchen <b>EVB</b>' })]);
  store.loadProperties(DSN, [
    listedProperty('temp', { base_type: 'decimal', display_name: 'Temperature', value: null }),
    listedProperty('count', { base_type: 'integer', value: null }),
    listedProperty('Blue_LED', { base_type: 'boolean', value: null }),
    listedProperty('status', { base_type: 'string', value: 'ok' }),
  ]);
  return store;
}

function emit(store: DeviceStore, property: string, values: number[], baseType = 'decimal'): void {
  for (const value of values) store.apply(datapointEvent({ dsn: DSN, property, baseType, value }));
}

function asAppend(message: AppendMessage | 'snapshot' | undefined): AppendMessage {
  assert.ok(message !== undefined && message !== 'snapshot', `expected an append, got ${String(message)}`);
  return message;
}

function valuesOf(message: SnapshotMessage | AppendMessage, id: string): number[] {
  const points = message.points.find((p) => p.id === id);
  return points === undefined ? [] : [...points.values];
}

describe('chart series bookkeeping', () => {
  beforeEach(resetEventFactory);

  it('charts numbers as lines and booleans as steps, and refuses strings with a sentence naming the property', () => {
    const store = storeWithProperties();
    assert.deepEqual(chartability(store, { dsn: DSN, property: 'temp' }), { chartable: true, shape: 'line' });
    assert.deepEqual(chartability(store, { dsn: DSN, property: 'count' }), { chartable: true, shape: 'line' });
    assert.deepEqual(chartability(store, { dsn: DSN, property: 'Blue_LED' }), { chartable: true, shape: 'step' });
    const status = chartability(store, { dsn: DSN, property: 'status' });
    assert.equal(status.chartable, false);
    assert.match(!status.chartable ? status.reason : '', /^status on Kitchen <b>EVB<\/b> is not charted: it is a string property, and only numbers and booleans/);
  });

  it('adds in order, skips what is charted already, refuses strings and the series beyond the limit', () => {
    const store = storeWithProperties();
    const set = new ChartSeriesSet();
    const first = set.add(store, [{ dsn: DSN, property: 'temp' }, { dsn: DSN, property: 'status' }, { dsn: DSN, property: 'Blue_LED' }]);
    assert.deepEqual(first.added.map((r) => r.property), ['temp', 'Blue_LED']);
    assert.equal(first.refused.length, 1);
    const again = set.add(store, [{ dsn: DSN, property: 'temp' }]);
    assert.deepEqual([again.added.length, again.alreadyCharted.length], [0, 1]);

    const many = Array.from({ length: MAX_SERIES + 3 }, (_, i) => ({ dsn: `D${i}`, property: 'p' }));
    const full = set.add(store, many);
    assert.equal(set.size, MAX_SERIES);
    assert.equal(full.added.length, MAX_SERIES - 2);
    assert.equal(full.refused.length, 5);
    assert.match(full.refused[0] ?? '', /at most 12 properties/);
  });

  it('removes by series id and resolves names from the model (device name, display name)', () => {
    const store = storeWithProperties();
    const set = new ChartSeriesSet([{ dsn: DSN, property: 'temp' }, { dsn: DSN, property: 'count' }]);
    const { series, notes } = set.resolve(store);
    assert.deepEqual(notes, []);
    assert.deepEqual(series.map((s) => [s.deviceName, s.propertyName, s.baseType, s.shape]), [
      ['Kitchen <b>EVB</b>', 'Temperature', 'decimal', 'line'],
      ['Kitchen <b>EVB</b>', 'count', 'integer', 'line'],
    ]);
    assert.equal(set.remove(series[0]!.id), true);
    assert.equal(set.remove(series[0]!.id), false);
    assert.deepEqual(set.list(), [{ dsn: DSN, property: 'count' }]);
  });

  it('keeps a restored series the model does not know yet, and turns it into a note once it proves to be a string', () => {
    const store = new DeviceStore();
    const set = new ChartSeriesSet([{ dsn: DSN, property: 'status' }]);
    assert.deepEqual(set.resolve(store).series.map((s) => [s.propertyName, s.baseType]), [['status', 'unknown']]);
    store.loadDevices([listedDevice(DSN)]);
    store.loadProperties(DSN, [listedProperty('status', { base_type: 'string', value: 'ok' })]);
    const { series, notes } = set.resolve(store);
    assert.deepEqual(series, []);
    assert.equal(notes.length, 1);
  });

  it('starts a new chart on the smallest window that shows its whole history, at least a minute', () => {
    assert.equal(windowFor(0), '1m');
    assert.equal(windowFor(5_000), '1m');
    assert.equal(windowFor(60_000), '1m');
    assert.equal(windowFor(60_001), '10m');
    assert.equal(windowFor(3_000_000), '1h');
    assert.equal(windowFor(4_000_000), 'all');
  });

  it('takes only well-formed parts of a restored state', () => {
    assert.deepEqual(chartStateFrom(undefined), { series: [], window: '10m', paused: false });
    assert.deepEqual(chartStateFrom({ series: [{ dsn: 'A', property: 'p' }, { dsn: 3 }, null, 'x'], window: '1h', paused: true }), {
      series: [{ dsn: 'A', property: 'p' }],
      window: '1h',
      paused: true,
    });
    assert.deepEqual(chartStateFrom({ series: 'nope', window: '2d', paused: 'yes' }), { series: [], window: '10m', paused: false });
  });
});

describe('chart feed', () => {
  beforeEach(resetEventFactory);

  it('snapshots the retained history, then appends exactly the points pushed since, and nothing when idle', () => {
    const store = storeWithProperties();
    emit(store, 'temp', [1, 2, 3]);
    const set = new ChartSeriesSet([{ dsn: DSN, property: 'temp' }, { dsn: DSN, property: 'count' }]);
    const feed = new ChartFeed(store, set);
    assert.equal(feed.next(), 'snapshot', 'a new feed starts with a snapshot');
    const snapshot = feed.snapshot(VIEW);
    const [temp, count] = snapshot.series.map((s) => s.id) as [string, string];
    assert.deepEqual(valuesOf(snapshot, temp), [1, 2, 3]);
    assert.deepEqual(valuesOf(snapshot, count), []);
    assert.equal(snapshot.capacity, 1000);
    assert.equal(feed.next(), undefined, 'nothing new: nothing to send');

    emit(store, 'temp', [4, 5]);
    emit(store, 'count', [7], 'integer');
    emit(store, 'Blue_LED', [1], 'boolean'); // not charted: not in the append
    const append = asAppend(feed.next());
    assert.deepEqual(append.points.map((p) => [p.id, [...p.values]]), [[temp, [4, 5]], [count, [7]]]);
    assert.ok(append.points.every((p) => p.times.length === p.values.length));
    assert.equal(feed.next(), undefined);
  });

  it('sends every point exactly once across many small appends', () => {
    const store = storeWithProperties(100_000);
    const feed = new ChartFeed(store, new ChartSeriesSet([{ dsn: DSN, property: 'temp' }]));
    const seen: number[] = [...feed.snapshot(VIEW).points[0]!.values];
    let value = 0;
    for (let round = 0; round < 50; round++) {
      emit(store, 'temp', Array.from({ length: round % 7 }, () => value++));
      const next = feed.next();
      if (next === undefined) continue;
      seen.push(...asAppend(next).points[0]!.values);
    }
    assert.deepEqual(seen, Array.from({ length: value }, (_, i) => i));
  });

  it('asks for a snapshot when points were overwritten before it read them, not an append with a hole', () => {
    const store = storeWithProperties(10);
    const feed = new ChartFeed(store, new ChartSeriesSet([{ dsn: DSN, property: 'temp' }]));
    feed.snapshot(VIEW);
    emit(store, 'temp', [1, 2, 3]);
    asAppend(feed.next());
    emit(store, 'temp', Array.from({ length: 25 }, (_, i) => i));
    assert.equal(feed.next(), 'snapshot');
    assert.deepEqual(feed.snapshot(VIEW).points[0]!.values.length, 10);
  });

  it('asks for a snapshot when the store was cleared (sign-out, sign-in), the capacity or the names changed', () => {
    const store = storeWithProperties();
    emit(store, 'temp', [1]);
    const feed = new ChartFeed(store, new ChartSeriesSet([{ dsn: DSN, property: 'temp' }]));
    feed.snapshot(VIEW);

    store.clear();
    store.loadDevices([listedDevice(DSN, { product_name: 'Kitchen <b>EVB</b>' })]);
    store.loadProperties(DSN, [listedProperty('temp', { base_type: 'decimal', display_name: 'Temperature', value: null })]);
    emit(store, 'temp', [9]);
    assert.equal(feed.next(), 'snapshot', 'a new ring after a clear');
    assert.deepEqual([...feed.snapshot(VIEW).points[0]!.values], [9]);

    store.resize({ historySize: 500 });
    assert.equal(feed.next(), 'snapshot', 'the capacity changed');
    assert.equal(feed.snapshot(VIEW).capacity, 500);

    store.loadDevices([listedDevice(DSN, { product_name: 'Renamed' })]);
    assert.equal(feed.next(), 'snapshot', 'the device was renamed');
    assert.equal(feed.snapshot(VIEW).series[0]!.deviceName, 'Renamed');
  });

  it('reads a property that had no history at snapshot time from its first point', () => {
    const store = storeWithProperties();
    const feed = new ChartFeed(store, new ChartSeriesSet([{ dsn: DSN, property: 'count' }]));
    feed.snapshot(VIEW);
    emit(store, 'count', [5, 6], 'integer');
    assert.deepEqual([...asAppend(feed.next()).points[0]!.values], [5, 6]);
  });

  it('carries the window and pause state the chart was restored with, and the notes for strings', () => {
    const store = storeWithProperties();
    const feed = new ChartFeed(store, new ChartSeriesSet([{ dsn: DSN, property: 'status' }]));
    const snapshot = feed.snapshot({ window: '1h', paused: true });
    assert.deepEqual([snapshot.window, snapshot.paused, snapshot.series.length, snapshot.notes.length], ['1h', true, 0, 1]);
  });
});
