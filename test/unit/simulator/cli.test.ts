// The CLI (dist/cli.js, built by `npm run build`): `simulator`, `fault`, `rate`, `flood`, `stats`, usage errors.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../../src/simulator';
import { call, signIn, signInBody } from '../support/aylaHttp';
import { waitFor } from '../support/waitFor';

const CLI = join(process.cwd(), 'dist', 'cli.js');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function finished(child: ChildProcess): Promise<Run> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

function cli(...args: string[]): Promise<Run> {
  return finished(spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
}

describe('simulator: the CLI', function () {
  this.timeout(20000);

  it('`simulator --port 0` prints "listening on …", serves sign-in, and exits 0 on SIGINT', async () => {
    const child = spawn(process.execPath, [CLI, 'simulator', '--port', '0', '--heartbeat-ms', '200', '--devices', '2', '--rate', '0', '--seed', '3'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const run = finished(child);
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    try {
      const url = await waitFor('the listening line', () => /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out)?.[1], 10000);
      assert.match(out.split('\n')[0]!, /^listening on http:\/\/127\.0\.0\.1:\d+$/, 'the first line is exactly the listening line');
      assert.match(out, /dev@example\.com/);
      const tokens = await signIn(url, { email: 'dev@example.com', password: 'simulator', appId: 'simulator-app', appSecret: 'simulator-secret' });
      const devices = await call<unknown[]>(url, 'GET', '/apiv1/devices.json', { token: tokens.access_token });
      assert.equal(devices.body.length, 2);
      // `fault` against the spawned simulator.
      const fault = await cli('fault', 'fail', '{"status":503,"count":1}', '--url', url);
      assert.equal(fault.code, 0, fault.stderr);
      assert.deepEqual(JSON.parse(fault.stdout), { ok: true, status: 503, count: 1, pathPrefix: null });
      assert.equal((await call(url, 'POST', '/users/sign_in.json', { json: signInBody({ email: 'dev@example.com', password: 'simulator', appId: 'simulator-app', appSecret: 'simulator-secret' }) })).status, 503);
      child.kill('SIGINT');
      const result = await run;
      assert.equal(result.code, 0, result.stderr);
      assert.doesNotMatch(result.stderr, new RegExp(tokens.access_token), 'tokens never appear in full in the log');
      assert.match(result.stderr, /signed in dev@example\.com/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('exits 0 on SIGTERM too', async () => {
    const child = spawn(process.execPath, [CLI, 'simulator', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const run = finished(child);
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    await waitFor('the listening line', () => out.includes('listening on'), 10000);
    child.kill('SIGTERM');
    const result = await run;
    assert.equal(result.code, 0, `ended by ${String(result.signal)}; stderr: ${result.stderr.slice(-2000)}`);
  });

  describe('commands against an in-process simulator', () => {
    let sim: Simulator;
    before(async () => {
      sim = await startSimulator({ eventsPerSecond: 0 });
    });
    after(() => sim.stop());

    it('`fault` reaches every switch and prints the JSON answer', async () => {
      const cases: [string, string | undefined, Record<string, unknown>][] = [
        ['drop-sockets', undefined, { ok: true, sockets: 0 }],
        ['stop-heartbeats', '{"on":true}', { ok: true, on: true }],
        ['garbage', '{"count":3}', { ok: true, frames: 0 }],
        ['oversized', '{"bytes":1000}', { ok: true, sockets: 0 }],
        ['expire-tokens', undefined, { ok: true, tokens: 0 }],
        ['expire-stream-keys', undefined, { ok: true, streamKeys: 0 }],
        ['fail', '{"status":429,"count":2}', { ok: true, status: 429, count: 2, pathPrefix: null }],
        ['delay', '{"ms":1,"count":1}', { ok: true, ms: 1, count: 1 }],
        ['reset', undefined, { ok: true }],
      ];
      for (const [name, json, answer] of cases) {
        const run = await cli('fault', name, ...(json === undefined ? [] : [json]), '--url', sim.url);
        assert.equal(run.code, 0, `${name}: ${run.stderr}`);
        assert.deepEqual(JSON.parse(run.stdout), answer, name);
      }
    });

    it('`rate`, `flood` and `stats`', async () => {
      const rate = await cli('rate', '0', `--url=${sim.url}`);
      assert.equal(rate.code, 0, rate.stderr);
      assert.deepEqual(JSON.parse(rate.stdout), { ok: true, eventsPerSecond: 0 });
      const flood = await cli('flood', '10', '--url', sim.url);
      assert.deepEqual(JSON.parse(flood.stdout), { ok: true, count: 10 });
      const stats = await cli('stats', '--url', sim.url);
      assert.equal(stats.code, 0);
      assert.equal((JSON.parse(stats.stdout) as { eventsEmitted: number }).eventsEmitted, 10);
    });

    it('exits 1 with the JSON error when the control plane refuses', async () => {
      const run = await cli('fault', 'fail', '{"status":404}', '--url', sim.url);
      assert.equal(run.code, 1);
      assert.match(run.stdout, /status must be one of/);
    });
  });

  it('prints the usage for --help (exit 0)', async () => {
    const run = await cli('--help');
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^Usage: node dist\/cli\.js/);
    for (const command of ['simulator', 'fault', 'rate', 'flood', 'stats']) assert.match(run.stdout, new RegExp(`\\n  ${command}\\b`));
    assert.equal((await cli('simulator', '--help')).code, 0);
  });

  it('refuses unknown commands, flags, faults and bad values with one sentence and exit 2', async () => {
    for (const args of [['bogus'], ['--bogus'], ['simulator', '--bogus', '1'], ['simulator', '--port', 'abc'], ['simulator', '--port'], ['fault', 'nope'], ['fault'], ['fault', 'garbage', '{bad json'], ['rate', 'fast'], ['flood', '-1'], ['stats', 'extra'], ['fault', 'reset', '--url', 'ftp://x']]) {
      const run = await cli(...args);
      assert.equal(run.code, 2, args.join(' '));
      const lines = run.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `one line for ${args.join(' ')}: ${run.stderr}`);
      assert.match(lines[0]!, /\.$|\)\.?$/, 'a sentence');
    }
    const none = await cli();
    assert.equal(none.code, 2);
    assert.match(none.stderr, /Usage/);
  });

  it('says so (exit 1) when no simulator answers at --url', async () => {
    const run = await cli('stats', '--url', 'http://127.0.0.1:1');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Could not reach the simulator/);
  });

  it('says so (exit 1) when the port is in use', async () => {
    const sim = await startSimulator({ eventsPerSecond: 0 });
    try {
      const run = await cli('simulator', '--port', String(sim.port));
      assert.equal(run.code, 1);
      assert.match(run.stderr, /in use/);
    } finally {
      await sim.stop();
    }
  });
});
