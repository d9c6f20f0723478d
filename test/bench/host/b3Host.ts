// B3's extension-host side (the `extensionTestsPath` entry b3Responsiveness.ts opens the workbench with):
// the real extension in code-server's real extension host, signed in to a simulator running in its own
// process, with the Devices view visible (one device expanded) and the events channel shown. It drives
// the simulator at the benchmark's rate and measures this process's event-loop delay and what the views
// did, once with the extension's coalescing and once with it switched off (every event refreshes the tree
// and appends to the channel, the peers' way), alternating, and writes the figures as JSON to the file
// the node side named. Settings arrive through the workbench's extensionEnvironment:
//   AYLA_BENCH_SIM_URL   the simulator (`node dist/cli.js simulator …`)
//   AYLA_BENCH_OUT       where to write the result
//   AYLA_BENCH_RATE      events per second per simulated device
//   AYLA_BENCH_SECONDS   measured seconds per repetition and mode
//   AYLA_BENCH_REPS      repetitions (each runs both modes)
//   AYLA_BENCH_PROFILE   optional: a folder for a CPU profile (.cpuprofile) of each mode's first repetition
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EVENT_TYPES } from '../../../src/ayla/events';
import { resolveHosts } from '../../../src/ayla/hosts';
import { AylaSession } from '../../../src/ayla/session';
import type { ExtensionApi } from '../../../src/extension/api';

const EXTENSION_ID = 'ayla-dss-explorer.ayla-dss-explorer';
const WARM_UP_MS = 1500;
/** The idle stretch (no events) measured before each repetition, at most. */
const IDLE_SECONDS = 5;
/** How long the client may take to catch up with what was sent once the load stops. */
const DRAIN_MS = 60_000;

export type B3Mode = 'coalesced' | 'uncoalesced' | 'idle';

export interface B3Sample {
  mode: B3Mode;
  repetition: number;
  seconds: number;
  /** Event-loop delay over the measured window (ms). */
  loopP50: number;
  loopP99: number;
  loopMax: number;
  loopMean: number;
  /** CPU time this process used while measuring, as a fraction of one CPU (user + system). */
  cpu: number;
  /** Frames the simulator sent while measuring, and events the explorer received in the same window. */
  sentPerSecond: number;
  receivedPerSecond: number;
  /** `onDidChangeTreeData` fires and channel appends per second while measuring. */
  treeRefreshesPerSecond: number;
  treeNodesPerSecond: number;
  appendsPerSecond: number;
  /** Sent − received when the load stopped: how far behind the extension was. */
  behindAtStop: number;
  /** From the load stopping to every sent frame received (ms); null if it did not catch up within DRAIN_MS. */
  catchUpMs: number | null;
  /** Over the whole repetition (load + drain): frames sent, events received, lost = sent − received. */
  sent: number;
  received: number;
  lost: number;
  /** The extension host's heap after the repetition (MB). */
  heapUsedMB: number;
  /** Events the channel skipped (too many at once) or lost (left the buffer before the batch). */
  channelSkipped: number;
  channelLost: number;
}

