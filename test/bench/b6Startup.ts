// B6 — start-up. Three figures:
//   bundle   bytes of dist/extension.js from the production build (`esbuild.mjs --production`, into a temp
//            folder so dist/ is left alone);
//   require  time to load that bundle in a fresh Node process, with a minimal stand-in for the `vscode`
//            module (used for this timing only): the code-loading part of activation. activate() itself runs
//            in the real extension host, so B3 (which starts one) reports it as the `B6·activate` row;
//   sign-in → first event against the simulator (its own process): AylaSession.signIn, Explorer.attach
//            (devices and properties listed, as the extension does), startStreaming (five subscriptions and
//            sockets) until every stream is live, then the time a datapoint takes from the simulator to the
//            store. The datapoint is triggered through the control plane as soon as the streams are live, so
//            the figure does not include waiting for a device to happen to emit; the control call itself is
//            not counted (the datapoint's own send stamp is used).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DssEvent } from '../../src/ayla/events';
import { EXTENSION_STORE_DEFAULTS, sentStamp, signInDemo } from './support/ayla';
import { Explorer } from '../../src/extension/explorer';
import { benchContext, runBenchmark, type BenchResult } from './support/result';
import { DEMO, SimulatorProcess } from './support/simulatorProcess';
import { grouped, median, monotonicMs, ms, waitUntil } from './support/stats';

const REQUIRE_BUDGET_MS = 50;
const FIRST_EVENT_BUDGET_MS = 1000;

/** Loads `bundle` with a stand-in `vscode` module and prints the milliseconds `require` took. */
const REQUIRE_SCRIPT = `
const Module = require('node:module');
const stub = new Proxy(function () {}, { get: (t, k) => (k === Symbol.toPrimitive ? () => '' : stub), apply: () => stub, construct: () => stub });
const load = Module._load;
Module._load = function (request, parent, isMain) { return request === 'vscode' ? stub : load.call(this, request, parent, isMain); };
const start = process.hrtime.bigint();
require(process.argv[1]);
process.stdout.write(String(Number(process.hrtime.bigint() - start) / 1e6));
`;

interface SignInRun {
  totalMs: number;
  signInMs: number;
  listingMs: number;
  subscribeMs: number;
  liveMs: number;
  eventMs: number;
}

async function signInToFirstEvent(sim: SimulatorProcess, dsn: string): Promise<SignInRun> {
  const t0 = monotonicMs();
  const session = await signInDemo(sim.url);
  const t1 = monotonicMs();
  const explorer = new Explorer({ ...EXTENSION_STORE_DEFAULTS });
  await explorer.attach(session, { email: DEMO.email, cloudLabel: 'Local simulator', clientType: 'mobile' });
  const t2 = monotonicMs();
  let first: { event: DssEvent; at: number } | undefined;
  explorer.onEvent((event) => {
    if (!first && sentStamp(event) !== undefined) first = { event, at: monotonicMs() };
  });
  await explorer.startStreaming({ eventTypes: ['connectivity', 'datapoint', 'datapointack', 'location', 'registration'], dsn: '', propertyName: '', oemModel: '' });
  const t3 = monotonicMs();
  await waitUntil('every stream live', () => explorer.state.kind === 'signedIn' && explorer.state.streaming.kind === 'live', 10000, 1);
  const t4 = monotonicMs();
  await sim.control(`devices/${encodeURIComponent(dsn)}/datapoint`, { property: 'status', value: `run at ${Date.now()}` });
  const arrived = await waitUntil('the first event', () => first, 10000, 1);
  const eventMs = arrived.at - sentStamp(arrived.event)!;
  await session.signOut().catch(() => undefined);
  await explorer.detach(undefined);
  explorer.dispose();
  session.dispose();
  return { totalMs: t4 - t0 + eventMs, signInMs: t1 - t0, listingMs: t2 - t1, subscribeMs: t3 - t2, liveMs: t4 - t3, eventMs };
}

runBenchmark(async () => {
  const { quick } = benchContext();
  const requireRuns = quick ? 3 : 10;
  const signInRuns = quick ? 3 : 10;

  // Production bundle, built into a temp folder.
  const outdir = mkdtempSync(join(tmpdir(), 'ayla-bench-b6-'));
  let bundleBytes: number;
  let cliBytes: number;
  const requireMs: number[] = [];
  try {
    execFileSync(process.execPath, ['esbuild.mjs', '--production', `--outdir=${outdir}`], { stdio: 'pipe' });
    const bundle = join(outdir, 'extension.js');
    bundleBytes = statSync(bundle).size;
    cliBytes = statSync(join(outdir, 'cli.js')).size;
    for (let i = 0; i < requireRuns; i++) {
      const run = spawnSync(process.execPath, ['-e', REQUIRE_SCRIPT, bundle], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`Loading the production bundle failed: ${run.stderr}`);
      requireMs.push(Number(run.stdout));
    }
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }

  const sim = await SimulatorProcess.start({ devices: 3, rate: 0, stampSendTime: true });
  const runs: SignInRun[] = [];
  try {
    const dsn = (await sim.devices()).find((d) => d.properties.includes('status'))!.dsn;
    // One warm-up (JIT, connection pools), not counted.
    await signInToFirstEvent(sim, dsn);
    for (let i = 0; i < signInRuns; i++) runs.push(await signInToFirstEvent(sim, dsn));
  } finally {
    await sim.stop();
  }
  const loadMs = median(requireMs);
  const firstEvent = median(runs.map((r) => r.totalMs));
  const part = (key: keyof SignInRun): string => ms(median(runs.map((r) => r[key])));
  return {
    id: 'B6',
    title: 'Start-up',
    rows: [
      {
        id: 'B6·load',
        what: 'start-up: require() of the production extension bundle (vscode stubbed; activate() is the B6·activate row, from B3\'s host)',
        measured: ms(loadMs),
        baseline: '—',
        ratio: loadMs / REQUIRE_BUDGET_MS,
        budget: `load ≤ ${REQUIRE_BUDGET_MS} ms`,
        pass: loadMs <= REQUIRE_BUDGET_MS,
        values: { requireMs: loadMs },
      },
      {
        id: 'B6·bundle',
        what: 'start-up: production bundle size (dist/extension.js)',
        measured: `${grouped(bundleBytes)} bytes`,
        baseline: '—',
        ratio: null,
        budget: 'print',
        pass: null,
        values: { bundleBytes, cliBytes },
      },
      {
        id: 'B6·first',
        what: 'start-up: sign-in → first event against the simulator (median)',
        measured: ms(firstEvent),
        baseline: '—',
        ratio: firstEvent / FIRST_EVENT_BUDGET_MS,
        budget: `median ≤ ${FIRST_EVENT_BUDGET_MS} ms`,
        pass: firstEvent <= FIRST_EVENT_BUDGET_MS,
        values: { medianMs: firstEvent },
      },
    ],
    notes: [
      `B6: require() of the production bundle in a fresh process, median of ${requireRuns}, with a stand-in for the vscode module used only for this timing; activate() itself is measured in the real extension host by B3 (row B6·activate). CLI bundle: ${grouped(cliBytes)} bytes.`,
      `B6: sign-in → first event, median of ${signInRuns} runs (after one warm-up): sign-in ${part('signInMs')}, listing devices and properties ${part('listingMs')}, five subscriptions ${part('subscribeMs')}, sockets live ${part('liveMs')}, datapoint simulator → store ${part('eventMs')}.`,
    ],
    details: { requireMs, runs },
  } satisfies BenchResult;
});
