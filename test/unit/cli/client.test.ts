// The terminal client end to end: `node dist/cli.js tail|devices|set` spawned as processes against the
// simulator, checking stdout, stderr and exit codes as a script using it would.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Subscription } from '../../../src/ayla/wireTypes';
import { startSimulator, type Simulator } from '../../../src/simulator';
import { call, signIn } from '../support/aylaHttp';
import { waitFor } from '../support/waitFor';

const CLI = join(process.cwd(), 'dist/cli.js');

interface Process {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

describe('the terminal client (dist/cli.js)', function () {
  this.timeout(30_000);
  let sim: Simulator;
  /** Every process a test started: a failed test must not leave one running. */
  const started: ChildProcess[] = [];

  function run(args: string[], env: Record<string, string> = {}): Process {
    const child = spawn(process.execPath, [CLI, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', AYLA_EMAIL: sim.demo.email, AYLA_PASSWORD: sim.demo.password, AYLA_APP_ID: sim.demo.appId, AYLA_APP_SECRET: sim.demo.appSecret, ...env },
    });
    started.push(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    return { child, stdout: () => out, stderr: () => err, exit };
  }

  async function subscriptionsOnServer(): Promise<Subscription[]> {
    const { access_token } = await signIn(sim.url, sim.demo);
    return (await call<{ subscription: Subscription }[]>(sim.url, 'GET', '/api/v1/subscriptions.json', { token: access_token })).body.map((w) => w.subscription);
  }

  beforeEach(async () => {
    sim = await startSimulator({ port: 0, eventsPerSecond: 0, heartbeatMs: 200 });
  });
  afterEach(async () => {
    for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await sim.stop();
  });

  it('tail prints each event as one JSON line on stdout, nothing else, and cleans up on SIGINT', async () => {
    const tail = run(['tail', '--base-url', sim.url, '--events', 'datapoint,connectivity', '--heartbeat-ms', '200']);
    await waitFor('tail to start streaming', () => /streaming datapoint, connectivity/.test(tail.stderr()), 15_000);
    assert.equal((await subscriptionsOnServer()).length, 2);
    const dsn = sim.devices.list()[0]!.dsn;
    sim.devices.emitDatapoint(dsn, 'temperature', 23.25);
    sim.devices.setOnline(dsn, false);
    sim.devices.move(dsn); // not subscribed: must not appear
    sim.devices.emitDatapoint(dsn, 'status', 'a|b "quoted"\nline');
    await waitFor('three events on stdout', () => tail.stdout().split('\n').filter(Boolean).length >= 3, 10_000);
    tail.child.kill('SIGINT');
    assert.equal(await tail.exit, 0, tail.stderr());

    const lines = tail.stdout().split('\n').filter(Boolean);
    const events = lines.map((l) => JSON.parse(l) as { seq: string; metadata: { event_type: string; property_name?: string }; datapoint?: { value: unknown } });
    assert.deepEqual(events.map((e) => e.metadata.event_type).sort(), ['connectivity', 'datapoint', 'datapoint']);
    assert.equal(events.find((e) => e.metadata.property_name === 'temperature')?.datapoint?.value, 23.25);
    assert.equal(events.find((e) => e.metadata.property_name === 'status')?.datapoint?.value, 'a|b "quoted"\nline');
    assert.deepEqual(await subscriptionsOnServer(), [], 'tail deleted its subscriptions');
    assert.doesNotMatch(tail.stderr(), new RegExp(sim.demo.appSecret), 'the app secret never appears');
  });

  it('tail keeps going through dropped sockets without losing or repeating an event', async () => {
    const tail = run(['tail', '--base-url', sim.url, '--events', 'datapoint', '--heartbeat-ms', '200']);
    await waitFor('tail to start streaming', () => /streaming datapoint/.test(tail.stderr()), 15_000);
    for (let round = 0; round < 3; round++) {
      await waitFor('a live socket', () => sim.stats().sockets === 1, 10_000);
      await sim.flood(500);
      sim.faults.dropAllSockets();
    }
    await waitFor('1500 events', () => tail.stdout().split('\n').filter(Boolean).length >= 1500, 20_000);
    tail.child.kill('SIGTERM');
    assert.equal(await tail.exit, 0);
    const seqs = tail.stdout().split('\n').filter(Boolean).map((l) => Number((JSON.parse(l) as { seq: string }).seq));
    assert.deepEqual(seqs, Array.from({ length: 1500 }, (_, i) => i + 1));
    assert.match(tail.stderr(), /reconnecting/);
  });

  it('tail exits 3 with one clear sentence on a wrong password, and never prints it', async () => {
    const tail = run(['tail', '--base-url', sim.url], { AYLA_PASSWORD: 'wrong-password-5813' });
    assert.equal(await tail.exit, 3);
    assert.equal(tail.stdout(), '');
    assert.match(tail.stderr(), /wrong email or password/);
    assert.doesNotMatch(tail.stderr(), /wrong-password-5813/);
  });

  it('tail exits 4 when its stream cannot be recovered', async () => {
    const tail = run(['tail', '--base-url', sim.url, '--events', 'location', '--heartbeat-ms', '200']);
    await waitFor('tail to start streaming', () => /streaming location/.test(tail.stderr()), 15_000);
    // The key dies and no new subscription can be made.
    sim.faults.failRequests({ status: 503, pathPrefix: '/api/v1/subscriptions' });
    sim.faults.expireStreamKeys();
    assert.equal(await tail.exit, 4, tail.stderr());
    assert.match(tail.stderr(), /location stream failed: .*503/);
  });

  it('rejects bad arguments with exit 2 and a sentence naming the problem', async () => {
    const bad = run(['tail', '--base-url', sim.url, '--events', 'datapoint,bogus']);
    assert.equal(await bad.exit, 2);
    assert.match(bad.stderr(), /--events takes a comma list of connectivity, datapoint/);
    const missing = run(['devices', '--base-url', sim.url], { AYLA_EMAIL: '' });
    assert.equal(await missing.exit, 2);
    assert.match(missing.stderr(), /Missing email: pass --email or set AYLA_EMAIL/);
    const insecure = run(['devices', '--base-url', 'http://example.com']);
    assert.equal(await insecure.exit, 2);
    assert.match(insecure.stderr(), /https/);
  });

  it('devices lists every device with its properties and values', async () => {
    const { access_token } = await signIn(sim.url, sim.demo);
    const mine = (await call<{ device: { dsn: string } }[]>(sim.url, 'GET', '/apiv1/devices.json', { token: access_token })).body.map((w) => w.device.dsn);
    assert.equal(mine.length, 3);
    const table = run(['devices', '--base-url', sim.url]);
    assert.equal(await table.exit, 0, table.stderr());
    for (const dsn of mine) assert.match(table.stdout(), new RegExp(`^${dsn}  `, 'm'));
    assert.match(table.stdout(), /^ {2}Blue_LED +boolean +to device +0$/m);

    const json = run(['devices', '--base-url', sim.url, '--json']);
    assert.equal(await json.exit, 0);
    const rows = json.stdout().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { device: { dsn: string }; properties: { name: string }[] });
    assert.deepEqual(rows.map((r) => r.device.dsn), mine);
    assert.ok(rows[0]!.properties.some((p) => p.name === 'temperature'));
  });

  it('set changes a to-device value, and refuses a from-device one before sending anything', async () => {
    const dsn = sim.devices.list()[0]!.dsn;
    const set = run(['set', dsn, 'Blue_LED', 'on', '--base-url', sim.url]);
    assert.equal(await set.exit, 0, set.stderr());
    assert.equal((JSON.parse(set.stdout()) as { value: number }).value, 1);

    const refused = run(['set', dsn, 'Blue_button', '1', '--base-url', sim.url]);
    assert.equal(await refused.exit, 2);
    assert.match(refused.stderr(), /Blue_button is a from-device property/);

    const unknown = run(['set', dsn, 'No_such', '1', '--base-url', sim.url]);
    assert.equal(await unknown.exit, 2);
    assert.match(unknown.stderr(), /has no property "No_such"/);
  });
});
