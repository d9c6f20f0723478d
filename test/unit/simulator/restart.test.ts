// Stopping a simulator and starting another on the same port and world (the fault matrix's "killed and
// restarted" row): what a real cloud keeps across an outage — tokens, subscriptions, stream keys, seq
// counters and replay buffers — is still there; a stream opened while a simulator is stopping is refused
// instead of outliving it; per-subscription sequences and extra properties per device.
import { strict as assert } from 'node:assert';
import WebSocket from 'ws';
import { startSimulator } from '../../../src/simulator';
import { call, createSubscription, signIn } from '../support/aylaHttp';
import { openStream, seqs, streamUrl } from '../support/streamClient';
import { waitFor } from '../support/waitFor';

describe('simulator: restart on the same world', function () {
  this.timeout(20_000);

  it('keeps tokens, subscriptions, stream keys and seqs across a stop and a start on the same port', async () => {
    const first = await startSimulator({ eventsPerSecond: 0 });
    const token = (await signIn(first.url, first.demo)).access_token;
    const subscription = await createSubscription(first.url, token, { subscription_type: 'location' });
    const dsn = first.devices.list()[0]!.dsn;
    for (let i = 0; i < 3; i++) first.devices.move(dsn);
    const port = first.port;
    const world = first.world;
    await first.stop();

    const second = await startSimulator({ port, world, eventsPerSecond: 0 });
    try {
      assert.equal(second.url, first.url);
      // (A pooled keep-alive connection to the stopped simulator may fail once: that is the client's pool, not the token.)
      const list = (): ReturnType<typeof call<unknown[]>> => call<unknown[]>(second.url, 'GET', '/apiv1/devices.json', { token });
      const devices = await list().catch(list);
      assert.equal(devices.status, 200, 'the access token still works');
      second.devices.move(dsn);
      const client = await openStream(second.url, subscription.stream_key, { seqStart: 2 });
      const events = await client.waitForEvents(3);
      assert.deepEqual(seqs(events), [2, 3, 4], 'the replay buffer and the seq counter carried over');
      await client.close();
      assert.deepEqual(
        second.sequences().map((s) => ({ id: s.id, lastSeq: s.lastSeq, deleted: s.deleted })),
        [{ id: subscription.id, lastSeq: 4, deleted: false }],
      );
      const next = await createSubscription(second.url, token, { subscription_type: 'datapoint' });
      assert.ok(next.id > subscription.id, 'subscription ids go on where they were');
      await call(second.url, 'DELETE', `/api/v1/subscriptions/${subscription.id}.json`, { token });
      assert.deepEqual(second.sequences().find((s) => s.id === subscription.id), { id: subscription.id, name: subscription.name, subscriptionType: 'location', lastSeq: 4, deleted: true }, 'a deleted subscription keeps its record');
    } finally {
      await second.stop();
    }
  });

  it('refuses a world still in use by a running simulator', async () => {
    const sim = await startSimulator({ eventsPerSecond: 0 });
    try {
      await assert.rejects(startSimulator({ world: sim.world }), /still in use/);
    } finally {
      await sim.stop();
    }
  });

  it('refuses a stream opened while it is stopping, so nothing outlives stop()', async () => {
    const sim = await startSimulator({ eventsPerSecond: 0 });
    const token = (await signIn(sim.url, sim.demo)).access_token;
    const slow = await createSubscription(sim.url, token, { subscription_type: 'location' });
    const other = await createSubscription(sim.url, token, { subscription_type: 'connectivity' });
    // A subscriber that does not read: the simulator waits for its close for a while, the window in which
    // another stream tries to open.
    const stuck = await openStream(sim.url, slow.stream_key);
    (stuck.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const stopping = sim.stop();
    const late = new WebSocket(streamUrl(sim.url, other.stream_key));
    const outcome = await new Promise<string>((resolve) => {
      late.on('open', () => resolve('open'));
      late.on('error', () => resolve('refused'));
      late.on('unexpected-response', () => resolve('refused'));
    });
    await stopping;
    late.terminate();
    stuck.ws.terminate();
    assert.equal(outcome, 'refused');
    await waitFor('the late socket closed', () => late.readyState === WebSocket.CLOSED);
  });

  it('gives devices extra sensor properties on request (propertiesPerDevice), and the devices report them', async () => {
    const sim = await startSimulator({ eventsPerSecond: 0, devices: 2, propertiesPerDevice: 30 });
    try {
      const info = sim.devices.list();
      assert.ok(info.every((d) => d.properties.length === 30));
      assert.ok(info[0]!.properties.includes('sensor_19') && !info[0]!.properties.includes('sensor_20'));
      await assert.rejects(startSimulator({ propertiesPerDevice: 10 }), RangeError);
      await assert.rejects(startSimulator({ propertiesPerDevice: 101 }), RangeError);
      const token = (await signIn(sim.url, sim.demo)).access_token;
      const s = await createSubscription(sim.url, token, { subscription_type: 'datapoint', property_name: 'sensor_01,sensor_02' });
      const client = await openStream(sim.url, s.stream_key);
      sim.setRate(200);
      const events = await client.waitForEvents(4);
      sim.setRate(0);
      await client.close();
      assert.ok(events.every((e) => e.metadata.property_name === 'sensor_01' || e.metadata.property_name === 'sensor_02'));
    } finally {
      await sim.stop();
    }
  });
});
