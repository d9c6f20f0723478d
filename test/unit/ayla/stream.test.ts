// DssStream over real sockets. Against the simulator: decoded events of every type, heartbeat
// answers, the watchdog, reconnects that lose and duplicate nothing, gaps, 401 → a new key, garbage
// and oversized frames, and a stop() that leaves nothing running. Against a scripted ws server: what
// the simulator never does on purpose (duplicate seqs, an oversized event inside the sequence).
import { strict as assert } from 'node:assert';
import { createServer } from 'node:net';
import { EVENT_TYPES } from '../../../src/ayla/events';
import { DssStream, type DssStreamOptions } from '../../../src/ayla/stream';
import type { EventType } from '../../../src/ayla/wireTypes';
import { startSimulator, type Simulator } from '../../../src/simulator';
import { call, createSubscription, signIn } from '../support/aylaHttp';
import { recordStream, type StreamRecord } from '../support/dssStreamRecorder';
import { trackResources } from '../support/resourceTracker';
import { datapointPayload, startScriptedStreamServer, type ScriptedStreamServer, type StreamScript } from '../support/scriptedStreamServer';
import { sleep, waitFor } from '../support/waitFor';

const HEARTBEAT_MS = 100;

interface Opened {
  stream: DssStream;
  record: StreamRecord;
  key: string;
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('ayla/stream: DssStream against the simulator', function () {
  this.timeout(20000);
  let sim: Simulator;
  let token: string;
  let dsn: string;
  const streams: DssStream[] = [];

  async function open(sim: Simulator, token: string, eventType: EventType, options: Partial<DssStreamOptions> = {}): Promise<Opened> {
    const subscription = await createSubscription(sim.url, token, { subscription_type: eventType, name: `test-${eventType}` });
    const record = recordStream();
    const stream = new DssStream({
      eventType,
      url: sim.streamUrl,
      streamKey: subscription.stream_key,
      renewKey: () => Promise.reject(new Error('renewKey was not expected in this test.')),
      // A watchdog well above the simulator's 100 ms heartbeats, so a loaded machine never trips it
      // (the watchdog test sets the real interval).
      heartbeatIntervalMs: 10 * HEARTBEAT_MS,
      backoff: { initialMs: 40, maxMs: 400 },
      log: record.log,
      ...options,
    });
    streams.push(stream);
    record.attach(stream);
    return { stream, record, key: subscription.stream_key };
  }

  async function openLive(eventType: EventType, options: Partial<DssStreamOptions> = {}): Promise<Opened> {
    const opened = await open(sim, token, eventType, options);
    opened.stream.start();
    await opened.record.waitForState('live');
    return opened;
  }

  /** No log line or state reason mentions a stream key. */
  function assertRedacted(record: StreamRecord, ...keys: string[]): void {
    const texts = [...record.logs.map((l) => l.line), ...record.states.map((s) => ('reason' in s ? s.reason : ''))];
    for (const key of keys) for (const text of texts) assert.ok(!text.includes(key), `a stream key leaked: ${text}`);
  }

  before(async () => {
    sim = await startSimulator({ eventsPerSecond: 0, heartbeatMs: HEARTBEAT_MS, heartbeatMissLimit: 3, ackDelayMs: 10 });
    token = (await signIn(sim.url, sim.demo)).access_token;
    dsn = sim.devices.list()[0]!.dsn;
  });
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((s) => s.stop()));
    sim.faults.reset();
  });
  after(() => sim.stop());

  it('delivers all five event types decoded, one stream per subscription', async () => {
    const opened = new Map<EventType, Opened>();
    for (const type of EVENT_TYPES) opened.set(type, await openLive(type));
    const device = sim.devices.list()[0]!;
    sim.devices.emitDatapoint(dsn, 'temperature', 22.5);
    sim.devices.setOnline(dsn, !device.online);
    sim.devices.move(dsn, 44.7695, -69.4283);
    sim.devices.register(dsn, !device.registered);
    const set = await call(sim.url, 'POST', `/apiv1/dsns/${dsn}/properties/setpoint/datapoints.json`, { token, json: { datapoint: { value: 23 } } });
    assert.equal(set.status, 201, set.text);

    const first = async (type: EventType) => (await opened.get(type)!.record.waitForEvents(1))[0]!;
    const connectivity = await first('connectivity');
    assert.ok(connectivity.type === 'connectivity' && connectivity.status === (device.online ? 'Offline' : 'Online'), JSON.stringify(connectivity));
    const temperature = await first('datapoint');
    assert.ok(temperature.type === 'datapoint' && temperature.property === 'temperature' && temperature.value === 22.5 && temperature.baseType === 'decimal', temperature.raw);
    const ack = await first('datapointack');
    assert.ok(ack.type === 'datapointack' && ack.property === 'setpoint' && ack.value === 23 && ack.ackStatus === 200, ack.raw);
    const location = await first('location');
    assert.ok(location.type === 'location' && Math.abs(location.lat! - 44.7695) < 1e-6 && Math.abs(location.lng! + 69.4283) < 1e-6, location.raw);
    const registration = await first('registration');
    assert.ok(registration.type === 'registration' && registration.registered === !device.registered, registration.raw);
    for (const [type, { record, stream }] of opened) {
      const e = record.events[0]!;
      assert.equal(e.dsn, dsn, type);
      assert.equal(e.seq, 1, type);
      assert.equal(e.raw, JSON.stringify(JSON.parse(e.raw)), `${type}: raw is the compact payload as sent`);
      assert.equal(stream.lastSeq, record.events.at(-1)!.seq, type);
      assert.equal(stream.stats.undecodable, 0, type);
    }
  });

  it('answers every heartbeat, so the socket outlives the server’s miss limit', async () => {
    const { stream, record } = await openLive('datapoint');
    const answersBefore = sim.stats().heartbeatAnswers;
    // 12 heartbeats at 100 ms: four times the 3 misses after which the simulator closes a silent socket.
    await waitFor('12 heartbeats received', () => stream.stats.heartbeats >= 12, 10000);
    await waitFor('12 answers counted by the simulator', () => sim.stats().heartbeatAnswers >= answersBefore + 12, 10000);
    assert.equal(stream.stats.reconnects, 0, `reconnected: ${JSON.stringify(record.states)}`);
    assert.deepEqual(record.states.map((s) => s.kind), ['connecting', 'live']);
    assert.equal(stream.state.kind, 'live');
  });

  it('reconnects through the watchdog when the server goes silent, and comes back live', async () => {
    const { stream, record } = await openLive('datapoint', { heartbeatIntervalMs: HEARTBEAT_MS });
    const mark = record.states.length;
    sim.faults.stopHeartbeats(true);
    const reconnecting = await record.waitForState('reconnecting', mark);
    assert.ok(reconnecting.kind === 'reconnecting' && /sent nothing/.test(reconnecting.reason), JSON.stringify(reconnecting));
    sim.faults.stopHeartbeats(false);
    await record.waitForState('live', record.states.indexOf(reconnecting) + 1);
    await waitFor('live again', () => stream.state.kind === 'live' && stream.stats.heartbeats > 0);
    sim.devices.emitDatapoint(dsn, 'counter', 7);
    const [event] = await record.waitForEvents(1);
    assert.equal(event!.type, 'datapoint');
    assert.ok(stream.stats.reconnects >= 1);
  });

  it('loses and duplicates nothing across repeated socket drops while thousands of events flow', async () => {
    const { stream, record, key } = await openLive('datapoint');
    const emittedBefore = sim.stats().eventsEmitted;
    const rounds = 5;
    const perRound = 1000;
    let dropped = 0;
    for (let round = 0; round < rounds; round++) {
      const before = record.events.length;
      const flooding = sim.flood(perRound);
      // Drop only a socket that is live again after the previous drop (the old one's last frames can
      // still be arriving) and has delivered events of this round.
      await waitFor(`round ${round} flowing`, () => record.states.filter((s) => s.kind === 'live').length > round && stream.state.kind === 'live' && record.events.length > before, 10000, 1);
      dropped += sim.faults.dropAllSockets();
      await flooding;
    }
    const sent = sim.stats().eventsEmitted - emittedBefore;
    assert.equal(sent, rounds * perRound);
    await record.waitForEvents(sent, 15000);
    await waitFor('live after the last drop', () => record.states.filter((s) => s.kind === 'live').length > rounds && stream.state.kind === 'live');
    const seqs = record.events.map((e) => e.seq);
    const expected = Array.from({ length: sent }, (_, i) => i + 1);
    assert.deepEqual(seqs, expected, 'every seq exactly once, in order');
    assert.equal(stream.lastSeq, sent);
    assert.equal(stream.stats.events, sent);
    assert.equal(stream.stats.gaps, 0);
    assert.equal(dropped, rounds, 'each drop hit the live socket');
    assert.ok(stream.stats.reconnects >= rounds, `reconnects ${stream.stats.reconnects}`);
    const reconnecting = record.states.filter((s) => s.kind === 'reconnecting');
    assert.ok(reconnecting.length >= rounds);
    assert.ok(record.logs.some((l) => /seq_start=\d+/.test(l.line)), 'resumed with seq_start');
    assertRedacted(record, key);
  });

  it('reports a gap the server could not replay, and goes on', async () => {
    const small = await startSimulator({ eventsPerSecond: 0, heartbeatMs: HEARTBEAT_MS, replayBufferSize: 5 });
    try {
      const smallToken = (await signIn(small.url, small.demo)).access_token;
      const smallDsn = small.devices.list()[0]!.dsn;
      const { stream, record } = await open(small, smallToken, 'datapoint');
      stream.start();
      await record.waitForState('live');
      for (let i = 1; i <= 3; i++) small.devices.emitDatapoint(smallDsn, 'counter', i);
      await record.waitForEvents(3);
      assert.equal(small.faults.dropAllSockets(), 1);
      // While the stream is away: seqs 4–23, of which the 5-event buffer keeps only 19–23.
      for (let i = 4; i <= 23; i++) small.devices.emitDatapoint(smallDsn, 'counter', i);
      await record.waitForEvents(8);
      assert.deepEqual(record.gaps, [{ from: 4, to: 18 }]);
      assert.deepEqual(record.events.map((e) => e.seq), [1, 2, 3, 19, 20, 21, 22, 23]);
      assert.equal(stream.stats.gaps, 1);
      assert.ok(record.logs.some((l) => l.level === 'warn' && /seq 4–18 were lost/.test(l.line)));
      await stream.stop();
    } finally {
      await small.stop();
    }
  });

  it('on HTTP 401 at the upgrade, renews the key once and resumes on the new subscription without a false gap', async () => {
    const keys: string[] = [];
    let renewals = 0;
    const { stream, record, key } = await openLive('datapoint', {
      renewKey: async () => {
        renewals++;
        const renewed = await createSubscription(sim.url, token, { subscription_type: 'datapoint', name: 'test-renewed' });
        keys.push(renewed.stream_key);
        return renewed.stream_key;
      },
    });
    sim.devices.emitDatapoint(dsn, 'counter', 1);
    sim.devices.emitDatapoint(dsn, 'counter', 2);
    await record.waitForEvents(2);
    assert.equal(stream.lastSeq, 2);
    const mark = record.states.length;
    assert.ok(sim.faults.expireStreamKeys() >= 1);
    await waitFor('renewed and live', () => renewals === 1 && record.states.slice(mark).some((s) => s.kind === 'live') && stream.state.kind === 'live');
    assert.ok(record.states.slice(mark).some((s) => s.kind === 'reconnecting' && /401/.test(s.reason)));
    sim.devices.emitDatapoint(dsn, 'counter', 3);
    const events = await record.waitForEvents(3);
    assert.equal(events[2]!.seq, 1, 'the new subscription numbers from 1');
    assert.equal(stream.lastSeq, 1);
    assert.equal(stream.stats.gaps, 0);
    assert.equal(stream.stats.duplicatesDropped, 0);
    assert.equal(renewals, 1);
    assertRedacted(record, key, ...keys);
  });

  it('goes failed with renewKey’s message when renewing throws, and tries nothing more', async () => {
    let renewals = 0;
    const { stream, record } = await openLive('datapoint', {
      renewKey: () => {
        renewals++;
        return Promise.reject(new Error('Your Ayla session expired; sign in again.'));
      },
    });
    sim.faults.expireStreamKeys();
    const failed = await record.waitForState('failed');
    assert.deepEqual(failed, { kind: 'failed', reason: 'Your Ayla session expired; sign in again.' });
    const count = record.states.length;
    await sleep(4 * HEARTBEAT_MS);
    assert.equal(record.states.length, count, 'no state after failed');
    assert.equal(renewals, 1);
    await stream.stop();
    assert.equal(stream.state.kind, 'stopped');
  });

  it('never loops on a dead key: a renewed key refused again means failed', async () => {
    let renewals = 0;
    const { record } = await openLive('datapoint', {
      renewKey: () => {
        renewals++;
        return Promise.resolve('f'.repeat(32));
      },
    });
    sim.faults.expireStreamKeys();
    const failed = await record.waitForState('failed');
    assert.ok(failed.kind === 'failed' && /refused too \(HTTP 401\)/.test(failed.reason), JSON.stringify(failed));
    await sleep(4 * HEARTBEAT_MS);
    assert.equal(renewals, 1);
    assertRedacted(record, 'f'.repeat(32));
  });

  it('counts garbage frames and surfaces them raw, keeping the socket up', async () => {
    const { stream, record } = await openLive('datapoint');
    assert.equal(sim.faults.sendGarbage(16), 16);
    await waitFor('16 undecodable frames', () => record.undecodable.length >= 16);
    assert.equal(stream.stats.undecodable, 16);
    const raws = record.undecodable.map((f) => f.raw);
    assert.ok(raws.includes('abc|{}'), 'a non-numeric prefix, raw');
    assert.ok(raws.includes(''), 'an empty frame');
    assert.ok(raws.some((r) => r.startsWith('999|')), 'a datapoint frame without its body');
    assert.ok(record.undecodable.some((f) => /binary/.test(f.reason)), 'a binary frame');
    assert.ok(record.undecodable.some((f) => /not JSON/.test(f.reason)));
    for (const f of record.undecodable) assert.match(f.reason, /^[A-Z][^\n]*\.$/);
    sim.devices.emitDatapoint(dsn, 'counter', 1);
    const [event] = await record.waitForEvents(1);
    assert.equal(event!.seq, 1);
    assert.equal(stream.stats.reconnects, 0, 'garbage never closes the socket');
    assert.equal(stream.stats.events, 1);
    assert.equal(stream.state.kind, 'live');
  });

  it('reports a frame over maxPayloadBytes as undecodable, reconnects, and loses nothing', async () => {
    const { stream, record } = await openLive('datapoint', { maxPayloadBytes: 64 * 1024 });
    sim.devices.emitDatapoint(dsn, 'counter', 1);
    await record.waitForEvents(1);
    const mark = record.states.length;
    assert.equal(sim.faults.sendOversized(100_000), 1);
    await waitFor('the oversized frame reported', () => record.undecodable.length === 1);
    assert.match(record.undecodable[0]!.reason, /larger than 65536 bytes/);
    await record.waitForState('reconnecting', mark);
    await record.waitForState('live', mark);
    sim.devices.emitDatapoint(dsn, 'counter', 2);
    const events = await record.waitForEvents(2);
    assert.deepEqual(events.map((e) => e.seq), [1, 2]);
    assert.equal(stream.stats.gaps, 0);
    assert.equal(stream.stats.undecodable, 1);
  });

  it('delivers a large frame under maxPayloadBytes as an event outside the sequence', async () => {
    const { stream, record } = await openLive('datapoint');
    assert.equal(sim.faults.sendOversized(200_000), 1);
    const [event] = await record.waitForEvents(1);
    assert.ok(event!.type === 'datapoint' && typeof event!.value === 'string' && event!.value.length === 200_000);
    assert.equal(event!.seq, undefined, 'the simulator sends it without a seq');
    assert.equal(stream.lastSeq, undefined);
    assert.equal(stream.stats.reconnects, 0);
  });

  it('keeps retrying a refused connection with growing delays, each attempt a reconnecting state, until stop()', async () => {
    const port = await closedPort();
    const record = recordStream();
    const stream = new DssStream({
      eventType: 'connectivity',
      url: `ws://127.0.0.1:${port}/stream`,
      streamKey: 'a'.repeat(32),
      renewKey: () => Promise.reject(new Error('not expected')),
      backoff: { initialMs: 20, maxMs: 80, random: () => 1 },
      log: record.log,
    });
    streams.push(stream);
    record.attach(stream);
    stream.start();
    await waitFor('4 attempts', () => record.states.filter((s) => s.kind === 'reconnecting').length >= 4);
    const attempts = record.states.filter((s) => s.kind === 'reconnecting');
    assert.deepEqual(attempts.slice(0, 4).map((s) => [s.attempt, s.delayMs]), [[1, 20], [2, 40], [3, 80], [4, 80]]);
    assert.match(attempts[0]!.reason, /ECONNREFUSED/);
    assert.equal(record.states[0]!.kind, 'connecting');
    await stream.stop();
    const count = record.states.length;
    assert.deepEqual(record.states.at(-1), { kind: 'stopped' });
    await sleep(200);
    assert.equal(record.states.length, count, 'nothing after stopped: the retry timer is cancelled');
    assertRedacted(record, 'a'.repeat(32));
    assert.ok(record.logs.some((l) => l.line.includes('stream_key=***')));
  });

  it('keeps delivering when a listener throws, and logs the error', async () => {
    const { stream, record } = await open(sim, token, 'datapoint');
    stream.onEvent(() => {
      throw new Error('listener bug');
    });
    stream.start();
    await record.waitForState('live');
    sim.devices.emitDatapoint(dsn, 'counter', 1);
    sim.devices.emitDatapoint(dsn, 'counter', 2);
    await record.waitForEvents(2);
    assert.ok(record.logs.some((l) => l.level === 'error' && /listener bug/.test(l.line)));
    assert.equal(stream.state.kind, 'live');
  });

  it('is stopped before start() and after stop(), and cannot be restarted', async () => {
    const { stream, record } = await open(sim, token, 'datapoint');
    assert.equal(stream.state.kind, 'stopped');
    stream.start();
    await stream.stop();
    assert.equal(stream.state.kind, 'stopped');
    assert.deepEqual(record.states.at(-1), { kind: 'stopped' });
    assert.throws(() => stream.start(), /stopped/);
    await stream.stop(); // twice is harmless
  });

  it('stop() leaves no timer or socket of the stream behind (live, reconnecting and mid-connect streams)', async () => {
    const tracker = trackResources(/DssStream|closeGracefully/);
    try {
      // Long watchdog and retry delays: a timer that stop() failed to cancel would outlive the wait below.
      const live = await open(sim, token, 'datapoint', { heartbeatIntervalMs: 60_000 });
      live.stream.start();
      await live.record.waitForState('live');
      sim.faults.dropAllSockets(); // exercise the retry timer and a second socket
      await waitFor('live again', () => live.record.states.filter((s) => s.kind === 'live').length >= 2);
      const retrying = new DssStream({
        eventType: 'location',
        url: `ws://127.0.0.1:${await closedPort()}/stream`,
        streamKey: 'b'.repeat(32),
        renewKey: () => Promise.reject(new Error('not expected')),
        backoff: { initialMs: 60_000 },
      });
      const connecting = await open(sim, token, 'registration');
      retrying.start();
      await waitFor('retrying', () => retrying.state.kind === 'reconnecting');
      connecting.stream.start(); // stopped while its upgrade is in flight
      await Promise.all([live.stream.stop(), retrying.stop(), connecting.stream.stop()]);
      for (const s of [live.stream, retrying, connecting.stream]) assert.equal(s.state.kind, 'stopped');
      assert.ok(tracker.tracked >= 5, `only ${tracker.tracked} resources tracked: the tracker does not see the stream's`);
      await waitFor('no resource of the streams alive', () => tracker.alive().length === 0, 5000).catch(() => assert.fail(`alive after stop(): ${tracker.alive().join(' | ')}`));
    } finally {
      tracker.dispose();
    }
  });
});

