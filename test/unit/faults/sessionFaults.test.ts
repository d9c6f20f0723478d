// Fault matrix (issue 7), session and REST rows: tokens that expire or are revoked, a REST service that
// answers 5xx or too slowly, hosts that cannot be reached — each while an AylaSession streams all five
// event types from the simulator. Checks: the streams are not interrupted where they need not be, every
// call that fails ends in a typed AylaApiError with one sentence naming the host, retries are bounded and
// back off, and a rejected refresh token ends in a clear signed-out state without a loop of failing calls.
import { strict as assert } from 'node:assert';
import { AylaApiError } from '../../../src/ayla/errors';
import { EVENT_TYPES } from '../../../src/ayla/events';
import { resolveHosts } from '../../../src/ayla/hosts';
import { HttpClient, type HttpTrace } from '../../../src/ayla/http';
import { AylaSession } from '../../../src/ayla/session';
import type { StreamState } from '../../../src/ayla/stream';
import { SIGNED_OUT_MESSAGE } from '../../../src/ayla/tokenKeeper';
import type { Tokens } from '../../../src/ayla/userService';
import { startSimulator } from '../../../src/simulator';
import { expectAylaError } from '../support/simulatorFixture';
import { closedPort } from '../support/scriptedServer';
import { sleep, waitFor } from '../support/waitFor';
import { assertNoLoss, FULL, recordFigures, SessionRecorder, startRig, type Rig } from './support/faultHarness';

const RATE = 150;

