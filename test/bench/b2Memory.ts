// B2 — memory. One DeviceStore with the extension's default buffer sizes is fed 1,000,000 decoded events
// over 100 devices × 10 properties (decoded from wire JSON by the real decoder, so each retained event has
// the shape and size of a live one). The retained heap is `heapUsed` after a full GC, minus the same
// figure taken before the store was created, at 500k and at 1M events. Bounded buffers mean the two must
// agree: growth between them is a leak.
import { decodeEvent, isDssEvent } from '../../src/ayla/decode';
import { DeviceStore } from '../../src/model/deviceStore';
import { EXTENSION_STORE_DEFAULTS } from './support/ayla';
import { benchContext, requireGc, runBenchmark, type BenchResult } from './support/result';
import { mb } from './support/stats';

const DEVICES = 100;
const PROPERTIES = 10;
const BUDGET_BYTES = 64 * 1024 * 1024;
/** A history point is a time and a value, two Float64Array slots. */
const HISTORY_BYTES_PER_POINT = 16;

const DSNS = Array.from({ length: DEVICES }, (_, d) => `AC000W${String(d).padStart(9, '0')}`);
const NAMES = Array.from({ length: PROPERTIES }, (_, p) => `prop_${p}`);
/** Properties 0–5 decimal, 6–7 boolean, 8–9 string. */
const BASE_TYPES = NAMES.map((_, p) => (p < 6 ? 'decimal' : p < 8 ? 'boolean' : 'string'));
const UUID = '00000000-0000-0000-0000-000000000000';

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** The wire JSON of the i-th event: datapoints over every device and property, with a connectivity and a location event now and then. */
function payload(i: number): string {
  const d = i % DEVICES;
  const dsn = DSNS[d]!;
  const meta = `"oem_id":"0dfc7900","oem_model":"ledevb","dsn":"${dsn}"`;
  const at = `2024-01-01T${pad(Math.floor(i / 3600000) % 24, 2)}:${pad(Math.floor(i / 60000) % 60, 2)}:${pad(Math.floor(i / 1000) % 60, 2)}Z`;
  const kind = Math.floor(i / (DEVICES * PROPERTIES)) % 50;
  if (kind === 0) return `{"seq":"${i}","metadata":{${meta},"resource_tags":[],"event_type":"connectivity"},"connection":{"event_time":"${at}","user_uuid":"${UUID}","status":"${i % 2 ? 'Online' : 'Offline'}"}}`;
  if (kind === 1) return `{"seq":"${i}","metadata":{${meta},"resource_tags":[],"event_type":"location"},"location_event":{"dsn":"${dsn}","ip":"67.255.234.73","lat":" 44.${pad(i % 1000000, 6)}","long":"-69.428300","provider":"ip-based","user_uuid":"${UUID}","created_at":"${at}"}}`;
  const p = Math.floor(i / DEVICES) % PROPERTIES;
  const baseType = BASE_TYPES[p]!;
  const value = baseType === 'decimal' ? String((i % 10000) / 10) : baseType === 'boolean' ? String(i % 2) : `"text ${i % 997}"`;
  return (
    `{"seq":"${i}","metadata":{${meta},"property_name":"${NAMES[p]}","display_name":"Property ${p}","base_type":"${baseType}","resource_tags":[],"event_type":"datapoint"},` +
    `"datapoint":{"id":"5f0c9a7e-8b1d-11e8-${pad(i % 10000, 4)}-${pad(i, 12)}","created_at_from_device":null,"updated_at":"${at}","created_at":"${at}","user_uuid":"${UUID}","echo":false,"closed":false,"value":${value},"metadata":{}}}`
  );
}

interface Retained {
  /** V8 heap (`heapUsed`). */
  heap: number;
  /** ArrayBuffer backing stores, outside the V8 heap: the histories' Float64Arrays and the recent events' text. */
  arrayBuffers: number;
}

function retainedAfterGc(gc: () => void): Retained {
  gc();
  gc(); // a second pass collects what the first one's finalisers released
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, arrayBuffers: usage.arrayBuffers };
}

function minus(a: Retained, b: Retained): Retained {
  return { heap: a.heap - b.heap, arrayBuffers: a.arrayBuffers - b.arrayBuffers };
}

