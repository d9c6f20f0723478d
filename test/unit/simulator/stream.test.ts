// The /stream WebSocket: key checks at the upgrade, framing, the five event envelopes, seq, heartbeats,
// replay with seq_start/seq_end, and the subscription filters.
import { strict as assert } from 'node:assert';
import type { DatapointEvent, DssEventEnvelope, LocationEvent, RegistrationEvent } from '../../../src/ayla/wireTypes';
import { startSimulator, type Simulator } from '../../../src/simulator';
import { call, createSubscription, signIn } from '../support/aylaHttp';
import { fixtureEvent } from '../support/aylaFrames';
import { openStream, parseFrame, refusalStatus, seqs, streamUrl, UpgradeRefused, type StreamClient } from '../support/streamClient';
import { sleep, waitFor } from '../support/waitFor';

/** Key order of an object and, one level down, of each nested object (arrays and values ignored). */
function shape(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return typeof value;
  return Object.entries(value).map(([k, v]) => [k, typeof v === 'object' && v !== null && !Array.isArray(v) ? shape(v) : null]);
}

function assertContiguous(values: number[], from: number): void {
  values.forEach((seq, i) => assert.equal(seq, from + i, `seq #${i} is ${seq}, expected ${from + i} (no gap, no duplicate)`));
}

