// B7 — reconnect. The Explorer streams all five event types (five sockets) from the simulator (its own
// process) at ≈500 events/s; every few seconds the simulator drops every stream socket (control plane
// `faults/drop-sockets`, the subscriber sees 1006). Measured per stream and drop: from the drop to the
// stream's next `live` state. Events lost or duplicated across the drops are counted by seq continuity per
// stream once the load has stopped and everything sent has arrived: every seq from 1 to the last must have
// arrived exactly once.
import type { EventType } from '../../src/ayla/wireTypes';
import { Backoff } from '../../src/ayla/backoff';
import { explorerOnSimulator } from './support/ayla';
import { benchContext, runBenchmark, type BenchResult } from './support/result';
import { SimulatorProcess } from './support/simulatorProcess';
import { grouped, max, median, monotonicMs, ms, sleep, waitUntil } from './support/stats';

const TYPES: EventType[] = ['connectivity', 'datapoint', 'datapointack', 'location', 'registration'];

runBenchmark(async () => {
  const { quick } = benchContext();
  const drops = quick ? 3 : 10;
  const spacingMs = 3000;
  // The backoff's first delay: at most `initialMs` (the default Backoff, jitter at its top).
  const firstDelayMs = new Backoff({ random: () => 1 }).next().delayMs;
  const budgetMs = firstDelayMs + 200;
  const sim = await SimulatorProcess.start({ devices: 10, rate: 0 });
  const { explorer, session } = await explorerOnSimulator(sim.url);
  const seqs = new Map<EventType, number[]>(TYPES.map((t) => [t, []]));
  const lives = new Map<EventType, number[]>(TYPES.map((t) => [t, []]));
  const attempts: number[] = [];
  const gaps: { eventType: string; from: number; to: number }[] = [];
  explorer.onEvent((event) => {
    if (event.seq !== undefined && event.type !== 'unknown') seqs.get(event.type)!.push(event.seq);
  });
  session.onStreamState(({ eventType, state }) => {
    if (state.kind === 'live') lives.get(eventType)!.push(monotonicMs());
    if (state.kind === 'reconnecting') attempts.push(state.attempt);
  });
  session.onGap((gap) => gaps.push({ eventType: gap.eventType, from: gap.from, to: gap.to }));
  const reconnectMs: number[] = [];
  const allLiveMs: number[] = [];
  let received = 0;
  try {
    await explorer.startStreaming({ eventTypes: TYPES, dsn: '', propertyName: '', oemModel: '' });
    const allLive = (): boolean => explorer.state.kind === 'signedIn' && explorer.state.streaming.kind === 'live';
    await waitUntil('every stream live', allLive, 10000);
    await sim.setRate(50); // 10 demo devices (+1 of another user) × 50 events/s
    await sleep(spacingMs);
    for (let i = 0; i < drops; i++) {
      const livesBefore = new Map(TYPES.map((t) => [t, lives.get(t)!.length]));
      const dropAt = monotonicMs();
      const answer = await sim.control<{ sockets: number }>('faults/drop-sockets');
      if (answer.sockets !== TYPES.length) throw new Error(`Drop ${i + 1} closed ${answer.sockets} sockets, wanted ${TYPES.length}.`);
      await waitUntil(`every stream live again after drop ${i + 1}`, () => TYPES.every((t) => lives.get(t)!.length > livesBefore.get(t)!), 60000, 2);
      const back = TYPES.map((t) => lives.get(t)![livesBefore.get(t)!]! - dropAt);
      reconnectMs.push(...back);
      allLiveMs.push(max(back));
      await sleep(spacingMs);
    }
    await sim.setRate(0);
    await sleep(1500); // everything sent arrives
    const stats = await sim.stats();
    if (stats.eventsSkipped !== 0) throw new Error(`The simulator skipped ${stats.eventsSkipped} events (a replay buffer overflowed).`);
  } finally {
    await session.signOut().catch(() => undefined);
    await explorer.detach(undefined);
    explorer.dispose();
    session.dispose();
    await sim.stop();
  }
  let lost = 0;
  let duplicated = 0;
  for (const type of TYPES) {
    const list = seqs.get(type)!;
    received += list.length;
    const seen = new Set<number>();
    let highest = 0;
    for (const seq of list) {
      if (seen.has(seq) || seq <= highest) duplicated++;
      seen.add(seq);
      highest = Math.max(highest, seq);
    }
    for (let s = 1; s <= highest; s++) if (!seen.has(s)) lost++;
  }
  const reconnect = median(reconnectMs);
  const pass = reconnect <= budgetMs && lost === 0 && duplicated === 0;
  return {
    id: 'B7',
    title: 'Reconnect',
    rows: [
      {
        id: 'B7',
        what: `reconnect: every socket dropped × ${drops} at ≈500 ev/s → stream live again (median of ${reconnectMs.length}); lost / duplicated`,
        measured: `${ms(reconnect)}; lost ${lost}, dup ${duplicated}`,
        baseline: `first backoff delay ≤ ${firstDelayMs} ms`,
        ratio: reconnect / budgetMs,
        budget: `median ≤ ${budgetMs} ms; lost = 0`,
        pass,
        values: { medianMs: reconnect, lost, duplicated, firstDelayMs },
      },
    ],
    notes: [
      `B7: ${drops} drops, ${spacingMs / 1000} s apart, of all five stream sockets; ${grouped(received)} events checked by seq (every seq from 1 to the last of each stream arrived once: lost ${lost}, duplicated ${duplicated}, gaps reported ${gaps.length}). Reconnect per stream: median ${ms(reconnect)}, max ${ms(max(reconnectMs))}; all five live again: median ${ms(median(allLiveMs))}. Backoff attempts seen: ${[...new Set(attempts)].sort((a, b) => a - b).join(', ')} (the first delay is ${firstDelayMs / 2}–${firstDelayMs} ms; later attempts wait longer).`,
    ],
    details: { reconnectMs, allLiveMs, attempts, gaps, received },
  } satisfies BenchResult;
});
