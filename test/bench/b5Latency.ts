// B5 — latency at 1,000 events/s. The simulator (its own process) emits ≈1,000 events/s of all five types
// over 100 devices; every datapoint a device reports carries `metadata.sent_mono_ms`, the machine's
// monotonic clock when the simulator published it (and wrote it to the socket, in the same turn of its
// event loop). The client is the extension's Explorer (AylaSession with five streams → DeviceStore) with
// the views' vscode-free sinks attached (viewSinks.ts). Measured per datapoint:
//   → store: from the send stamp to the moment the store has applied it (Explorer.onEvent runs right after);
//   → tree:  from the send stamp to the end of the tree flush (4/s, the real Coalescer) that first renders it.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Emitter } from '../../src/ayla/emitter';
import type { DssEvent } from '../../src/ayla/events';
import { explorerOnSimulator, sentStamp } from './support/ayla';
import { benchContext, runBenchmark, type BenchResult } from './support/result';
import { SimulatorProcess } from './support/simulatorProcess';
import { grouped, median, monotonicMs, ms, p99, quantile, sleep, waitUntil } from './support/stats';
import { ViewSinks } from './support/viewSinks';

interface Repetition {
  samples: number;
  storeP50: number;
  storeP99: number;
  storeMax: number;
  treeP50: number;
  treeP99: number;
  treeMax: number;
  eventsPerSecond: number;
  /** The client's event-loop delay while measuring (ms): how long anything waited for the loop, this code or the machine's other load. */
  loopDelayP99: number;
  loopDelayMax: number;
}

const STORE_BUDGET_MS = 5;
const TREE_BUDGET_MS = 300;

runBenchmark(async () => {
  const { quick } = benchContext();
  const repetitions = quick ? 1 : 3;
  const seconds = quick ? 3 : 10;
  const devices = 100;
  const perDevice = 10;
  // --devices counts the demo user's devices; the simulator adds one of another user (also emitting).
  const sim = await SimulatorProcess.start({ devices: devices - 1, rate: 0, stampSendTime: true });
  const reps: Repetition[] = [];
  try {
    for (let rep = 0; rep < repetitions; rep++) {
      const { explorer, session } = await explorerOnSimulator(sim.url);
      const explorerEvents = new Emitter<DssEvent>();
      let measuring = false;
      const toStore: number[] = [];
      const toTree: number[] = [];
      let pending: number[] = [];
      let received = 0;
      const sinks = new ViewSinks(explorer.store, explorerEvents.event, {
        onTreeRefresh: () => {
          const now = monotonicMs();
          for (const sent of pending) toTree.push(now - sent);
          pending = [];
        },
      });
      explorer.onEvent((event) => {
        const applied = monotonicMs();
        received++;
        explorerEvents.fire(event);
        const sent = sentStamp(event);
        if (sent === undefined || !measuring) return;
        toStore.push(applied - sent);
        pending.push(sent);
      });
      await explorer.startStreaming({ eventTypes: ['connectivity', 'datapoint', 'datapointack', 'location', 'registration'], dsn: '', propertyName: '', oemModel: '' });
      await waitUntil('every stream live', () => explorer.state.kind === 'signedIn' && explorer.state.streaming.kind === 'live', 10000);
      await sim.setRate(perDevice);
      await sleep(1500); // warm-up, not counted
      const receivedBefore = received;
      const started = monotonicMs();
      const loop = monitorEventLoopDelay({ resolution: 5 });
      loop.enable();
      measuring = true;
      await sleep(seconds * 1000);
      measuring = false;
      loop.disable();
      const elapsed = (monotonicMs() - started) / 1000;
      const eventsPerSecond = (received - receivedBefore) / elapsed;
      await sim.setRate(0);
      await sleep(400); // the last tree flush of the measured events
      sinks.dispose();
      await session.signOut().catch(() => undefined);
      await explorer.detach(undefined);
      explorer.dispose();
      session.dispose();
      if (toStore.length === 0 || toTree.length === 0) throw new Error('No stamped datapoint was measured.');
      reps.push({
        samples: toStore.length,
        storeP50: median(toStore),
        storeP99: p99(toStore),
        storeMax: quantile(toStore, 1),
        treeP50: median(toTree),
        treeP99: p99(toTree),
        treeMax: quantile(toTree, 1),
        eventsPerSecond,
        loopDelayP99: loop.percentile(99) / 1e6,
        loopDelayMax: loop.max / 1e6,
      });
    }
  } finally {
    await sim.stop();
  }
  const storeP99 = median(reps.map((r) => r.storeP99));
  const treeP99 = median(reps.map((r) => r.treeP99));
  const rate = median(reps.map((r) => r.eventsPerSecond));
  return {
    id: 'B5',
    title: 'Latency at 1,000 events/s',
    rows: [
      {
        id: 'B5·store',
        what: `latency at ${grouped(rate)} ev/s: simulator send → device store applied (p99)`,
        measured: `p99 ${ms(storeP99)} (p50 ${ms(median(reps.map((r) => r.storeP50)))})`,
        baseline: '—',
        ratio: storeP99 / STORE_BUDGET_MS,
        budget: `p99 ≤ ${STORE_BUDGET_MS} ms`,
        pass: storeP99 <= STORE_BUDGET_MS,
        values: { p99Ms: storeP99, p50Ms: median(reps.map((r) => r.storeP50)) },
      },
      {
        id: 'B5·tree',
        what: `latency at ${grouped(rate)} ev/s: simulator send → tree refresh fired (4/s) (p99)`,
        measured: `p99 ${ms(treeP99)} (p50 ${ms(median(reps.map((r) => r.treeP50)))})`,
        baseline: '—',
        ratio: treeP99 / TREE_BUDGET_MS,
        budget: `p99 ≤ ${TREE_BUDGET_MS} ms`,
        pass: treeP99 <= TREE_BUDGET_MS,
        values: { p99Ms: treeP99, p50Ms: median(reps.map((r) => r.treeP50)) },
      },
    ],
    notes: [
      `B5: ${repetitions} × ${seconds} s at ${devices} devices × ${perDevice} events/s (all five types, five streams; the datapoints devices report carry the simulator's monotonic send time); figures are the medians of the per-repetition p50/p99 over ${grouped(median(reps.map((r) => r.samples)))} stamped datapoints each. The ratio column is measured ÷ budget.`,
      `B5: the client's event-loop delay while measuring (its own work plus the machine's other load): p99 ${ms(median(reps.map((r) => r.loopDelayP99)))}, max ${ms(median(reps.map((r) => r.loopDelayMax)))} (medians over repetitions). An event that arrives while the loop is held up waits that long: a store p99 near the loop-delay p99 is waiting for a CPU, not work per event.`,
      'B5: the tree figure is the time to the end of the Coalescer flush that renders the change (where DeviceTreeProvider fires onDidChangeTreeData); VS Code drawing the row is not included.',
    ],
    details: { repetitions: reps },
  } satisfies BenchResult;
});