describe('simulator: the stream', function () {
  this.timeout(20000);
  let sim: Simulator;
  let token: string;
  let dsn: string;
  let dsns: string[];
  const open: StreamClient[] = [];
  const stream = async (key: string, options: Parameters<typeof openStream>[2] = {}): Promise<StreamClient> => {
    const client = await openStream(sim.url, key, options);
    open.push(client);
    return client;
  };

  before(async () => {
    sim = await startSimulator({ eventsPerSecond: 0, heartbeatMs: 60, heartbeatMissLimit: 3, ackDelayMs: 10 });
    token = (await signIn(sim.url, sim.demo)).access_token;
    dsns = sim.devices.list().slice(0, 3).map((d) => d.dsn);
    dsn = dsns[0]!;
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  after(() => sim.stop());

  describe('the upgrade', () => {
    it('refuses an unknown or missing stream key with 401', async () => {
      assert.equal(await refusalStatus(streamUrl(sim.url, 'f'.repeat(32))), 401);
      assert.equal(await refusalStatus(`${sim.url.replace('http', 'ws')}/stream`), 401);
    });

    it("refuses a deleted subscription's key with 401, and closes its open socket", async () => {
      const s = await createSubscription(sim.url, token);
      const client = await stream(s.stream_key);
      assert.equal((await call(sim.url, 'DELETE', `/api/v1/subscriptions/${s.id}.json`, { token })).status, 204);
      const closed = await client.closed;
      assert.equal(closed.code, 1008);
      assert.equal(await refusalStatus(streamUrl(sim.url, s.stream_key)), 401);
    });

    it('refuses a second socket on a key in use with 409; the key works again once the first closes', async () => {
      const s = await createSubscription(sim.url, token);
      const first = await stream(s.stream_key);
      await assert.rejects(openStream(sim.url, s.stream_key), (error: unknown) => error instanceof UpgradeRefused && error.status === 409 && /one socket per stream key/.test(error.body));
      assert.ok(first.isOpen(), 'the first socket stays open');
      await first.close();
      const again = await stream(s.stream_key);
      assert.ok(again.isOpen());
    });

    it('refuses other paths with 404 and a malformed seq_start with 400', async () => {
      const s = await createSubscription(sim.url, token);
      assert.equal(await refusalStatus(`${sim.url.replace('http', 'ws')}/streams?stream_key=${s.stream_key}`), 404);
      assert.equal(await refusalStatus(`${streamUrl(sim.url, s.stream_key)}&seq_start=abc`), 400);
      assert.equal(await refusalStatus(`${streamUrl(sim.url, s.stream_key)}&seq_end=-1`), 400);
    });
  });

  describe('frames and events', () => {
    it('frames every message as N|json with N the UTF-8 byte length, including multi-byte values', async () => {
      const s = await createSubscription(sim.url, token, { subscription_type: 'datapoint' });
      const client = await stream(s.stream_key);
      const text = 'Küche 21 °C ✓ 温度 🌡 | pipes | too';
      sim.devices.emitDatapoint(dsn, 'status', text);
      sim.devices.emitDatapoint(dsn, 'temperature', 21.5);
      const [multi, ascii] = (await client.waitForEvents(2)) as DatapointEvent[];
      assert.equal(multi!.datapoint.value, text);
      assert.equal(ascii!.datapoint.value, 21.5);
      const frames = client.frames.filter((f) => f !== '1|Z');
      for (const f of frames) {
        const { length, payload } = parseFrame(f);
        assert.equal(length, Buffer.byteLength(payload, 'utf8'));
        assert.equal(payload, JSON.stringify(JSON.parse(payload)), 'compact JSON');
      }
      const first = parseFrame(frames[0]!);
      assert.ok(first.length > first.payload.length, 'N counts bytes, not characters');
      assert.deepEqual(client.errors, []);
    });

    it('numbers events per subscription: string seq from "1", increasing by one', async () => {
      const a = await createSubscription(sim.url, token, { subscription_type: 'datapoint' });
      const clientA = await stream(a.stream_key);
      sim.devices.emitDatapoint(dsn, 'counter', 1);
      await clientA.waitForEvents(1);
      const b = await createSubscription(sim.url, token, { subscription_type: 'datapoint' });
      const clientB = await stream(b.stream_key);
      for (let i = 2; i <= 5; i++) sim.devices.emitDatapoint(dsn, 'counter', i);
      await clientA.waitForEvents(5);
      await clientB.waitForEvents(4);
      assert.ok(clientA.events.every((e) => typeof e.seq === 'string'));
      assertContiguous(seqs(clientA.events), 1);
      assertContiguous(seqs(clientB.events), 1);
    });

    it('sends all five event types with the envelopes of the captured frames (field order included)', async () => {
      const s = await createSubscription(sim.url, token, { subscription_type: 'connectivity,datapoint,datapointack,location,registration' as 'datapoint', property_name: 'setpoint' });
      const client = await stream(s.stream_key);
      sim.devices.setOnline(dsn, false);
      await call(sim.url, 'POST', `/apiv1/dsns/${dsn}/properties/setpoint/datapoints.json`, { token, json: { datapoint: { value: 21 } } });
      await client.waitForEvents(3); // connectivity, datapoint, datapointack
      sim.devices.move(dsn, 44.7695, -69.4283);
      sim.devices.register(dsn, false);
      sim.devices.register(dsn, true);
      const events = await client.waitForEvents(6);
      const byType = (type: string, i = 0): DssEventEnvelope => events.filter((e) => e.metadata.event_type === type)[i]!;
      const bodyKey: Record<string, string> = { connectivity: 'connection', datapoint: 'datapoint', datapointack: 'datapoint', location: 'location_event', registration: 'registration_event' };
      for (const type of ['connectivity', 'datapoint', 'datapointack', 'location', 'registration']) {
        const event = byType(type);
        assert.ok(event, `a ${type} event`);
        assert.deepEqual(Object.keys(event), ['seq', 'metadata', bodyKey[type]], type);
        assert.deepEqual(shape(event), shape(fixtureEvent(type, type === 'registration' ? false : undefined)), `${type} has the fixture's shape`);
        assert.equal(event.metadata.dsn, dsn);
        assert.equal(event.metadata.oem_id, '0dfc7900');
      }
      assert.equal((byType('connectivity') as { connection: { status: string } }).connection.status, 'Offline');
      const location = byType('location') as LocationEvent;
      assert.equal(location.location_event.lat, ' 44.769500');
      assert.equal(location.location_event.long, '-69.428300');
      const registered = byType('registration', 1) as RegistrationEvent;
      assert.deepEqual(Object.keys(registered.registration_event), ['dsn', 'user_uuid', 'registered', 'registration_type', 'registered_at']);
      assert.equal(registered.registration_event.registered, true);
      assert.equal(typeof registered.registration_event.user_uuid, 'string');
      assertContiguous(seqs(events), 1);
      sim.devices.setOnline(dsn, true);
    });
  });

  describe('heartbeats', () => {
    it('sends 1|Z; a subscriber answering "Z" stays open well past the miss limit', async () => {
      const s = await createSubscription(sim.url, token);
      const client = await stream(s.stream_key, { answer: 'Z' });
      await waitFor('10 heartbeats', () => client.heartbeats() >= 10);
      assert.ok(client.isOpen());
      assert.ok(sim.stats().heartbeatAnswers > 0);
    });

    it('accepts "1|Z" as an answer too', async () => {
      const s = await createSubscription(sim.url, token);
      const client = await stream(s.stream_key, { answer: '1|Z' });
      await waitFor('10 heartbeats', () => client.heartbeats() >= 10);
      assert.ok(client.isOpen());
    });

    it('closes a subscriber that answers none with 1008, and frees its key', async () => {
      const s = await createSubscription(sim.url, token);
      const client = await stream(s.stream_key, { answer: false });
      const closed = await client.closed;
      assert.equal(closed.code, 1008);
      assert.ok(client.heartbeats() >= 3, `heard ${client.heartbeats()} heartbeats before the close`);
      const again = await stream(s.stream_key);
      assert.ok(again.isOpen());
    });
  });

  describe('what subscribers send', () => {
    it('ignores other messages, and closes (1009) a socket that sends more than maxPayloadBytes', async () => {
      const s = await createSubscription(sim.url, token);
      const client = await stream(s.stream_key);
      client.ws.send('hello');
      client.ws.send('1|X');
      client.ws.send(Buffer.from([1, 2, 3]));
      await waitFor('2 heartbeats', () => client.heartbeats() >= 2);
      assert.ok(client.isOpen());
      client.ws.send('x'.repeat(64 * 1024 + 1));
      assert.equal((await client.closed).code, 1009);
    });
  });

  describe('replay', () => {
    it('replays from seq_start then continues live, with no gap or duplicate across a disconnect while events flow', async () => {
      const s = await createSubscription(sim.url, token, { subscription_type: 'datapoint' });
      // Connected before the first event: a client without seq_start gets only what happens after it connects.
      const first = await stream(s.stream_key);
      let value = 0;
      const timer = setInterval(() => {
        for (let i = 0; i < 5; i++) sim.devices.emitDatapoint(dsns[value % 3]!, 'counter', ++value);
      }, 5);
      try {
        await first.waitForEvents(30);
        await first.close();
        const lastSeen = seqs(first.events).at(-1)!;
        // Events keep happening while nobody is connected: they are buffered.
        const emitted = value;
        await waitFor('more events while disconnected', () => value >= emitted + 40);
        const second = await stream(s.stream_key, { seqStart: lastSeen + 1 });
        await second.waitForEvents(80);
        const all = [...seqs(first.events), ...seqs(second.events)];
        assertContiguous(all, 1);
        const values = [...first.events, ...second.events].map((e) => (e as DatapointEvent).datapoint.value);
        assertContiguous(values as number[], 1);
      } finally {
        clearInterval(timer);
      }
    });

    it('without seq_start sends only events from now on', async () => {
      const s = await createSubscription(sim.url, token, { subscription_type: 'datapoint' });
      sim.devices.emitDatapoint(dsn, 'counter', 100);
      sim.devices.emitDatapoint(dsn, 'counter', 101);
      const client = await stream(s.stream_key);
      sim.devices.emitDatapoint(dsn, 'counter', 102);
      const [event] = (await client.waitForEvents(1)) as DatapointEvent[];
      assert.equal(event!.seq, '3');
      assert.equal(event!.datapoint.value, 102);
    });

    it('honours seq_end: replays seq_start..seq_end, then live events', async () => {
      const s = await createSubscription(sim.url, token, { subscription_type: 'datapoint' });
      for (let i = 1; i <= 6; i++) sim.devices.emitDatapoint(dsn, 'counter', i);
      const client = await stream(s.stream_key, { seqStart: 2, seqEnd: 4 });
      await client.waitForEvents(3);
      sim.devices.emitDatapoint(dsn, 'counter', 7);
      const events = await client.waitForEvents(4);
      assert.deepEqual(seqs(events), [2, 3, 4, 7]);
    });

    it('starts from the oldest buffered event when seq_start is older than the bounded buffer', async () => {
      const small = await startSimulator({ eventsPerSecond: 0, replayBufferSize: 5 });
      try {
        const t = (await signIn(small.url, small.demo)).access_token;
        const s = await createSubscription(small.url, t, { subscription_type: 'datapoint' });
        const d = small.devices.list()[0]!.dsn;
        for (let i = 1; i <= 12; i++) small.devices.emitDatapoint(d, 'counter', i);
        const client = await openStream(small.url, s.stream_key, { seqStart: 1 });
        const events = await client.waitForEvents(5);
        assert.deepEqual(seqs(events), [8, 9, 10, 11, 12]);
        await sleep(50);
        assert.equal(client.events.length, 5);
        await client.close();
      } finally {
        await small.stop();
      }
    });
  });

  describe('filters', () => {
    it('lets through only the events matching oem_model, dsn and property_name', async () => {
      const models = new Map(sim.devices.list().map((d) => [d.dsn, d.oemModel]));
      const byModel = await createSubscription(sim.url, token, { subscription_type: 'datapoint', oem_model: 'linuxevb' });
      const byDsn = await createSubscription(sim.url, token, { subscription_type: 'datapoint', dsn: `${dsns[0]},${dsns[2]}` });
      const byProperty = await createSubscription(sim.url, token, { subscription_type: 'datapoint', property_name: 'temperature,counter' });
      const connectivity = await createSubscription(sim.url, token, { subscription_type: 'connectivity', property_name: 'temperature' });
      const clients = await Promise.all([byModel, byDsn, byProperty, connectivity].map((s) => stream(s.stream_key)));
      const emitted: { dsn: string; property: string }[] = [];
      for (const d of dsns) {
        for (const property of ['temperature', 'counter', 'status']) {
          sim.devices.emitDatapoint(d, property, property === 'status' ? 'ok' : 1);
          emitted.push({ dsn: d, property });
        }
      }
      sim.devices.setOnline(dsns[1]!, false);
      sim.devices.setOnline(dsns[1]!, true);
      const expect = {
        model: emitted.filter((e) => models.get(e.dsn) === 'linuxevb'),
        dsn: emitted.filter((e) => e.dsn === dsns[0] || e.dsn === dsns[2]),
        property: emitted.filter((e) => e.property !== 'status'),
      };
      assert.ok(expect.model.length > 0 && expect.model.length < emitted.length, 'the demo devices have more than one oem_model');
      const [modelClient, dsnClient, propertyClient, connectivityClient] = clients as [StreamClient, StreamClient, StreamClient, StreamClient];
      await connectivityClient.waitForEvents(2); // sent last: everything else has been dispatched
      await modelClient.waitForEvents(expect.model.length);
      await dsnClient.waitForEvents(expect.dsn.length);
      await propertyClient.waitForEvents(expect.property.length);
      await sleep(30);
      const seen = (c: StreamClient) => c.events.map((e) => ({ dsn: e.metadata.dsn, property: e.metadata.property_name }));
      assert.deepEqual(seen(modelClient), expect.model);
      assert.deepEqual(seen(dsnClient), expect.dsn);
      assert.deepEqual(seen(propertyClient), expect.property);
      // property_name does not filter events that have no property.
      assert.deepEqual(connectivityClient.events.map((e) => e.metadata.event_type), ['connectivity', 'connectivity']);
    });
  });
});