runBenchmark(async () => {
  const { quick } = benchContext();
  const gc = requireGc();
  const events = quick ? 200_000 : 1_000_000;
  const half = events / 2;
  const start = Date.now() - events;
  const before = retainedAfterGc(gc);
  const store = new DeviceStore({ ...EXTENSION_STORE_DEFAULTS });
  let atHalf: Retained = { heap: 0, arrayBuffers: 0 };
  let statsAtHalf = store.stats();
  let undecodable = 0;
  const started = process.hrtime.bigint();
  for (let i = 1; i <= events; i++) {
    const event = decodeEvent(payload(i), start + i);
    if (isDssEvent(event)) store.apply(event);
    else undecodable++;
    if (i === half) {
      atHalf = minus(retainedAfterGc(gc), before);
      statsAtHalf = store.stats();
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const end = minus(retainedAfterGc(gc), before);
  const atEnd = end.heap;
  const stats = store.stats();
  if (undecodable > 0 || store.counts.total !== events) throw new Error(`${undecodable} undecodable events; the store applied ${store.counts.total} of ${events}.`);
  // Growth: everything retained except the histories' typed arrays, which grow on demand towards their bound
  // by design (see the notes); that includes the events' text, kept outside the heap.
  const bounded = (retained: Retained, historySlots: number): number => retained.heap + retained.arrayBuffers - historySlots * HISTORY_BYTES_PER_POINT;
  const boundedAtHalf = bounded(atHalf, statsAtHalf.historyAllocated);
  const boundedAtEnd = bounded(end, stats.historyAllocated);
  const growth = boundedAtEnd / boundedAtHalf;
  const total = end.heap + end.arrayBuffers;
  return {
    id: 'B2',
    title: 'Memory',
    rows: [
      {
        id: 'B2',
        what: `memory: retained heap after ${events / 1e6}M events (100 devices × 10 properties, default buffers)`,
        measured: mb(atEnd),
        baseline: '—',
        ratio: null,
        budget: '≤ 64 MB',
        pass: atEnd <= BUDGET_BYTES,
        values: { retainedHeapBytes: atEnd, retainedHeapBytesAtHalf: atHalf.heap, arrayBufferBytes: end.arrayBuffers, arrayBufferBytesAtHalf: atHalf.arrayBuffers },
      },
      {
        id: 'B2·growth',
        what: `memory: retained at ${events / 1e6}M ÷ at ${half / 1e6}M events (heap + array buffers, less the histories' growth by design)`,
        measured: mb(boundedAtEnd),
        baseline: `${mb(boundedAtHalf)} at ${half / 1e6}M`,
        ratio: growth,
        budget: 'within 5% (ratio ≤ 1.05)',
        pass: Math.abs(growth - 1) <= 0.05,
      },
      {
        id: 'B2·total',
        what: `memory: heap + array buffers (histories and recent events' text, outside the V8 heap) after ${events / 1e6}M events`,
        measured: mb(total),
        baseline: `${mb(atHalf.heap + atHalf.arrayBuffers)} at ${half / 1e6}M`,
        ratio: null,
        budget: '≤ 64 MB (everything the store retains)',
        pass: total <= BUDGET_BYTES,
        values: { totalBytes: total },
      },
    ],
    notes: [
      `B2: events decoded from wire JSON by decodeEvent and applied to one DeviceStore (history ${EXTENSION_STORE_DEFAULTS.historySize} points per numeric property, ${EXTENSION_STORE_DEFAULTS.eventBufferSize} recent events, ${EXTENSION_STORE_DEFAULTS.eventsPerDevice} per device: the extension's defaults); heapUsed after two full GCs, minus the same before the store existed.`,
      `B2: the recent events are kept as UTF-8 text in reused byte arrays (${mb(stats.eventBytes)} allocated), and the histories in typed arrays, both outside the V8 heap (process.memoryUsage().arrayBuffers): ${mb(atHalf.arrayBuffers)} at ${half / 1e6}M, ${mb(end.arrayBuffers)} at ${events / 1e6}M; the B2·total row holds the budget to heap and array buffers together. The histories grow on demand (doubling) up to ${EXTENSION_STORE_DEFAULTS.historySize} points per property; with 800 numeric properties sharing the datapoints they are not full before ≈${((EXTENSION_STORE_DEFAULTS.historySize * DEVICES * PROPERTIES) / 0.96 / 1e6).toFixed(2)}M events, so that part grows from 500k to 1M by design, towards its bound (800 × ${EXTENSION_STORE_DEFAULTS.historySize} points × 16 bytes = ${mb(800 * EXTENSION_STORE_DEFAULTS.historySize * 16)}).`,
      `B2: at the end the store holds ${stats.devices} devices, ${stats.properties} properties, ${stats.historySeries} histories (${stats.historyPoints} points), ${stats.events} recent events; ${(events / seconds / 1000).toFixed(0)}k events/s decoded and applied.`,
    ],
    details: { events, before, atHalf, end, stats },
  } satisfies BenchResult;
});