export interface B3HostResult {
  devices: number;
  ratePerDevice: number;
  samples: B3Sample[];
  setupMs: number;
  /** How long the extension's `activate()` ran in this host (its own measure, `api.testing.activationMs`). */
  activationMs: number;
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: b3Host runs under test/bench/b3Responsiveness.ts.`);
  return value;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, pollMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await sleep(pollMs);
  }
}

export async function run(): Promise<void> {
  const simulatorUrl = env('AYLA_BENCH_SIM_URL');
  const out = env('AYLA_BENCH_OUT');
  const ratePerDevice = Number(env('AYLA_BENCH_RATE'));
  const seconds = Number(env('AYLA_BENCH_SECONDS'));
  const repetitions = Number(env('AYLA_BENCH_REPS'));
  const profileDir = process.env.AYLA_BENCH_PROFILE || undefined;
  const setupStarted = Date.now();

  const control = async <T>(path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${simulatorUrl}/_simulator/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };
  const framesSent = async (): Promise<number> => (await control<{ eventsSent: number }>('stats')).eventsSent;

  const extension = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not loaded in this host.`);
  const api = await extension.activate();

  // Sign in to the simulator process (not the extension's built-in one: its work would load this event loop).
  await api.explorer.detach(undefined);
  await control('rate', { eventsPerSecond: 0 });
  const hosts = resolveHosts({ region: 'us', deployment: 'dev', clientType: 'mobile', baseUrl: simulatorUrl });
  const email = 'dev@example.com';
  const session = await AylaSession.signIn({ hosts, clientType: 'mobile' }, { email, password: 'simulator', appId: 'simulator-app', appSecret: 'simulator-secret' });
  await api.explorer.attach(session, { email, cloudLabel: 'Local simulator', clientType: 'mobile' });
  const devices = api.explorer.store.devices();
  if (devices.length === 0) throw new Error('The simulator listed no devices.');

  await api.explorer.startStreaming({ eventTypes: EVENT_TYPES, dsn: '', propertyName: '', oemModel: '' });
  const state = () => api.explorer.state;
  await waitUntil('every stream live', () => {
    const s = state();
    return s.kind === 'signedIn' && s.streaming.kind === 'live';
  }, 20_000);
  const received = (): number => {
    const s = state();
    return s.kind === 'signedIn' ? s.eventsReceived : 0;
  };

  // The views as a user watching the stream has them: Devices visible with a device expanded, the channel shown.
  await vscode.commands.executeCommand('aylaDss.devices.focus');
  await waitUntil('the Devices view to be visible', () => api.testing.devicesTreeVisible(), 20_000);
  const first = devices[0]!.dsn;
  await waitUntil(`the ${first} row to expand`, () => api.testing.expandDevice(first).then(() => true, () => false), 20_000, 200);
  await vscode.commands.executeCommand('aylaDss.showEvents');
  await sleep(1000);
  const setupMs = Date.now() - setupStarted;

  const samples: B3Sample[] = [];
  const measure = async (mode: B3Mode, repetition: number): Promise<B3Sample> => {
    api.testing.setCoalescing(mode !== 'uncoalesced');
    const sentAtStart = await framesSent();
    const receivedAtStart = received();
    if (mode !== 'idle') await control('rate', { eventsPerSecond: ratePerDevice });
    await sleep(WARM_UP_MS);
    const profile = profileDir && repetition === 0 ? new Session() : undefined;
    if (profile) {
      profile.connect();
      await profile.post('Profiler.enable');
      await profile.post('Profiler.setSamplingInterval', { interval: 500 });
      await profile.post('Profiler.start');
    }

    const tree0 = api.testing.devicesTreeStats();
    const log0 = api.testing.eventLog();
    const sent0 = await framesSent();
    const received0 = received();
    const loop = monitorEventLoopDelay({ resolution: 10 });
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    loop.enable();
    await sleep((mode === 'idle' ? Math.min(seconds, IDLE_SECONDS) : seconds) * 1000);
    loop.disable();
    const cpu1 = process.cpuUsage(cpu0);
    const elapsed = (performance.now() - started) / 1000;
    if (profile) {
      const { profile: taken } = await profile.post('Profiler.stop');
      writeFileSync(join(profileDir!, `b3-${mode}.cpuprofile`), JSON.stringify(taken));
      profile.disconnect();
    }
    const tree1 = api.testing.devicesTreeStats();
    const log1 = api.testing.eventLog();
    const received1 = received();
    const sent1 = await framesSent();
    await control('rate', { eventsPerSecond: 0 });
    const stopped = performance.now();

    // Catch up with what was sent under load (the uncoalesced mode may be behind), however long it takes.
    let catchUpMs: number | null = null;
    const deadline = Date.now() + DRAIN_MS;
    for (;;) {
      if (received() - receivedAtStart >= sent1 - sentAtStart) {
        catchUpMs = performance.now() - stopped;
        break;
      }
      if (Date.now() > deadline) break;
      await sleep(10);
    }
    // Then everything at all (acks of earlier writes trail the load): the counts must meet and stay equal.
    let sent = 0;
    let got = 0;
    for (let equal = 0; equal < 5 && Date.now() < deadline + 5000; ) {
      await sleep(100);
      sent = (await framesSent()) - sentAtStart;
      got = received() - receivedAtStart;
      equal = got === sent ? equal + 1 : 0;
    }
    await sleep(500); // let the last refresh and append run before the next mode
    const log2 = api.testing.eventLog();
    const heapUsedMB = process.memoryUsage().heapUsed / 2 ** 20;
    const ms = (ns: number): number => ns / 1e6;
    return {
      mode,
      repetition,
      seconds: elapsed,
      loopP50: ms(loop.percentile(50)),
      loopP99: ms(loop.percentile(99)),
      loopMax: ms(loop.max),
      loopMean: ms(loop.mean),
      cpu: (cpu1.user + cpu1.system) / 1e6 / elapsed,
      sentPerSecond: (sent1 - sent0) / elapsed,
      receivedPerSecond: (received1 - received0) / elapsed,
      treeRefreshesPerSecond: (tree1.refreshes - tree0.refreshes) / elapsed,
      treeNodesPerSecond: (tree1.nodesRefreshed - tree0.nodesRefreshed) / elapsed,
      appendsPerSecond: (log1.appends - log0.appends) / elapsed,
      behindAtStop: sent1 - sentAtStart - (received1 - receivedAtStart),
      catchUpMs,
      sent,
      received: got,
      lost: sent - got,
      channelSkipped: log2.skipped - log0.skipped,
      channelLost: log2.lost - log0.lost,
      heapUsedMB,
    };
  };

  try {
    for (let repetition = 0; repetition < repetitions; repetition++) {
      // Alternate which mode goes first, so a drift in the machine's load does not favour one.
      // A short idle stretch first (views shown, no events): what the machine alone does to the loop.
      const order: B3Mode[] = repetition % 2 === 0 ? ['idle', 'coalesced', 'uncoalesced'] : ['idle', 'uncoalesced', 'coalesced'];
      for (const mode of order) {
        const sample = await measure(mode, repetition);
        samples.push(sample);
        console.log(`b3: ${mode} rep ${repetition + 1}/${repetitions}: loop p99 ${sample.loopP99.toFixed(1)} ms, cpu ${(sample.cpu * 100).toFixed(0)} %, ${sample.receivedPerSecond.toFixed(0)} ev/s received, tree ${sample.treeRefreshesPerSecond.toFixed(1)}/s, appends ${sample.appendsPerSecond.toFixed(1)}/s, lost ${sample.lost}`);
      }
    }
  } finally {
    api.testing.setCoalescing(true);
    await control('rate', { eventsPerSecond: 0 }).catch(() => undefined);
    await session.signOut().catch(() => undefined);
    await api.explorer.detach(undefined).catch(() => undefined);
  }
  const result: B3HostResult = { devices: devices.length, ratePerDevice, samples, setupMs, activationMs: api.testing.activationMs };
  writeFileSync(out, JSON.stringify(result, null, 2));
}
