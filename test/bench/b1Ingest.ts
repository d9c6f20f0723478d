// B1 — ingest throughput. The simulator (its own process) holds N pre-serialized datapoint frames in one
// subscription's replay buffer; each repetition streams all of them (seq_start=1) over a real loopback
// WebSocket, as fast as the socket takes them, to:
//   baseline  a bare `ws` client that strips the `N|` prefix and JSON.parses each frame;
//   pipeline  DssStream (frame parse → decode → seq bookkeeping) → the session's and the explorer's event
//             hops → DeviceStore.apply → the views' coalescers (tree 4/s, event log 10/s, see viewSinks.ts);
//   ceiling   a `ws` client that only counts frames: what the simulator and the socket can deliver;
//   unbuffered the pipeline with the store's event buffers off: what keeping recent events costs.
// Both clients get the identical frames (same subscription, same seqs), checked by count, last seq and
// every 1000th payload. Throughput = N ÷ (socket open → Nth event handled). Repetitions alternate
// the order of the clients; figures are medians.
import WebSocket from 'ws';
import { DssStream } from '../../src/ayla/stream';
import { buildStreamUrl } from '../../src/ayla/streamUrl';
import { DeviceStore } from '../../src/model/deviceStore';
import { benchContext, requireGc, runBenchmark, type BenchResult } from './support/result';
import { EXTENSION_STORE_DEFAULTS, signInDemo, simulatorHosts } from './support/ayla';
import { SimulatorProcess } from './support/simulatorProcess';
import { grouped, median, monotonicMs, sleep } from './support/stats';
import { measureStages, type StageFigure } from './support/ingestStages';
import { storePipeline, type ViewSinks } from './support/viewSinks';

interface Run {
  eventsPerSecond: number;
  /** Events per second of the client process's CPU time (user + system, all its threads): the cost, whatever else runs on the machine. */
  eventsPerCpuSecond: number;
  events: number;
  lastSeq: number;
  /** The payload of every SAMPLE_EVERY-th event: both clients must have got the identical frames. */
  samples: string[];
  ms: number;
}

/**
 * One payload in this many is compared between the clients (with the count and the last seq): enough to show
 * they got the same frames, without adding per-event work of the benchmark's own to either client.
 */
const SAMPLE_EVERY = 1000;

/**
 * One client's count, kept the same way for every client so they are measured alike: the clock and the
 * process's CPU time from the moment the socket is open, events, the last seq, every SAMPLE_EVERY-th payload.
 */
class Tally {
  private start = 0;
  private cpuStart = process.cpuUsage();
  events = 0;
  private lastSeq = 0;
  private readonly samples: string[] = [];

  /** The socket is open (the stream is live): the clocks start. */
  begin(): void {
    this.start = monotonicMs();
    this.cpuStart = process.cpuUsage();
  }

  /** Counts one event (its payload kept only for the samples). Returns true at the n-th. */
  add(seq: number, text: string, n: number): boolean {
    this.events++;
    if (this.events % SAMPLE_EVERY === 0) this.samples.push(text);
    this.lastSeq = seq;
    return this.events === n;
  }

  /** The figures, for `n` events handled by `end` (monotonic ms). */
  run(n: number, end: number): Run {
    const used = process.cpuUsage(this.cpuStart);
    const cpu = (used.user + used.system) / 1e6;
    return { eventsPerSecond: (n * 1000) / (end - this.start), eventsPerCpuSecond: n / cpu, events: this.events, lastSeq: this.lastSeq, samples: this.samples, ms: end - this.start };
  }
}

/** Resolves once the socket has closed (the simulator then accepts the next socket on the key). */
function closed(ws: WebSocket): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    ws.once('close', () => resolve());
    ws.close();
  });
}


/** The baseline: JSON.parse each frame's payload, nothing else. */
async function bareClient(stream: string, key: string, n: number, parse: boolean): Promise<Run> {
  const ws = new WebSocket(buildStreamUrl(stream, key, 1));
  const tally = new Tally();
  const done = new Promise<number>((resolve, reject) => {
    ws.on('open', () => tally.begin());
    ws.on('error', reject);
    ws.on('message', (data: Buffer) => {
      if (!parse) {
        // The ceiling: counts frames (as their position in the replay) and nothing else.
        if ((data.length > 3 || data.toString() !== '1|Z') && tally.add(tally.events + 1, '', n)) resolve(monotonicMs());
        return;
      }
      const text = data.toString('utf8');
      const payload = text.slice(text.indexOf('|') + 1);
      if (payload === 'Z') {
        ws.send('Z');
        return;
      }
      const event = JSON.parse(payload) as { seq: string };
      if (tally.add(Number(event.seq), payload, n)) resolve(monotonicMs());
    });
  });
  const end = await done;
  const run = tally.run(n, end);
  await closed(ws);
  return run;
}

