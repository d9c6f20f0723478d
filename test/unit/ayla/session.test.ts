// AylaSession against the simulator over real sockets: subscriptions per event type, streams that
// survive drops and dead keys without losing or repeating an event, tokens kept fresh, a clean
// signed-out state when the refresh token is rejected, and nothing left behind on stop or sign-out.
import { strict as assert } from 'node:assert';
import { AylaApiError } from '../../../src/ayla/errors';
import type { DssEvent } from '../../../src/ayla/events';
import { resolveHosts } from '../../../src/ayla/hosts';
import { AylaSession, type TypedStreamState } from '../../../src/ayla/session';
import { SIGNED_OUT_MESSAGE } from '../../../src/ayla/tokenKeeper';
import type { Tokens } from '../../../src/ayla/userService';
import type { EventType, Subscription } from '../../../src/ayla/wireTypes';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../../src/simulator';
import { call, signIn as rawSignIn } from '../support/aylaHttp';
import { startRecordingProxy } from '../support/scriptedServer';
import { waitFor } from '../support/waitFor';

const FAST_STREAM = { heartbeatIntervalMs: 200, backoff: { initialMs: 50, maxMs: 200 } };

describe('AylaSession', function () {
  this.timeout(30_000);
  let sim: Simulator;
  let session: AylaSession | undefined;
  let lines: string[];

  async function start(options: SimulatorOptions = {}): Promise<void> {
    sim = await startSimulator({ port: 0, eventsPerSecond: 0, heartbeatMs: 200, ...options });
  }

  async function signIn(tokenOptions = {}): Promise<AylaSession> {
    lines = [];
    session = await AylaSession.signIn(
      { hosts: resolveHosts({ region: 'us', deployment: 'field', clientType: 'mobile', baseUrl: sim.url }), clientType: 'mobile', tokens: tokenOptions, log: (level, line) => lines.push(`${level} ${line}`) },
      sim.demo,
    );
    return session;
  }

  /** Subscriptions on the server, as the demo user sees them (read with a separate sign-in). */
  async function serverSubscriptions(): Promise<Subscription[]> {
    const { access_token } = await rawSignIn(sim.url, sim.demo);
    const reply = await call<{ subscription: Subscription }[]>(sim.url, 'GET', '/api/v1/subscriptions.json', { token: access_token });
    return reply.body.map((w) => w.subscription);
  }

  function collect(s: AylaSession): { events: DssEvent[]; states: TypedStreamState[] } {
    const events: DssEvent[] = [];
    const states: TypedStreamState[] = [];
    s.onEvent((e) => events.push(e));
    s.onStreamState((st) => states.push(st));
    return { events, states };
  }

  async function allLive(s: AylaSession): Promise<void> {
    await waitFor('every stream live', () => [...s.streamStates().values()].every((st) => st.kind === 'live') && s.streamStates().size > 0, 10_000);
  }

  afterEach(async () => {
    await session?.stopStreaming().catch(() => undefined);
    session?.dispose();
    session = undefined;
    await sim?.stop();
  });

  it('subscribes once per event type and receives all five, then deletes its subscriptions on stop', async () => {
    await start();
    const s = await signIn();
    const { events } = collect(s);
    await s.startStreaming({ stream: FAST_STREAM });
    await allLive(s);

    const mine = await serverSubscriptions();
    assert.deepEqual(mine.map((m) => m.subscription_type).sort(), ['connectivity', 'datapoint', 'datapointack', 'location', 'registration']);
    for (const m of mine) assert.match(m.name, new RegExp(`^vscode-${m.subscription_type}-[0-9a-f]{8}$`));

    const dsn = sim.devices.list()[0]!.dsn;
    sim.devices.setOnline(dsn, false);
    sim.devices.move(dsn);
    sim.devices.register(dsn, false);
    const [setpoint] = await s.devices.listProperties(dsn, ['setpoint']);
    assert.ok(setpoint, 'the simulator has an ack-enabled setpoint');
    await s.devices.setValue(dsn, setpoint, 21);
    const seen = await waitFor('all five event types', () => {
      const types = new Set(events.map((e) => e.type));
      return types.size === 5 ? types : undefined;
    });
    assert.deepEqual([...seen].sort(), ['connectivity', 'datapoint', 'datapointack', 'location', 'registration']);

    await s.stopStreaming();
    assert.equal(s.streaming, false);
    assert.deepEqual(await serverSubscriptions(), [], 'no subscription is left behind');
  });

  it('loses and repeats nothing across repeated socket drops (seq continuity over thousands of events)', async () => {
    await start({ devices: 2 });
    const s = await signIn();
    const { events, states } = collect(s);
    await s.startStreaming({ eventTypes: ['datapoint'], stream: FAST_STREAM });
    await allLive(s);
    // Each round floods events and cuts the socket at once, so frames are still in flight when it
    // drops; the stream must get them back through seq_start.
    const rounds = 6;
    const perRound = 600;
    const total = rounds * perRound;
    for (let i = 0; i < rounds; i++) {
      await waitFor(`reconnected before round ${i}`, () => sim.stats().sockets === 1 && s.streamStates().get('datapoint')?.kind === 'live', 10_000);
      await sim.flood(perRound);
      assert.equal(sim.faults.dropAllSockets(), 1, `round ${i} cut the socket`);
    }
    await waitFor(`${total} events`, () => events.length >= total, 20_000);
    const seqs = events.map((e) => e.seq);
    assert.deepEqual(seqs, Array.from({ length: total }, (_, i) => i + 1), 'every seq once, in order');
    assert.ok(states.some((st) => st.state.kind === 'reconnecting'), `the drops were seen as reconnects: ${states.map((st) => st.state.kind).join(', ')}`);
    await waitFor('live again after the last drop', () => states.at(-1)?.state.kind === 'live', 10_000);
  });

  it('makes a new subscription when the stream key is refused (401 at the upgrade) and keeps streaming', async () => {
    await start();
    const s = await signIn();
    const { events } = collect(s);
    await s.startStreaming({ eventTypes: ['connectivity'], stream: FAST_STREAM });
    await allLive(s);
    const before = s.activeSubscriptions()[0]!;
    sim.faults.expireStreamKeys();
    await waitFor('a new subscription', () => s.activeSubscriptions()[0]?.id !== before.id && s.streamStates().get('connectivity')?.kind === 'live', 10_000);
    const dsn = sim.devices.list()[0]!.dsn;
    sim.devices.setOnline(dsn, false);
    await waitFor('an event on the new subscription', () => events.some((e) => e.type === 'connectivity'), 10_000);
    const onServer = await serverSubscriptions();
    assert.deepEqual(onServer.map((m) => m.id), [s.activeSubscriptions()[0]!.id], 'the dead subscription was deleted');
    assert.ok(lines.some((l) => /stream key was refused; streaming again on a new subscription/.test(l)));
  });

  it('refreshes the access token before it expires, without interrupting the stream', async () => {
    await start({ accessTokenTtlSeconds: 2 });
    const s = await signIn();
    const refreshed: Tokens[] = [];
    s.onTokens((t) => refreshed.push(t));
    const { states } = collect(s);
    await s.startStreaming({ eventTypes: ['datapoint'], stream: FAST_STREAM });
    await allLive(s);
    const first = s.keeper.tokens.accessToken;
    await waitFor('two refreshes', () => refreshed.length >= 2, 10_000);
    assert.notEqual(s.keeper.tokens.accessToken, first);
    assert.equal((await s.devices.listDevices()).length, 3, 'calls work with the refreshed token');
    assert.ok(!states.some((st) => st.state.kind === 'reconnecting'), 'the stream never dropped');
  });

  it('refreshes once when a call answers 401, then repeats the call', async () => {
    await start();
    const s = await signIn();
    const refreshed: Tokens[] = [];
    s.onTokens((t) => refreshed.push(t));
    sim.faults.expireAccessTokens();
    const devices = await s.devices.listDevices();
    assert.equal(devices.length, 3);
    assert.equal(refreshed.length, 1);
  });

  it('a call that sent a token replaced meanwhile repeats with the new one, without a second refresh that would revoke it', async () => {
    await start();
    const s = await signIn();
    const refreshed: Tokens[] = [];
    s.onTokens((t) => refreshed.push(t));
    sim.faults.expireAccessTokens();
    // The first call's 401 arrives late: the second call's 401 has refreshed the token by then.
    sim.faults.delayResponses(400, 1);
    const slow = s.devices.listDevices();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const fast = await s.devices.listDevices();
    assert.equal(fast.length, 3);
    assert.equal((await slow).length, 3, 'the late call repeated with the new token');
    assert.equal(refreshed.length, 1, 'one refresh for both');
    assert.equal((await s.devices.listDevices()).length, 3, 'the token everyone has still works');
  });

  it('ends in a clear signed-out state when the refresh token is rejected, with no loop of failing calls', async () => {
    await start();
    // REST goes through a recording proxy so the test can count what the session sends.
    const proxy = await startRecordingProxy(sim.url);
    try {
      const hosts = resolveHosts({ region: 'us', deployment: 'field', clientType: 'mobile', baseUrl: proxy.url, overrides: { stream: sim.streamUrl } });
      const s = (session = await AylaSession.signIn({ hosts, clientType: 'mobile' }, sim.demo));
      const states: string[] = [];
      s.onState((st) => states.push(st.kind === 'signedOut' ? st.reason : st.kind));
      await s.startStreaming({ eventTypes: ['datapoint'], stream: FAST_STREAM });
      await allLive(s);
      // Signing out elsewhere revokes both tokens.
      await s.users.signOut(s.keeper.tokens.accessToken);
      await assert.rejects(s.devices.listDevices(), (e: unknown) => e instanceof AylaApiError && e.message === SIGNED_OUT_MESSAGE);
      assert.deepEqual(states, [SIGNED_OUT_MESSAGE]);
      assert.equal(s.signedIn, false);
      await waitFor('streams closed', () => !s.streaming);
      const refreshes = proxy.requests.filter((r) => r.url.startsWith('/users/refresh_token'));
      assert.equal(refreshes.length, 1, 'one refresh attempt, not a loop');

      const sent = proxy.requests.length;
      await assert.rejects(s.devices.listDevices(), /Sign in again/);
      await assert.rejects(s.subscriptions.listSubscriptions(), /Sign in again/);
      assert.equal(proxy.requests.length, sent, 'a signed-out session sends nothing');
    } finally {
      await proxy.close();
    }
  });

  it('leaves nothing behind when one event type is refused (cloud subscription without an access rule)', async () => {
    await start();
    lines = [];
    session = await AylaSession.signIn({ hosts: resolveHosts({ region: 'us', deployment: 'field', clientType: 'cloud', baseUrl: sim.url }), clientType: 'cloud' }, sim.demo);
    await assert.rejects(session.startStreaming({ eventTypes: ['datapoint', 'connectivity'] }), (e: unknown) => e instanceof AylaApiError && e.status === 403 && /access rule/.test(e.message));
    assert.equal(session.streaming, false);
    assert.deepEqual(await serverSubscriptions(), []);
  });

  it('signs out: streams stopped, subscriptions deleted, tokens revoked on the server', async () => {
    await start();
    const s = await signIn();
    await s.startStreaming({ eventTypes: ['datapoint', 'location'] as EventType[], stream: FAST_STREAM });
    await allLive(s);
    const token = s.keeper.tokens.accessToken;
    await s.signOut();
    assert.equal(s.streaming, false);
    assert.equal(s.signedIn, false);
    assert.deepEqual(await serverSubscriptions(), []);
    const reply = await call(sim.url, 'GET', '/apiv1/devices.json', { token });
    assert.equal(reply.status, 401, 'the old access token no longer works');
  });
});
