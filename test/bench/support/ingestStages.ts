// B1's breakdown: where the pipeline's time goes per event, stage by stage, measured in-process on the same
// frames the socket delivered (no socket, no simulator, so the figures are about our code alone). Each stage
// does the work of the one before it plus one more step; the difference between two stages is that step's
// cost. The collector's time (PerformanceObserver 'gc' entries) is reported per stage too, because the cost
// of keeping recent events shows up there, not in any function of ours.
import { PerformanceObserver } from 'node:perf_hooks';
import type { DssEvent } from '../../../src/ayla/events';
import { decodeEvent, isDssEvent } from '../../../src/ayla/decode';
import { parseFrameBytes } from '../../../src/ayla/frames';
import { DeviceStore } from '../../../src/model/deviceStore';
import { EXTENSION_STORE_DEFAULTS } from './ayla';
import { grouped, median, min, sleep } from './stats';
import { storePipeline } from './viewSinks';

export interface StageFigure {
  readonly stage: string;
  /** What this stage adds to the one before it. */
  readonly adds: string;
  /** µs per event: the lowest of the repetitions (noise only ever adds time) and the median. */
  readonly minMicros: number;
  readonly medianMicros: number;
  /** µs per event the garbage collector ran during the stage (median). */
  readonly gcMicros: number;
}

type Stage = { name: string; adds: string; run: (frames: readonly Buffer[]) => number };

/** Decodes one frame the way DssStream does (heartbeats and other frames are not in the replay). */
function decoded(frame: Buffer): DssEvent {
  const parsed = parseFrameBytes(frame);
  if (parsed.kind !== 'payload') throw new Error(`B1 stages: a replayed frame is a ${parsed.kind}.`);
  const event = decodeEvent(parsed.payload, Date.now());
  if (!isDssEvent(event)) throw new Error(`B1 stages: a replayed frame does not decode (${event.reason}).`);
  return event;
}

function intoStore(frames: readonly Buffer[], store: DeviceStore): number {
  for (const frame of frames) store.apply(decoded(frame));
  return store.counts.total;
}

const STAGES: readonly Stage[] = [
  {
    name: 'baseline',
    adds: 'the bare client: frame text, strip `N|`, JSON.parse',
    run: (frames) => {
      let seqs = 0;
      for (const frame of frames) {
        const text = frame.toString('utf8');
        seqs += Number((JSON.parse(text.slice(text.indexOf('|') + 1)) as { seq: string }).seq) > 0 ? 1 : 0;
      }
      return seqs;
    },
  },
  {
    name: 'decode',
    adds: 'parseFrameBytes + decodeEvent (a typed event; each property\'s metadata parsed once, see payloadJson.ts) instead of a bare JSON.parse of the whole payload',
    run: (frames) => {
      let events = 0;
      for (const frame of frames) events += decoded(frame).seq !== undefined ? 1 : 0;
      return events;
    },
  },
  {
    name: 'store, no event buffers',
    adds: 'DeviceStore.apply: device, property, value, history point, change marks',
    run: (frames) => intoStore(frames, new DeviceStore({ ...EXTENSION_STORE_DEFAULTS, eventBufferSize: 0, eventsPerDevice: 0 })),
  },
  {
    name: 'store, default buffers',
    adds: `keeping the last ${grouped(EXTENSION_STORE_DEFAULTS.eventBufferSize)} events (and ${EXTENSION_STORE_DEFAULTS.eventsPerDevice} per device)`,
    run: (frames) => intoStore(frames, new DeviceStore({ ...EXTENSION_STORE_DEFAULTS })),
  },
  {
    name: 'pipeline without socket',
    adds: "the session's and explorer's event hops and the views' sinks (their timers do not fire within the loop)",
    run: (frames) => {
      const store = new DeviceStore({ ...EXTENSION_STORE_DEFAULTS });
      const { sessionEvents, sinks } = storePipeline(store);
      for (const frame of frames) sessionEvents.fire(decoded(frame));
      sinks.dispose();
      return store.counts.total;
    },
  },
];

/**
 * Runs every stage over `frames`, `repetitions` times in turn (so machine noise hits all alike), with a full
 * GC before each run.
 */
export async function measureStages(frames: readonly Buffer[], repetitions: number, gc: () => void): Promise<StageFigure[]> {
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  const micros = STAGES.map(() => [] as number[]);
  const gcMicros = STAGES.map(() => [] as number[]);
  try {
    for (let rep = 0; rep < repetitions; rep++) {
      for (let s = 0; s < STAGES.length; s++) {
        gc();
        await sleep(10); // let the observer report the forced GC before counting starts
        gcMs = 0;
        const start = performance.now();
        const handled = STAGES[s]!.run(frames);
        const elapsed = performance.now() - start;
        await sleep(10); // GC entries are delivered asynchronously
        if (handled !== frames.length) throw new Error(`B1 stages: ${STAGES[s]!.name} handled ${handled} of ${frames.length} frames.`);
        micros[s]!.push((elapsed * 1000) / frames.length);
        gcMicros[s]!.push((gcMs * 1000) / frames.length);
      }
    }
  } finally {
    observer.disconnect();
  }
  return STAGES.map((stage, s) => ({ stage: stage.name, adds: stage.adds, minMicros: min(micros[s]!), medianMicros: median(micros[s]!), gcMicros: median(gcMicros[s]!) }));
}