/** The first `count` frames of the replay, as the socket delivered them (copies), for the in-process breakdown. */
async function captureFrames(stream: string, key: string, count: number): Promise<Buffer[]> {
  const ws = new WebSocket(buildStreamUrl(stream, key, 1));
  const frames: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    ws.on('error', reject);
    ws.on('message', (data: Buffer) => {
      if (data.length <= 3 && data.toString() === '1|Z') {
        ws.send('Z');
        return;
      }
      if (frames.length < count) frames.push(Buffer.from(data));
      if (frames.length === count) resolve();
    });
  });
  await closed(ws);
  return frames;
}

/** The breakdown as one line per stage for the notes: µs per event, what the step added, the collector's share. */
function stageLines(stages: readonly StageFigure[]): string[] {
  return stages.map((stage, i) => {
    const step = i === 0 ? 0 : stage.minMicros - stages[i - 1]!.minMicros;
    const added = i === 0 ? '' : `, ${step < 0 ? '−' : '+'}${Math.abs(step).toFixed(2)} µs for ${stage.adds}`;
    return `B1 stages: ${stage.stage} ${stage.minMicros.toFixed(2)} µs/event (median ${stage.medianMicros.toFixed(2)}; GC ${stage.gcMicros.toFixed(2)})${added}.`;
  });
}

/** The pipeline, wired as AylaSession and Explorer wire it, with the views' sinks attached. */
async function pipelineClient(stream: string, key: string, n: number, eventBuffers = true): Promise<Run & { sinks: ViewSinks['stats']; storeEvents: number }> {
  // Without event buffers: the same work, but no recent events kept (the ablation that prices keeping them).
  const store = new DeviceStore(eventBuffers ? { ...EXTENSION_STORE_DEFAULTS } : { ...EXTENSION_STORE_DEFAULTS, eventBufferSize: 0, eventsPerDevice: 0 });
  const { sessionEvents, explorerEvents, sinks } = storePipeline(store);
  const dss = new DssStream({ eventType: 'datapoint', url: stream, streamKey: key, renewKey: () => Promise.reject(new Error('no renewal in B1')) });
  dss.onEvent((event) => sessionEvents.fire(event));
  const tally = new Tally();
  const done = new Promise<number>((resolve, reject) => {
    dss.onState((state) => {
      if (state.kind === 'live') tally.begin();
      else if (state.kind === 'reconnecting' || state.kind === 'failed') reject(new Error(`The pipeline's stream went ${state.kind}: ${'reason' in state ? state.reason : ''}`));
    });
    explorerEvents.event((event) => {
      if (tally.add(event.seq ?? -1, event.raw, n)) resolve(monotonicMs());
    });
  });
  dss.start();
  const end = await done;
  const run = tally.run(n, end);
  await dss.stop();
  sinks.dispose();
  const stats = dss.stats;
  if (stats.undecodable || stats.gaps || stats.duplicatesDropped) throw new Error(`The pipeline saw undecodable ${stats.undecodable}, gaps ${stats.gaps}, duplicates ${stats.duplicatesDropped}.`);
  return { ...run, sinks: { ...sinks.stats }, storeEvents: store.counts.total };
}

