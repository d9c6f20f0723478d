// The rate knob, the simulated devices' own behaviour, and flood().
import { strict as assert } from 'node:assert';
import type { DatapointEvent } from '../../../src/ayla/wireTypes';
import { startSimulator, type Simulator } from '../../../src/simulator';
import { createSubscription, signIn } from '../support/aylaHttp';
import { openStream, seqs, type StreamClient } from '../support/streamClient';
import { sleep, waitFor } from '../support/waitFor';

const ALL_TYPES = 'connectivity,datapoint,datapointack,location,registration';

describe('simulator: devices, rate and flood', function () {
  this.timeout(25000);
  const clients: StreamClient[] = [];
  let sim: Simulator | undefined;
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await sim?.stop();
    sim = undefined;
  });

  it('devices emit all five event types on their own', async () => {
    sim = await startSimulator({ eventsPerSecond: 10, seed: 7 });
    const token = (await signIn(sim.url, sim.demo)).access_token;
    const s = await createSubscription(sim.url, token, { subscription_type: ALL_TYPES as 'datapoint' });
    const client = await openStream(sim.url, s.stream_key);
    clients.push(client);
    const types = ['connectivity', 'datapoint', 'datapointack', 'location', 'registration'];
    await waitFor('all five event types', () => types.every((t) => client.events.some((e) => e.metadata.event_type === t)), 10000);
    const properties = new Set(client.events.filter((e) => e.metadata.event_type === 'datapoint').map((e) => e.metadata.property_name));
    for (const name of ['temperature', 'Blue_button']) assert.ok(properties.has(name), `${name} changes on its own`);
    const temperatures = client.events.filter((e) => e.metadata.property_name === 'temperature').map((e) => (e as DatapointEvent).datapoint.value);
    assert.ok(temperatures.every((t) => typeof t === 'number' && t >= 15 && t <= 30), 'a plausible drifting temperature');
    assert.deepEqual(seqs(client.events), client.events.map((_, i) => i + 1));
    assert.deepEqual(client.errors, []);
  });

  it('behaves the same for the same seed', async () => {
    const run = async (): Promise<unknown[]> => {
      const s1 = await startSimulator({ eventsPerSecond: 0, seed: 42 });
      try {
        const token = (await signIn(s1.url, s1.demo)).access_token;
        const s = await createSubscription(s1.url, token, { subscription_type: 'location' });
        const client = await openStream(s1.url, s.stream_key);
        const dsn = s1.devices.list()[0]!.dsn;
        for (let i = 0; i < 5; i++) s1.devices.move(dsn);
        const events = await client.waitForEvents(5);
        await client.close();
        return events.map((e) => (e as { location_event: { lat: string; long: string } }).location_event.lat);
      } finally {
        await s1.stop();
      }
    };
    assert.deepEqual(await run(), await run());
  });

  it('setRate drives events per device per second; 0 stops them', async () => {
    sim = await startSimulator({ eventsPerSecond: 0, ackDelayMs: 10 });
    const token = (await signIn(sim.url, sim.demo)).access_token;
    const s = await createSubscription(sim.url, token, { subscription_type: ALL_TYPES as 'datapoint' });
    const client = await openStream(sim.url, s.stream_key);
    clients.push(client);
    await sleep(250);
    assert.equal(client.events.length, 0, 'quiet at rate 0');
    sim.setRate(500);
    await client.waitForEvents(300);
    sim.setRate(0);
    await sleep(150);
    const settled = client.events.length;
    await sleep(300);
    assert.equal(client.events.length, settled, 'quiet again after setRate(0)');
    assert.equal(sim.stats().eventsPerSecond, 0);
    assert.throws(() => sim!.setRate(-1), RangeError);
  });

  it('emits far more events per second than a subscriber takes, without unbounded buffering', async () => {
    sim = await startSimulator({ eventsPerSecond: 0, devices: 50, replayBufferSize: 20000 });
    const token = (await signIn(sim.url, sim.demo)).access_token;
    const s = await createSubscription(sim.url, token, { subscription_type: 'datapoint' });
    const client = await openStream(sim.url, s.stream_key);
    clients.push(client);
    client.ws.pause(); // a subscriber that stops reading
    sim.setRate(2000); // 102 000 events/s over 51 devices
    await waitFor('events skipped for the stalled subscriber', () => sim!.stats().eventsSkipped > 0, 15000);
    sim.setRate(0);
    const stats = sim.stats();
    assert.ok(stats.eventsEmitted > stats.eventsSent, `${stats.eventsEmitted} emitted, ${stats.eventsSent} handed to the stalled socket`);
    assert.ok(stats.bufferedBytes < 1024 * 1024, `only a bounded amount is queued for the stalled socket (${stats.bufferedBytes} bytes)`);
    client.ws.resume();
    await waitFor('the socket drains', () => client.events.length > 0);
    const values = seqs(client.events);
    for (let i = 1; i < values.length; i++) assert.ok(values[i]! > values[i - 1]!, 'seq keeps increasing (the gap shows the loss)');
  });

  it('flood(count) delivers exactly count frames, in order, to every live stream, even past the replay buffer size', async () => {
    sim = await startSimulator({ eventsPerSecond: 0, replayBufferSize: 500 });
    const token = (await signIn(sim.url, sim.demo)).access_token;
    const a = await createSubscription(sim.url, token, { subscription_type: 'datapoint' });
    const b = await createSubscription(sim.url, token, { subscription_type: 'datapoint', property_name: 'counter' });
    const idle = await createSubscription(sim.url, token, { subscription_type: 'location' });
    const clientA = await openStream(sim.url, a.stream_key);
    const clientB = await openStream(sim.url, b.stream_key);
    const clientIdle = await openStream(sim.url, idle.stream_key);
    clients.push(clientA, clientB, clientIdle);
    const count = 20000;
    await sim.flood(count);
    for (const client of [clientA, clientB]) {
      await client.waitForEvents(count, 15000);
      assert.equal(client.events.length, count);
      assert.deepEqual(seqs(client.events), Array.from({ length: count }, (_, i) => i + 1));
      assert.deepEqual(client.errors, []);
    }
    // Each demo device's counter goes up by one per flood event of that device.
    const perDevice = new Map<string, number[]>();
    for (const e of clientA.events as DatapointEvent[]) perDevice.set(e.metadata.dsn, [...(perDevice.get(e.metadata.dsn) ?? []), e.datapoint.value as number]);
    assert.equal(perDevice.size, 3);
    for (const values of perDevice.values()) values.forEach((v, i) => i > 0 && assert.equal(v, values[i - 1]! + 1));
    assert.equal(clientIdle.events.length, 0, 'a location subscription gets no datapoints');
    assert.equal(sim.stats().eventsSkipped, 0);
  });
});
