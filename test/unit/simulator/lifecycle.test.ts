// Starting and stopping: options are checked, stop() closes everything and leaves no timers or sockets.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { startSimulator } from '../../../src/simulator';
import { call, createSubscription, signIn } from '../support/aylaHttp';
import { openStream } from '../support/streamClient';
import { waitFor } from '../support/waitFor';

/**
 * The leak check runs in a child process (this same bundle, started with SIMULATOR_LIFECYCLE_CHILD=1):
 * it starts a busy simulator, stops it, and must then exit ON ITS OWN. Any timer, server or socket
 * left behind keeps it alive, and the parent test fails.
 */
async function childScenario(): Promise<void> {
  const sim = await startSimulator({ eventsPerSecond: 50, heartbeatMs: 20, ackDelayMs: 5000 });
  const token = (await signIn(sim.url, sim.demo)).access_token;
  const s = await createSubscription(sim.url, token, { subscription_type: 'datapoint' });
  const client = await openStream(sim.url, s.stream_key);
  const idle = await createSubscription(sim.url, token, { subscription_type: 'location' });
  const dsn = sim.devices.list()[0]!.dsn;
  await call(sim.url, 'POST', `/apiv1/dsns/${dsn}/properties/setpoint/datapoints.json`, { token, json: { datapoint: { value: 20 } } }); // an ack pending
  sim.faults.delayResponses(60_000);
  const held = call(sim.url, 'GET', '/apiv1/devices.json', { token }).catch((error: unknown) => error);
  await waitFor('a heartbeat', () => client.heartbeats() > 0);
  const flood = sim.flood(1_000_000);
  await sim.stop();
  await flood;
  await client.closed;
  await held;
  void idle;
  process.stdout.write('stopped\n');
}

if (process.env.SIMULATOR_LIFECYCLE_CHILD === '1') {
  childScenario().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  });
} else {
describe('simulator: lifecycle', function () {
  this.timeout(15000);

  it('binds 127.0.0.1 on a free port and exposes the demo accounts', async () => {
    const sim = await startSimulator({ eventsPerSecond: 0 });
    try {
      assert.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(sim.url, `http://127.0.0.1:${sim.port}`);
      assert.equal(sim.streamUrl, `ws://127.0.0.1:${sim.port}/stream`);
      assert.deepEqual(sim.demo, { email: 'dev@example.com', password: 'simulator', appId: 'simulator-app', appSecret: 'simulator-secret' });
      assert.equal(sim.oemAdmin.email, 'admin@example.com');
      assert.deepEqual(sim.stats(), { sockets: 0, subscriptions: 0, eventsSent: 0, heartbeatsSent: 0, heartbeatAnswers: 0, eventsEmitted: 0, eventsSkipped: 0, eventsPerSecond: 0, bufferedBytes: 0 });
    } finally {
      await sim.stop();
    }
  });

  it('refuses bad options', async () => {
    await assert.rejects(startSimulator({ port: -1 }), RangeError);
    await assert.rejects(startSimulator({ heartbeatMs: 0 }), RangeError);
    await assert.rejects(startSimulator({ replayBufferSize: 0 }), RangeError);
    await assert.rejects(startSimulator({ eventsPerSecond: -1 }), RangeError);
  });

  it('stop() closes sockets (1001), ends held requests and floods, and never logs secrets', async () => {
    const lines: string[] = [];
    const sim = await startSimulator({ eventsPerSecond: 5, heartbeatMs: 20, log: (line) => lines.push(line) });
    const token = (await signIn(sim.url, sim.demo)).access_token;
    const s = await createSubscription(sim.url, token, { subscription_type: 'datapoint' });
    const client = await openStream(sim.url, s.stream_key);
    sim.faults.delayResponses(60_000);
    const held = call(sim.url, 'GET', '/apiv1/devices.json', { token }).catch((error: unknown) => error);
    await waitFor('a heartbeat', () => client.heartbeats() > 0);
    const flood = sim.flood(1_000_000); // still running when stop() comes
    await sim.stop();
    await sim.stop(); // idempotent
    await flood;
    assert.equal((await client.closed).code, 1001);
    assert.ok((await held) instanceof Error, 'the held request ends when the simulator stops');
    await assert.rejects(call(sim.url, 'GET', '/apiv1/devices.json', { token }));
    assert.ok(!lines.some((line) => line.includes(token) || line.includes(s.stream_key)), 'the log never shows a token or stream key in full');
    assert.ok(lines.some((line) => line.includes('stopped')));
  });

  it('stop() leaves no timers, servers or sockets: a process that used it exits by itself', async () => {
    const child = spawn(process.execPath, [__filename], { env: { ...process.env, SIMULATOR_LIFECYCLE_CHILD: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('close', (c, s) => resolve([c, s])));
    clearTimeout(killer);
    assert.equal(out.trim(), 'stopped', err);
    assert.equal(signal, null, 'the child had to be killed: something kept it alive after stop()');
    assert.equal(code, 0, err);
  });

  it('frees its port: a new simulator can take it', async () => {
    const first = await startSimulator({ eventsPerSecond: 0 });
    const port = first.port;
    await first.stop();
    const second = await startSimulator({ eventsPerSecond: 0, port });
    assert.equal(second.port, port);
    await second.stop();
  });
});
}