describe('ayla/stream: DssStream against a scripted server', function () {
  this.timeout(20000);
  let server: ScriptedStreamServer | undefined;
  let stream: DssStream | undefined;

  async function run(script: StreamScript, options: Partial<DssStreamOptions> = {}): Promise<{ stream: DssStream; record: StreamRecord; server: ScriptedStreamServer }> {
    server = await startScriptedStreamServer(script);
    const record = recordStream();
    stream = new DssStream({
      eventType: 'datapoint',
      url: server.streamUrl,
      streamKey: 'c'.repeat(32),
      renewKey: () => Promise.reject(new Error('not expected')),
      heartbeatIntervalMs: 10_000, // this server sends no heartbeats
      backoff: { initialMs: 20, maxMs: 100 },
      log: record.log,
      ...options,
    });
    record.attach(stream);
    stream.start();
    return { stream, record, server };
  }

  afterEach(async () => {
    await stream?.stop();
    await server?.close();
    stream = undefined;
    server = undefined;
  });

  it("drops duplicate seqs, reports a gap inside a connection, answers 1|Z with 'Z' only, and resumes at lastSeq+1", async () => {
    const { stream, record, server } = await run({
      onConnection(c) {
        if (c.index === 0) {
          for (const seq of [1, 2, 3, 2, 3]) c.sendPayload(datapointPayload(seq));
          c.ws.send('1|X');
          c.ws.send('1|Z');
          c.sendPayload(datapointPayload(4), 9999); // a wrong length is flagged, not rejected
          c.sendPayload(datapointPayload(6));
          setTimeout(() => c.ws.terminate(), 100);
        } else {
          c.sendPayload(datapointPayload(7));
        }
      },
    });
    await record.waitForEvents(6);
    assert.deepEqual(record.events.map((e) => e.seq), [1, 2, 3, 4, 6, 7]);
    assert.equal(stream.stats.duplicatesDropped, 2);
    assert.deepEqual(record.gaps, [{ from: 5, to: 5 }]);
    assert.equal(server.upgrades[0]!.searchParams.get('seq_start'), '0', 'a fresh start replays what the new subscription already holds');
    assert.equal(server.upgrades[1]!.searchParams.get('seq_start'), '7');
    assert.equal(server.upgrades[1]!.searchParams.get('stream_key'), 'c'.repeat(32));
    assert.deepEqual(server.connections[0]!.received, ['Z'], 'one answer, to the heartbeat only');
    assert.equal(stream.stats.heartbeats, 1);
  });

  it('keeps the socket for a text frame that is not valid UTF-8: the event arrives with U+FFFD for the bad bytes, logged once', async () => {
    const { stream, record, server } = await run({
      onConnection(c) {
        c.sendPayload(datapointPayload(1, 'ok'));
        // A string value with the byte 0xFF in it (never valid in UTF-8), sent as a text frame.
        for (const seq of [2, 3]) {
          const [head, tail] = datapointPayload(seq, 'bad#byte').split('#') as [string, string];
          const payload = Buffer.concat([Buffer.from(head), Buffer.from([0xff]), Buffer.from(tail)]);
          c.ws.send(Buffer.concat([Buffer.from(`${payload.length}|`), payload]), { binary: false });
        }
        c.sendPayload(datapointPayload(4, 'ok'));
      },
    });
    await record.waitForEvents(4);
    assert.deepEqual(record.events.map((e) => e.seq), [1, 2, 3, 4]);
    const bad = record.events[1]!;
    assert.equal(bad.type === 'datapoint' && bad.value, 'bad\uFFFDbyte');
    assert.ok(bad.raw.includes('"value":"bad\uFFFDbyte"'), bad.raw);
    assert.equal(server.connections.length, 1, 'no reconnect: ws would have closed with 1007');
    assert.equal(stream.stats.undecodable, 0);
    assert.equal(record.logs.filter((l) => l.level === 'warn' && /not valid UTF-8/.test(l.line)).length, 1, record.logs.map((l) => l.line).join('\n'));
  });

  it('replays from seq 0 when a connection that saw no event yet is lost', async () => {
    const { server, record } = await run({
      onConnection(c) {
        if (c.index === 0) setTimeout(() => c.ws.terminate(), 50);
        else c.sendPayload(datapointPayload(0));
      },
    });
    await record.waitForEvents(1);
    assert.equal(server.upgrades[1]!.searchParams.get('seq_start'), '0');
  });

  it('skips an event that is oversized twice in a row (reporting it as a gap) instead of reconnecting forever', async () => {
    const huge = datapointPayload(2, 'x'.repeat(70 * 1024));
    const { stream, record, server } = await run(
      {
        onConnection(c) {
          const start = c.url.searchParams.get('seq_start');
          if (start === '0') {
            c.sendPayload(datapointPayload(1));
            c.sendPayload(huge);
          } else if (start === '2') {
            c.sendPayload(huge);
          } else {
            c.sendPayload(datapointPayload(Number(start)));
          }
        },
      },
      { maxPayloadBytes: 64 * 1024 },
    );
    await record.waitForEvents(2);
    assert.deepEqual(server.upgrades.map((u) => u.searchParams.get('seq_start')), ['0', '2', '3']);
    assert.deepEqual(record.events.map((e) => e.seq), [1, 3]);
    assert.deepEqual(record.gaps, [{ from: 2, to: 2 }]);
    assert.equal(stream.stats.undecodable, 2);
  });

  it('retries an upgrade refused with a status other than 401 (e.g. 409 key in use) without renewing the key', async () => {
    const { stream, record, server } = await run({
      refuse: (_url, index) => (index < 2 ? 409 : undefined),
      onConnection: (c) => c.sendPayload(datapointPayload(1)),
    });
    await record.waitForEvents(1);
    const reasons = record.states.flatMap((s) => (s.kind === 'reconnecting' ? [s.reason] : []));
    assert.equal(reasons.length, 2);
    for (const reason of reasons) assert.match(reason, /HTTP 409/);
    assert.equal(server.upgrades.length, 3);
    assert.equal(stream.state.kind, 'live');
  });
});
