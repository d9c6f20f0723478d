// The soak (issue 7, last row of the fault matrix; opt-in: `npm run soak`, never part of the unit run):
// 20 devices × 30 properties at a sustained high rate for AYLA_SOAK_SECONDS (default 600) against the
// simulator on 127.0.0.1, an AylaSession streaming all five event types into a DeviceStore. Samples heap
// (after GC), open handles and the store's sizes every few seconds, and checks at the end:
//   - no event lost or duplicated (seq continuity per subscription against what the simulator numbered);
//   - the store retains exactly as much at the end as once its buffers were full (warm-up);
//   - the heap after GC stays within a bound of the warm-up heap; open handles do not grow.
// Writes test-results/soak-core.json and exits non-zero when a check fails.
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeviceStore, type StoreStats } from '../../src/model';
import { repoRoot } from '../unit/support/fixtureFile';
import { sleep } from '../unit/support/waitFor';
import { startRig } from '../unit/faults/support/faultHarness';

const SECONDS = Number(process.env.AYLA_SOAK_SECONDS ?? 600);
const RATE = Number(process.env.AYLA_SOAK_RATE ?? 100);
const DEVICES = 20;
const PROPERTIES = 30;
const SAMPLE_MS = 5000;
/** The store's buffers, small enough to be full well before the warm-up sample. */
const STORE = { historySize: 20, eventBufferSize: 5000, eventsPerDevice: 50 };
/** Heap after GC may exceed the warm-up heap by this much at most (sockets' buffers, JIT, timers' jitter). */
const HEAP_SLACK_BYTES = 24 * 1024 * 1024;
const HANDLE_SLACK = 2;

interface Sample {
  atSeconds: number;
  heapUsedMb: number;
  rssMb: number;
  handles: number;
  eventsReceived: number;
  eventsPerSecond: number;
  store: StoreStats;
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with --expose-gc (npm run soak does)');
  collect();
  collect();
}

function handles(): number {
  return (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
}

async function main(): Promise<void> {
  console.log(`soak: ${DEVICES} devices × ${PROPERTIES} properties, ${RATE} events/s per device, ${SECONDS} s`);
  const rig = await startRig({ sim: { devices: DEVICES, propertiesPerDevice: PROPERTIES, heartbeatMs: 1000, replayBufferSize: 2000, seed: 7 } });
  rig.rec.keepEvents = false;
  const store = new DeviceStore(STORE);
  rig.session.onEvent((event) => store.apply(event));
  const devices = await rig.session.devices.listDevices();
  store.loadDevices(devices);
  for (const device of devices) store.loadProperties(device.dsn, await rig.session.devices.listProperties(device.dsn));
  rig.rate(RATE);

  const samples: Sample[] = [];
  const started = Date.now();
  const warmUpAt = Math.max(SAMPLE_MS / 1000, Math.round(SECONDS * 0.4));
  let warm: Sample | undefined;
  let previous = { at: started, events: 0 };
  while (Date.now() - started < SECONDS * 1000) {
    await sleep(Math.min(SAMPLE_MS, SECONDS * 1000 - (Date.now() - started)));
    gc();
    const now = Date.now();
    const received = rig.rec.received;
    const sample: Sample = {
      atSeconds: Math.round((now - started) / 1000),
      heapUsedMb: +(process.memoryUsage().heapUsed / 1048576).toFixed(1),
      rssMb: +(process.memoryUsage().rss / 1048576).toFixed(1),
      handles: handles(),
      eventsReceived: received,
      eventsPerSecond: Math.round(((received - previous.events) * 1000) / Math.max(1, now - previous.at)),
      store: store.stats(),
    };
    previous = { at: now, events: received };
    samples.push(sample);
    if (!warm && sample.atSeconds >= warmUpAt) warm = sample;
    console.log(`soak: ${sample.atSeconds}s heap ${sample.heapUsedMb} MB, rss ${sample.rssMb} MB, handles ${sample.handles}, ${sample.eventsReceived} events (${sample.eventsPerSecond}/s), store ${sample.store.events} events / ${sample.store.historyPoints} points`);
  }
  const a = await rig.settle(120_000);
  gc();
  const end: Sample = { ...samples.at(-1)!, heapUsedMb: +(process.memoryUsage().heapUsed / 1048576).toFixed(1), handles: handles(), store: store.stats() };
  await rig.stop();

  const result = {
    generatedAt: new Date().toISOString(),
    seconds: SECONDS,
    devices: DEVICES,
    propertiesPerDevice: PROPERTIES,
    ratePerDevice: RATE,
    eventsSent: a.sent,
    received: a.received,
    lost: a.lost,
    duplicated: a.duplicated,
    byType: a.byType,
    reconnects: rig.rec.outages.length,
    warmUp: warm,
    end,
    samples,
  };
  const dir = join(repoRoot(), 'test-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'soak-core.json'), `${JSON.stringify(result, null, 2)}\n`);

  assert.ok(warm, 'a warm-up sample was taken');
  assert.equal(a.lost, 0, `no event lost: ${JSON.stringify(a.perSubscription)}`);
  assert.equal(a.duplicated, 0, 'no event twice');
  assert.equal(a.received, a.sent);
  for (const type of ['connectivity', 'datapoint', 'datapointack', 'location', 'registration']) assert.ok((a.byType[type] ?? 0) > 0, `${type} events arrived`);
  // The soak's heartbeats are every second (the real service's are every 30 s), so a few seconds of CPU
  // starvation on a shared machine can close a stream; what must hold is that each one came back by itself
  // and lost nothing (checked above).
  const unrecovered = rig.rec.outages.filter((o) => o.endedAt === undefined);
  assert.deepEqual(unrecovered.map((o) => o.eventType), [], 'every stream that broke came back by itself');
  assert.ok(rig.rec.outages.length <= SECONDS / 60, `breaks stay rare (${rig.rec.outages.length} in ${SECONDS} s)`);
  const sized = (s: StoreStats): unknown => ({ devices: s.devices, properties: s.properties, historySeries: s.historySeries, historyPoints: s.historyPoints, events: s.events, deviceEvents: s.deviceEvents });
  assert.deepEqual(sized(end.store), sized(warm.store), 'the store holds as much at the end as at warm-up (its buffers were full)');
  assert.equal(end.store.historyPoints, end.store.historySeries * STORE.historySize, 'every history ring is full');
  assert.ok(end.store.properties >= DEVICES * PROPERTIES, `${end.store.properties} properties`);
  assert.ok(end.heapUsedMb * 1048576 <= warm.heapUsedMb * 1048576 + HEAP_SLACK_BYTES, `heap ${end.heapUsedMb} MB at the end vs ${warm.heapUsedMb} MB at warm-up`);
  const maxHandles = Math.max(...samples.filter((s) => s.atSeconds >= warm!.atSeconds).map((s) => s.handles));
  assert.ok(maxHandles <= warm.handles + HANDLE_SLACK, `open handles ${warm.handles} at warm-up, up to ${maxHandles} after`);
  console.log(`soak: passed — ${a.sent} events, 0 lost, 0 duplicated; heap ${warm.heapUsedMb} → ${end.heapUsedMb} MB after GC; handles ${warm.handles} → ${end.handles}; store ${JSON.stringify(sized(end.store))}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`soak: FAILED — ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