runBenchmark(async () => {
  const { quick } = benchContext();
  const gc = requireGc();
  const n = quick ? 50_000 : 200_000;
  const repetitions = quick ? 2 : 11;
  const devices = 100;
  const sim = await SimulatorProcess.start({ devices, rate: 0, replayBuffer: n });
  const session = await signInDemo(sim.url);
  try {
    const subscription = await session.subscriptions.createSubscription({ eventType: 'datapoint', clientType: 'mobile' });
    // Fill the subscription's replay buffer: N frames serialized once, in the simulator's process.
    await sim.control('flood', { count: n });
    const filled = await sim.stats();
    if (filled.eventsEmitted !== n || filled.eventsSkipped !== 0) throw new Error(`The flood made ${filled.eventsEmitted} events (wanted ${n}).`);
    const stream = simulatorHosts(sim.url).stream;
    const key = subscription.stream_key;

    const baseline: Run[] = [];
    const pipeline: (Run & { sinks: ViewSinks['stats']; storeEvents: number })[] = [];
    const ceiling: Run[] = [];
    const unbuffered: Run[] = [];
    const ratios: number[] = [];
    const unbufferedRatios: number[] = [];
    const cpuRatios: number[] = [];
    // One warm-up of each (JIT), not counted.
    await bareClient(stream, key, n, true);
    await pipelineClient(stream, key, n);
    for (let rep = 0; rep < repetitions; rep++) {
      const order = rep % 2 === 0 ? (['baseline', 'pipeline'] as const) : (['pipeline', 'baseline'] as const);
      let b: Run | undefined;
      let p: (typeof pipeline)[number] | undefined;
      for (const which of order) {
        gc();
        await sleep(100);
        if (which === 'baseline') b = await bareClient(stream, key, n, true);
        else p = await pipelineClient(stream, key, n);
      }
      gc();
      await sleep(100);
      const u = await pipelineClient(stream, key, n, false);
      gc();
      await sleep(100);
      ceiling.push(await bareClient(stream, key, n, false));
      for (const run of [b!, p!]) {
        if (run.events !== n || run.lastSeq !== n) throw new Error(`Repetition ${rep + 1}: ${run.events} events up to seq ${run.lastSeq}, wanted ${n} (lost > 0).`);
      }
      const differs = b!.samples.findIndex((text, i) => text !== p!.samples[i]);
      if (differs >= 0 || b!.samples.length !== p!.samples.length) throw new Error(`Repetition ${rep + 1}: the clients got different frames (event ${((differs < 0 ? b!.samples.length : differs) + 1) * SAMPLE_EVERY} differs).`);
      if (p!.storeEvents !== n) throw new Error(`Repetition ${rep + 1}: the store applied ${p!.storeEvents} events, wanted ${n}.`);
      baseline.push(b!);
      pipeline.push(p!);
      ratios.push(p!.eventsPerSecond / b!.eventsPerSecond);
      unbuffered.push(u);
      unbufferedRatios.push(u.eventsPerSecond / b!.eventsPerSecond);
      cpuRatios.push(p!.eventsPerCpuSecond / b!.eventsPerCpuSecond);
    }
    // Where the time goes, stage by stage, on the same frames in this process (see support/ingestStages.ts).
    const stageFrames = Math.min(n, 50_000);
    const stages = await measureStages(await captureFrames(stream, key, stageFrames), quick ? 3 : 9, gc);
    const after = await sim.stats();
    const pipelineRate = median(pipeline.map((r) => r.eventsPerSecond));
    const baselineRate = median(baseline.map((r) => r.eventsPerSecond));
    const ceilingRate = median(ceiling.map((r) => r.eventsPerSecond));
    const ratio = median(ratios);
    const cpuRatio = median(cpuRatios);
    const unbufferedRatio = median(unbufferedRatios);
    const unbufferedRate = median(unbuffered.map((r) => r.eventsPerSecond));
    return {
      id: 'B1',
      title: 'Ingest throughput',
      rows: [
        {
          id: 'B1',
          what: `ingest: socket → parse → decode → store → views (${grouped(n)} frames × ${repetitions})`,
          measured: `${grouped(pipelineRate)} ev/s`,
          baseline: `${grouped(baselineRate)} ev/s (bare ws + JSON.parse)`,
          ratio,
          budget: '≥ 0.75 × baseline',
          pass: ratio >= 0.75,
          values: { unbufferedEventsPerSecond: unbufferedRate, unbufferedRatio, pipelineEventsPerSecond: pipelineRate, baselineEventsPerSecond: baselineRate, ceilingEventsPerSecond: ceilingRate, ratioOfMedians: pipelineRate / baselineRate, cpuRatio, pipelineEventsPerCpuSecond: median(pipeline.map((r) => r.eventsPerCpuSecond)), baselineEventsPerCpuSecond: median(baseline.map((r) => r.eventsPerCpuSecond)) },
        },
      ],
      notes: [
        `B1: ${grouped(n)} datapoint frames per repetition (${devices} devices), replayed from one subscription so both clients get identical frames; lost = 0 checked in every repetition (count, last seq, every 1000th payload).`,
        `B1: the simulator alone (a client that only counts frames) delivers ${grouped(ceilingRate)} ev/s, ${(ceilingRate / baselineRate).toFixed(2)} × the baseline: the simulator is not the bottleneck.`,
        `B1: the same pipeline with the store's event buffers off (eventBufferSize 0, eventsPerDevice 0, in the same repetitions) runs at ${grouped(unbufferedRate)} ev/s, ratio ${unbufferedRatio.toFixed(2)}: keeping the last ${grouped(EXTENSION_STORE_DEFAULTS.eventBufferSize)} events (for copy, export and the event pickers) costs ${(unbufferedRatio - ratio).toFixed(2)} of the ratio (each event's text is copied once into the event journal; see the stages below).`,
        ...stageLines(stages),
        `B1 stages: in-process on the first ${grouped(stageFrames)} of the same frames (no socket), lowest of ${quick ? 3 : 9} repetitions (noise only adds time), GC = the collector's time per event during the stage; each stage does the work of the one above plus one step.`,
        `B1: ratio = median of the ${repetitions} per-repetition ratios (pipeline and baseline measured back to back, order alternating); ratio of the medians ${(pipelineRate / baselineRate).toFixed(2)}; per CPU-second of the client process (independent of what else the machine runs) ${cpuRatio.toFixed(2)}.`,
      ],
      details: {
        frames: n,
        repetitions,
        baseline,
        pipeline,
        ceiling,
        unbuffered,
        unbufferedRatios,
        ratios,
        cpuRatios,
        stages,
        simulatorEventsSent: after.eventsSent,
        simulatorEventsSkipped: after.eventsSkipped,
      },
    } satisfies BenchResult;
  } finally {
    await session.signOut().catch(() => undefined);
    session.dispose();
    await sim.stop();
  }
});