describe('fault matrix (core): tokens, REST and hosts', function () {
  this.timeout(FULL ? 600_000 : 90_000);
  let rig: Rig | undefined;

  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  it('the access token expires mid-stream: refreshed (on a 401, and ahead of expiry) without interrupting the streams', async () => {
    rig = await startRig({ proxy: true, sim: { accessTokenTtlSeconds: 3 } });
    const { sim, rec, session } = rig;
    const proxy = rig.proxy!;
    const refreshed: Tokens[] = [];
    session.onTokens((t) => refreshed.push(t));
    rig.rate(RATE);
    const injections = FULL ? 8 : 4;
    for (let i = 0; i < injections; i++) {
      await sleep(600);
      const mark = proxy.requests.length;
      const before = refreshed.length;
      assert.ok(sim.faults.expireAccessTokens() >= 1);
      // The next call answers 401: the session refreshes once and repeats it.
      assert.equal((await session.devices.listDevices()).length, 3);
      const calls = proxy.requests.slice(mark).map((r) => `${r.method} ${r.url} ${r.status}`);
      assert.deepEqual(calls, ['GET /apiv1/devices.json 401', 'POST /users/refresh_token.json 200', 'GET /apiv1/devices.json 200']);
      assert.equal(refreshed.length, before + 1);
    }
    // The 3-second tokens are also refreshed ahead of time by the keeper's own timer.
    const timed = refreshed.length;
    await waitFor('a refresh ahead of expiry', () => refreshed.length > timed, 10_000);
    const a = await rig.settle();

    assertNoLoss(a, 1500);
    assert.equal(rec.outages.length, 0, `no stream was interrupted: ${rec.states.map((s) => `${s.eventType} ${s.state.kind}`).join(', ')}`);
    assert.equal(rec.notices.length, 0, 'nothing to tell the user');
    assert.equal(session.signedIn, true);
    recordFigures('access token expired mid-stream', injections, a, rec, { refreshes: refreshed.length });
  });

  it('the refresh token is rejected: one refresh attempt, a clear signed-out state, streams closed, no loop of failing calls', async () => {
    rig = await startRig({ proxy: true });
    const { sim, rec, session } = rig;
    const proxy = rig.proxy!;
    rig.rate(RATE);
    await sleep(1500);
    const a = await rig.settle();
    rig.rate(0);
    // Signed out elsewhere (both tokens revoked), and at the same moment every stream key dies: five streams
    // want new subscriptions at once, each call answers 401, and the refresh is refused.
    await session.users.signOut(session.keeper.tokens.accessToken);
    const mark = proxy.requests.length;
    sim.faults.expireStreamKeys();
    await waitFor('signed out', () => !session.signedIn, 10_000);
    await waitFor('streams closed', () => !session.streaming, 10_000);
    await expectAylaError(session.devices.listDevices(), { kind: 'http', status: 401, message: SIGNED_OUT_MESSAGE });
    await expectAylaError(session.subscriptions.listSubscriptions(), { kind: 'http', status: 401, message: SIGNED_OUT_MESSAGE });
    const settled = proxy.requests.length;
    await sleep(FULL ? 5000 : 1500);
    const calls = proxy.requests.slice(mark).map((r) => `${r.method} ${r.url.replace(/\/\d+\.json/, '/N.json')} ${r.status}`);

    assert.equal(proxy.requests.length, settled, `nothing more is sent once signed out: ${calls.join(', ')}`);
    assert.equal(calls.filter((c) => c.startsWith('POST /users/refresh_token')).length, 1, `one refresh attempt, shared: ${calls.join(', ')}`);
    assert.ok(calls.length <= 5 + 1 + 5, `at most a subscription call per stream, one refresh, a clean-up per stream: ${calls.join(', ')}`);
    assert.deepEqual(rec.tokenStates, [{ kind: 'signedOut', reason: SIGNED_OUT_MESSAGE }], 'signed out once, with the sentence to show');
    assert.equal(SIGNED_OUT_MESSAGE, 'Signed out: the Ayla session expired or was revoked. Sign in again.');
    // The dead keys break the streams a moment before the refusal is known: at most that one outage notice,
    // then the one that matters, and never a "stream failed" on top of "signed out".
    const told = rec.notices.map((n) => n.kind);
    assert.equal(told.filter((k) => k === 'signedOut').length, 1, `signed out told once: ${told.join(', ')}`);
    assert.equal(told.at(-1), 'signedOut', `the last word is "sign in again": ${told.join(', ')}`);
    assert.ok(told.filter((k) => k === 'broke').length <= 1 && !told.includes('failed'), `no more than the outage before it: ${rec.notices.map((n) => `${n.kind}: ${n.text}`).join(' | ')}`);
    for (const type of rig.eventTypes) assert.equal(rec.stateKinds(type).at(-1), 'stopped', `${type} ends stopped: ${rec.stateKinds(type).join(', ')}`);
    assertNoLoss(a, 500);
    recordFigures('refresh token rejected', 1, a, rec, { callsAfterRejection: calls.length, refreshAttempts: 1 });
  });

  it('REST answers 5xx or too slowly: bounded retries with growing backoff, then a clear error; streams (and a 503 at the upgrade) recover', async () => {
    const traces: HttpTrace[] = [];
    rig = await startRig({ proxy: true, http: { timeoutMs: 400, retries: 2, retryBaseDelayMs: 100 }, onRequest: (t) => traces.push(t) });
    const { sim, rec, session } = rig;
    const proxy = rig.proxy!;
    const host = new URL(proxy.url).host;
    rig.rate(RATE);
    await sleep(500);

    // A GET on 5xx: three attempts, the waits growing, then one sentence.
    sim.faults.failRequests({ status: 503, pathPrefix: '/apiv1' });
    let mark = traces.length;
    const unavailable = await expectAylaError(session.devices.listDevices(), { kind: 'http', service: 'device', status: 503, message: /^The Ayla device service answered 503 \(service unavailable\) when asked to list devices; it was retried automatically 2 times without success — try again later\.$/ });
    const gets = traces.slice(mark);
    assert.deepEqual(gets.map((t) => t.status), [503, 503, 503]);
    assert.ok(gets[1]!.retryInMs! >= gets[0]!.retryInMs!, `backoff grows: ${gets.map((t) => t.retryInMs).join(', ')}`);
    assert.equal(gets[2]!.retryInMs, undefined, 'bounded: no retry after the last');
    // A POST on 5xx is never repeated (it might have been done).
    sim.faults.failRequests({ status: 502, pathPrefix: '/api/v1/subscriptions' });
    mark = proxy.requests.length;
    await expectAylaError(session.subscriptions.createSubscription({ eventType: 'datapoint', clientType: 'mobile' }), { kind: 'http', service: 'dss', status: 502, message: /not repeated automatically/ });
    assert.equal(proxy.requests.length - mark, 1, 'a POST is sent once');
    sim.faults.reset();

    // Slow answers (beyond the timeout): each attempt times out, three in all, and the message names the host.
    sim.faults.delayResponses(2000, 3);
    mark = traces.length;
    const slow = await expectAylaError(session.devices.listDevices(), { kind: 'timeout', service: 'device', message: new RegExp(`^The Ayla device service at ${host.replace(/\./g, '\\.')} did not answer within 0\\.4 s when asked to list devices \\(tried 3 times\\); check the network, or raise the timeout\\.$`) });
    assert.deepEqual(traces.slice(mark).map((t) => t.outcome), ['timeout', 'timeout', 'timeout']);
    sim.faults.reset();
    assert.equal((await session.devices.listDevices()).length, 3, 'works again once the service recovers');
    assert.equal(rec.outages.length, 0, 'REST trouble does not touch the open streams');

    // Stream upgrades answered 503 for a while after a drop: the streams retry with backoff and come back.
    sim.faults.failRequests({ status: 503, pathPrefix: '/stream', count: 15 });
    sim.faults.dropAllSockets();
    await waitFor('every stream back', () => rig!.eventTypes.every((t) => rec.recoveries(t).length >= 1), 30_000, 20);
    await rig.allLive();
    await sleep(500);
    const a = await rig.settle();

    assertNoLoss(a, 1000);
    const refusedAttempts = rec.outages.flatMap((o) => o.states).filter((s): s is Extract<StreamState, { kind: 'reconnecting' }> => s.kind === 'reconnecting' && /HTTP 503/.test(s.reason));
    assert.equal(refusedAttempts.length, 15, 'each refused upgrade is one more reconnecting state');
    for (const outage of rec.outages) {
      const attempts = outage.states.map((s) => (s.kind === 'reconnecting' ? s.attempt : 0));
      assert.deepEqual(attempts, attempts.map((_, i) => i + 1), 'attempts count up while the server refuses');
    }
    assert.equal(rec.notices.filter((n) => n.kind === 'broke').length, 1, 'one notice for the outage');
    assert.ok(unavailable instanceof AylaApiError && slow instanceof AylaApiError);
    recordFigures('REST 5xx / slow answers; upgrade 503', 3 + 15, a, rec, { restAttemptsPerGet: 3, upgradeRefusals: 15 });
  });

  it('host unreachable or unknown (DNS): a clear error naming the host after retries with backoff; streams keep trying with growing delays', async () => {
    const port = await closedPort();
    const traces: HttpTrace[] = [];
    // REST: the device service's host refuses connections; then a host name that does not resolve.
    rig = await startRig({ hostOverrides: { device: `http://127.0.0.1:${port}` }, onRequest: (t) => traces.push(t) });
    const { rec, session } = rig;
    rig.rate(RATE);
    let mark = traces.length;
    const refused = await expectAylaError(session.devices.listDevices(), {
      kind: 'unreachable',
      service: 'device',
      message: `Could not reach the Ayla device service at 127.0.0.1:${port} to list devices (connection refused, tried 3 times); check the network connection and the host settings.`,
    });
    assert.equal(refused.code, 'ECONNREFUSED');
    const attempts = traces.slice(mark);
    assert.deepEqual(attempts.map((t) => t.outcome), ['unreachable', 'unreachable', 'unreachable']);
    assert.ok(attempts[1]!.retryInMs! >= attempts[0]!.retryInMs!, 'with backoff');
    await sleep(1500);
    const a = await rig.settle();
    assertNoLoss(a, 500);
    assert.equal(rec.outages.length, 0, 'the streams (another host) are not affected');
    await rig.stop();
    rig = undefined;

    // DNS: a name under .invalid never resolves (RFC 2606).
    const dns = new HttpClient({ retryBaseDelayMs: 50, onRequest: (t) => traces.push(t) });
    const sim = await startSimulator({ port: 0, eventsPerSecond: 0 });
    const sessions: AylaSession[] = [];
    try {
      const hosts = resolveHosts({ region: 'us', deployment: 'field', clientType: 'mobile', baseUrl: sim.url, overrides: { device: 'https://ads.nonexistent-ayla-host.invalid' } });
      const s = await AylaSession.signIn({ hosts, clientType: 'mobile', http: dns }, sim.demo);
      sessions.push(s);
      mark = traces.length;
      const unknown = await expectAylaError(s.devices.listDevices(), { kind: 'unreachable', service: 'device', message: /^Could not reach the Ayla device service at ads\.nonexistent-ayla-host\.invalid to list devices \((host name not found|host name lookup failed for now), tried 3 times\); check the network connection and the host settings\.$/ });
      assert.ok(unknown.code === 'ENOTFOUND' || unknown.code === 'EAI_AGAIN', String(unknown.code));
      assert.equal(traces.length - mark, 3);

      // The stream host: refused, then unknown. Each stream keeps trying, the delays growing, the reason naming the host.
      const streamHosts = [`ws://127.0.0.1:${port}/stream`, 'wss://stream.nonexistent-ayla-host.invalid/stream'];
      const figures: number[] = [];
      for (const stream of streamHosts) {
        const streamSession = await AylaSession.signIn({ hosts: { ...resolveHosts({ region: 'us', deployment: 'field', clientType: 'mobile', baseUrl: sim.url }), stream }, clientType: 'mobile' }, sim.demo);
        sessions.push(streamSession);
        const recorder = new SessionRecorder(streamSession);
        await streamSession.startStreaming({ stream: { backoff: { initialMs: 100, maxMs: 5000 } } });
        await waitFor('four tries per stream', () => EVENT_TYPES.every((t) => recorder.stateKinds(t).filter((k) => k === 'reconnecting').length >= 4), 30_000, 20);
        const streamHost = new URL(stream).host.replace(/:.*/, '');
        for (const type of EVENT_TYPES) {
          const tries = recorder.states.filter((st) => st.eventType === type && st.state.kind === 'reconnecting').map((st) => st.state as Extract<StreamState, { kind: 'reconnecting' }>);
          assert.deepEqual(tries.slice(0, 4).map((t) => t.attempt), [1, 2, 3, 4], `${type}: one attempt after another`);
          // Equal jitter: attempt n waits within [step/2, step], step doubling, so two attempts later always longer.
          assert.ok(tries[2]!.delayMs > tries[0]!.delayMs && tries[3]!.delayMs > tries[1]!.delayMs, `${type}: growing delays ${tries.map((t) => t.delayMs).join(', ')}`);
          assert.ok(tries.every((t) => t.reason.includes(streamHost)), `${type}: the reason names the host: ${tries[0]!.reason}`);
          figures.push(...tries.map((t) => t.delayMs));
        }
        assert.ok(!EVENT_TYPES.some((t) => recorder.stateKinds(t).includes('failed')), 'never gives up on its own');
        await streamSession.stopStreaming();
      }
      recordFigures('host unreachable / DNS failure', 2 + streamHosts.length, a, undefined, { restAttemptsPerCall: 3, streamRetryDelaysMs: figures.slice(0, 6).join('/') }, []);
    } finally {
      for (const s of sessions) {
        await s.stopStreaming().catch(() => undefined);
        s.dispose();
      }
      await sim.stop();
    }
  });
});
