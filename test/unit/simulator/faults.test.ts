// Every fault switch, in-process, and every one again through the HTTP control plane.
import { strict as assert } from 'node:assert';
import type { DatapointEvent, SignInResponse } from '../../../src/ayla/wireTypes';
import { startSimulator, type Simulator, type SimulatorStats } from '../../../src/simulator';
import { apiErrorMessage, call, createSubscription, signIn, signInBody, userErrorMessage } from '../support/aylaHttp';
import { openStream, parseFrame, refusalStatus, streamUrl, type StreamClient } from '../support/streamClient';
import { sleep, waitFor } from '../support/waitFor';

interface Ok {
  ok: boolean;
  [key: string]: unknown;
}

describe('simulator: fault switches', function () {
  this.timeout(20000);
  let sim: Simulator;
  let token: string;
  let dsn: string;
  const open: StreamClient[] = [];
  const streamNew = async (options: Parameters<typeof openStream>[2] = {}): Promise<{ client: StreamClient; key: string }> => {
    const s = await createSubscription(sim.url, token, { subscription_type: 'datapoint' });
    const client = await openStream(sim.url, s.stream_key, options);
    open.push(client);
    return { client, key: s.stream_key };
  };
  const control = <T = Ok>(path: string, json?: unknown) => call<T>(sim.url, 'POST', `/_simulator/${path}`, json === undefined ? {} : { json });

  beforeEach(async () => {
    sim = await startSimulator({ eventsPerSecond: 0, heartbeatMs: 50, heartbeatMissLimit: 3 });
    token = (await signIn(sim.url, sim.demo)).access_token;
    dsn = sim.devices.list()[0]!.dsn;
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
    await sim.stop();
  });

  describe('in-process', () => {
    it('dropAllSockets cuts every socket (1006); the keys still work', async () => {
      const { client, key } = await streamNew();
      const second = await streamNew();
      assert.equal(sim.faults.dropAllSockets(), 2);
      assert.equal((await client.closed).code, 1006);
      assert.equal((await second.client.closed).code, 1006);
      assert.equal(sim.stats().sockets, 0);
      const again = await openStream(sim.url, key);
      open.push(again);
      assert.ok(again.isOpen());
    });

    it('stopHeartbeats(true) stops 1|Z (and the miss count); false resumes them', async () => {
      const { client } = await streamNew({ answer: false });
      await waitFor('a heartbeat', () => client.heartbeats() >= 1);
      sim.faults.stopHeartbeats(true);
      await sleep(60);
      const heard = client.heartbeats();
      await sleep(400); // 8 intervals: a silent subscriber would have been closed after 4
      assert.equal(client.heartbeats(), heard, 'no heartbeat while stopped');
      assert.ok(client.isOpen(), 'missed answers are not counted while heartbeats are stopped');
      sim.faults.stopHeartbeats(false);
      await waitFor('heartbeats again', () => client.heartbeats() > heard);
      assert.equal((await client.closed).code, 1008, 'a silent subscriber is closed once heartbeats resume');
    });

    it('sendGarbage sends broken frames of every kind; the socket stays up and real events still flow', async () => {
      const { client } = await streamNew();
      assert.equal(sim.faults.sendGarbage(16), 16);
      sim.devices.emitDatapoint(dsn, 'counter', 42);
      await waitFor('the real event after the garbage', () => client.events.some((e) => (e as DatapointEvent).datapoint?.value === 42));
      assert.equal(client.binaryFrames.length, 2, 'random bytes arrive as binary frames');
      const broken = client.frames.filter((f) => f !== '1|Z' && !f.includes('"counter"'));
      assert.equal(broken.length, 14);
      assert.ok(broken.includes(''), 'an empty frame');
      assert.ok(broken.some((f) => !f.includes('|')), 'a frame without a length prefix');
      assert.ok(broken.some((f) => /^\d+\|/.test(f) && (() => { try { parseFrame(f); return false; } catch { return true; } })()), 'a wrong length prefix');
      assert.ok(broken.some((f) => { try { JSON.parse(parseFrame(f).payload); return false; } catch { return /^\d+\|/.test(f) && Number(f.split('|')[0]) === Buffer.byteLength(f.slice(f.indexOf('|') + 1)); } }), 'a well-framed non-JSON payload');
      assert.equal(client.errors.length, 14, 'every broken text frame was rejected by the strict test parser');
      assert.ok(client.isOpen());
      assert.equal(client.events.length, 1);
    });

    it('sendOversized sends one well-framed frame above the size; a client with a smaller maxPayload gives up on it', async () => {
      const { client } = await streamNew();
      const small = await streamNew({ maxPayload: 50_000 });
      assert.equal(sim.faults.sendOversized(100_000), 2);
      await waitFor('the big frame', () => client.frames.some((f) => f.length > 100_000));
      const big = client.frames.find((f) => f.length > 100_000)!;
      const { payload } = parseFrame(big);
      assert.equal((JSON.parse(payload) as { metadata: { event_type: string } }).metadata.event_type, 'datapoint');
      assert.ok(client.isOpen());
      // The small client refuses the frame (it sends close 1009 and stops reading, so it sees 1006 itself).
      await small.client.closed;
      assert.ok(small.client.errors.some((e) => /max payload/i.test(e)), small.client.errors.join('; '));
    });

    it('expireAccessTokens makes every access token answer 401; refresh still works', async () => {
      const tokens = await signIn(sim.url, sim.demo);
      assert.ok(sim.faults.expireAccessTokens() >= 2);
      for (const t of [token, tokens.access_token]) {
        const reply = await call(sim.url, 'GET', '/apiv1/devices.json', { token: t });
        assert.equal(reply.status, 401);
        assert.match(apiErrorMessage(reply.body), /expired/);
      }
      const profile = await call(sim.url, 'GET', '/users/get_user_profile.json', { token: tokens.access_token });
      assert.match(userErrorMessage(profile.body), /expired/);
      const refreshed = await call<SignInResponse>(sim.url, 'POST', '/users/refresh_token.json', { json: { user: { refresh_token: tokens.refresh_token } } });
      assert.equal(refreshed.status, 200);
      assert.equal((await call(sim.url, 'GET', '/apiv1/devices.json', { token: refreshed.body.access_token })).status, 200);
    });

    it('expireStreamKeys closes open sockets (1008) and refuses the keys with 401; new subscriptions work', async () => {
      const { client, key } = await streamNew();
      const idle = await createSubscription(sim.url, token);
      assert.equal(sim.faults.expireStreamKeys(), 2);
      assert.equal((await client.closed).code, 1008);
      assert.equal(await refusalStatus(streamUrl(sim.url, key)), 401);
      assert.equal(await refusalStatus(streamUrl(sim.url, idle.stream_key)), 401);
      const fresh = await streamNew();
      assert.ok(fresh.client.isOpen());
    });

    it('failRequests answers the given status count times, then recovers', async () => {
      for (const status of [500, 502, 503, 429] as const) {
        sim.faults.failRequests({ status, count: 2 });
        for (let i = 0; i < 2; i++) {
          const reply = await call(sim.url, 'GET', '/apiv1/devices.json', { token });
          assert.equal(reply.status, status);
          apiErrorMessage(reply.body);
          if (status === 429) assert.equal(reply.headers['retry-after'], '1');
        }
        assert.equal((await call(sim.url, 'GET', '/apiv1/devices.json', { token })).status, 200);
      }
      // User-service failures keep the user-service error shape.
      sim.faults.failRequests({ status: 503, count: 1 });
      userErrorMessage((await call(sim.url, 'POST', '/users/sign_in.json', { json: signInBody(sim.demo) })).body);
      assert.throws(() => sim.faults.failRequests({ status: 404 as 500 }), RangeError);
    });

    it('failRequests with a pathPrefix fails only those paths, stream upgrades included; never the control plane', async () => {
      sim.faults.failRequests({ status: 503, pathPrefix: '/apiv1' });
      assert.equal((await call(sim.url, 'GET', '/apiv1/devices.json', { token })).status, 503);
      assert.equal((await call(sim.url, 'GET', '/apiv1/devices.json', { token })).status, 503);
      assert.equal((await call(sim.url, 'GET', '/users/get_user_profile.json', { token })).status, 200);
      sim.faults.failRequests({ status: 502, pathPrefix: '/stream' });
      const s = await createSubscription(sim.url, token);
      assert.equal(await refusalStatus(streamUrl(sim.url, s.stream_key)), 502);
      sim.faults.failRequests({ status: 500 });
      assert.equal((await call(sim.url, 'GET', '/users/get_user_profile.json', { token })).status, 500);
      assert.equal((await call(sim.url, 'GET', '/_simulator/stats')).status, 200);
      sim.faults.reset();
      assert.equal((await call(sim.url, 'GET', '/apiv1/devices.json', { token })).status, 200);
    });

    it('delayResponses holds the next count responses back (a later request overtakes it)', async () => {
      sim.faults.delayResponses(400, 1);
      const order: string[] = [];
      const slow = call(sim.url, 'GET', '/apiv1/devices.json', { token }).then((r) => order.push(`slow ${r.status}`));
      await sleep(20);
      await call(sim.url, 'GET', '/users/get_user_profile.json', { token }).then((r) => order.push(`fast ${r.status}`));
      await slow;
      assert.deepEqual(order, ['fast 200', 'slow 200']);
      // Without a count, every request waits (here a minute, longer than the test may take) until reset().
      sim.faults.delayResponses(60_000);
      const held = call(sim.url, 'GET', '/apiv1/devices.json', { token }).then((r) => r.status);
      await sleep(50);
      sim.faults.reset();
      assert.equal((await call(sim.url, 'GET', '/apiv1/devices.json', { token })).status, 200);
      void held.catch(() => undefined); // still held; stop() ends it
    });

    it('delayResponses also delays a stream upgrade', async () => {
      const s = await createSubscription(sim.url, token);
      sim.faults.delayResponses(300, 1);
      const order: string[] = [];
      const delayed = openStream(sim.url, s.stream_key).then((c) => {
        open.push(c);
        order.push('upgrade');
      });
      await sleep(20);
      await call(sim.url, 'GET', '/apiv1/devices.json', { token }).then(() => order.push('request'));
      await delayed;
      assert.deepEqual(order, ['request', 'upgrade']);
    });

    it('reset clears failing, delaying and stopped heartbeats, and unlocks accounts', async () => {
      sim.faults.failRequests({ status: 503 });
      sim.faults.stopHeartbeats(true);
      for (let i = 0; i < 6; i++) await call(sim.url, 'POST', '/users/sign_in.json', { json: signInBody({ ...sim.otherUser, password: 'x' }) });
      sim.faults.reset();
      assert.equal((await call(sim.url, 'GET', '/apiv1/devices.json', { token })).status, 200);
      await signIn(sim.url, sim.otherUser);
      const { client } = await streamNew();
      await waitFor('heartbeats after reset', () => client.heartbeats() >= 1);
    });
  });

  describe('through the control plane (/_simulator/)', () => {
    it('GET /_simulator lists the routes; unknown routes 404; wrong methods 405', async () => {
      const index = await call<{ routes: string[] }>(sim.url, 'GET', '/_simulator');
      assert.equal(index.status, 200);
      assert.ok(index.body.routes.length >= 12);
      assert.equal((await call(sim.url, 'POST', '/_simulator/faults/nope')).status, 404);
      const wrong = await call(sim.url, 'GET', '/_simulator/faults/reset');
      assert.equal(wrong.status, 405);
      assert.equal(wrong.headers.allow, 'POST');
    });

    it('drop-sockets, garbage, oversized', async () => {
      const { client } = await streamNew();
      const garbage = await control('faults/garbage', { count: 3 });
      assert.deepEqual(garbage.body, { ok: true, frames: 3 });
      const oversized = await control('faults/oversized', { bytes: 70_000 });
      assert.deepEqual(oversized.body, { ok: true, sockets: 1 });
      await waitFor('garbage and the big frame', () => client.frames.some((f) => f.length > 70_000) && client.binaryFrames.length === 1);
      const dropped = await control('faults/drop-sockets');
      assert.deepEqual(dropped.body, { ok: true, sockets: 1 });
      assert.equal((await client.closed).code, 1006);
    });

    it('stop-heartbeats and reset', async () => {
      const { client } = await streamNew({ answer: false });
      assert.deepEqual((await control('faults/stop-heartbeats', { on: true })).body, { ok: true, on: true });
      await sleep(300);
      assert.ok(client.isOpen());
      assert.equal(client.heartbeats(), 0);
      assert.deepEqual((await control('faults/reset')).body, { ok: true });
      assert.equal((await client.closed).code, 1008);
    });

    it('expire-tokens and expire-stream-keys', async () => {
      const { client, key } = await streamNew();
      assert.deepEqual((await control('faults/expire-tokens')).body, { ok: true, tokens: 1 });
      assert.equal((await call(sim.url, 'GET', '/apiv1/devices.json', { token })).status, 401);
      assert.deepEqual((await control('faults/expire-stream-keys')).body, { ok: true, streamKeys: 1 });
      assert.equal((await client.closed).code, 1008);
      assert.equal(await refusalStatus(streamUrl(sim.url, key)), 401);
    });

    it('fail and delay (and 422 for bad arguments)', async () => {
      assert.deepEqual((await control('faults/fail', { status: 503, count: 1, pathPrefix: '/apiv1' })).body, { ok: true, status: 503, count: 1, pathPrefix: '/apiv1' });
      assert.equal((await call(sim.url, 'GET', '/apiv1/devices.json', { token })).status, 503);
      assert.equal((await call(sim.url, 'GET', '/apiv1/devices.json', { token })).status, 200);
      assert.equal((await control('faults/delay', { ms: 300, count: 1 })).status, 200);
      const order: string[] = [];
      const slow = call(sim.url, 'GET', '/apiv1/devices.json', { token }).then(() => order.push('slow'));
      await sleep(20);
      await call(sim.url, 'GET', '/apiv1/devices.json', { token }).then(() => order.push('fast'));
      await slow;
      assert.deepEqual(order, ['fast', 'slow']);
      for (const [path, json] of [
        ['faults/fail', { status: 404 }],
        ['faults/fail', { status: 503, count: 0 }],
        ['faults/fail', { status: 503, pathPrefix: 5 }],
        ['faults/delay', { ms: -1 }],
        ['faults/delay', {}],
        ['faults/garbage', { count: 'many' }],
        ['faults/oversized', { bytes: 0 }],
        ['faults/stop-heartbeats', { on: 'yes' }],
        ['rate', { eventsPerSecond: -1 }],
        ['flood', { count: 1.5 }],
      ] as const) {
        const reply = await control(path, json);
        assert.equal(reply.status, 422, `${path} ${JSON.stringify(json)}`);
        apiErrorMessage(reply.body);
      }
      const malformed = await call(sim.url, 'POST', '/_simulator/faults/garbage', { raw: '{' });
      assert.equal(malformed.status, 400);
    });

    it('rate, flood, stats and the device handles', async () => {
      const { client } = await streamNew();
      assert.deepEqual((await control('flood', { count: 50 })).body, { ok: true, count: 50 });
      await client.waitForEvents(50);
      const stats = await call<SimulatorStats>(sim.url, 'GET', '/_simulator/stats');
      assert.equal(stats.status, 200);
      assert.equal(stats.body.sockets, 1);
      assert.ok(stats.body.eventsSent >= 50);
      assert.ok(stats.body.subscriptions >= 1);
      assert.deepEqual((await control('rate', { eventsPerSecond: 200 })).body, { ok: true, eventsPerSecond: 200 });
      await client.waitForEvents(80);
      assert.equal((await control('rate', { eventsPerSecond: 0 })).status, 200);
      const devices = await call<{ dsn: string }[]>(sim.url, 'GET', '/_simulator/devices');
      assert.equal(devices.body[0]!.dsn, dsn);
      const before = client.events.length;
      assert.equal((await control(`devices/${dsn}/datapoint`, { property: 'status', value: 'from control' })).status, 200);
      await waitFor('the control-plane datapoint', () => client.events.slice(before).some((e) => (e as DatapointEvent).datapoint.value === 'from control'));
      for (const [path, json] of [['online', { online: false }], ['move', { lat: 1, lng: 2 }], ['register', { registered: false }]] as const) {
        assert.equal((await control(`devices/${dsn}/${path}`, json)).status, 200, path);
      }
      assert.equal((await control('devices/NOPE/online', { online: true })).status, 404);
      assert.equal((await control(`devices/${dsn}/datapoint`, { property: 'nope', value: 1 })).status, 404);
      assert.equal((await control(`devices/${dsn}/datapoint`, { property: 'status' })).status, 422);
    });
  });
});
