// Fault matrix (issue 7), stream rows: an AylaSession streaming all five event types from the simulator
// over real sockets while the stream is broken on purpose, again and again. Each row checks, against what
// the simulator numbered: every event arrives once (seq continuity per subscription), the states go
// reconnecting → live, and the user is told once per outage. Figures go to test-results/reliability-core.json.
import { strict as assert } from 'node:assert';
import type { StreamState } from '../../../src/ayla/stream';
import { seededRandom } from '../support/seededRandom';
import { sleep, waitFor } from '../support/waitFor';
import { assertNoLoss, FULL, HEARTBEAT_FAST_MS as HEARTBEAT_MS, recordFigures, startRig, type Rig } from './support/faultHarness';

/** Per device; 3 devices → ~450 happenings (~500 events) a second across the five types. */
const RATE = 150;

function reasons(states: StreamState[]): string[] {
  return states.map((s) => (s.kind === 'reconnecting' || s.kind === 'failed' ? `${s.kind}: ${s.reason}` : s.kind));
}

describe('fault matrix (core): the stream', function () {
  this.timeout(FULL ? 600_000 : 90_000);
  let rig: Rig | undefined;

  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  it('every socket dropped again and again: each stream reconnects each time, resumes by seq_start, loses and repeats nothing', async () => {
    rig = await startRig();
    const { sim, rec } = rig;
    const random = seededRandom(7);
    // Default: a drop every 0.5–1 s for ~10 s; AYLA_FAULTS_FULL=1: every 2–4 s for a minute.
    const injections = FULL ? 20 : 12;
    rig.rate(RATE);
    for (let i = 0; i < injections; i++) {
      await sleep(FULL ? 2000 + random() * 2000 : 500 + random() * 500);
      assert.equal(sim.faults.dropAllSockets(), 5, `drop ${i + 1} cut all five sockets`);
      // Reconnected each time: every stream is live again after this drop (not merely not yet aware of it).
      await waitFor(`every stream back after drop ${i + 1}`, () => rig!.eventTypes.every((t) => rec.recoveries(t).length >= i + 1), 30_000, 10);
    }
    const a = await rig.settle();

    assertNoLoss(a, 3000);
    for (const type of rig.eventTypes) {
      const recoveries = rec.recoveries(type);
      assert.equal(recoveries.length, injections, `${type}: one recovery per drop (${rec.stateKinds(type).join(', ')})`);
      for (const outage of recoveries) {
        assert.equal(outage.states[0]!.kind, 'reconnecting', `${type}: a drop is reported as reconnecting: ${reasons(outage.states).join(' | ')}`);
        // A connection that delivered events was working: the next try comes fast, not after a grown backoff.
        const first = outage.states[0] as Extract<StreamState, { kind: 'reconnecting' }>;
        assert.equal(first.attempt, 1, `${type}: a working connection that drops is retried as attempt 1: ${reasons(outage.states).join(' | ')}`);
      }
    }
    assert.equal(rec.gaps.length, 0, 'no gap reported');
    assert.equal(rec.notices.filter((n) => n.kind === 'broke').length, injections, 'one notice per outage, not one per stream or retry');
    assert.equal(rec.notices.filter((n) => n.kind !== 'broke').length, 0, 'nothing failed');
    recordFigures('socket dropped (every 0.5–1 s)'.replace('0.5–1 s', FULL ? '2–4 s, 1 min' : '0.5–1 s, ~10 s'), injections, a, rec);
  });

  it('the server stops sending heartbeats: traffic alone keeps a socket up; a silent socket is reopened by the watchdog after 3+ intervals', async () => {
    rig = await startRig({ sim: { heartbeatMs: HEARTBEAT_MS } });
    const { sim, rec } = rig;
    rig.rate(RATE);
    await sleep(1000);
    // Heartbeats stop while events flow: the socket is evidently alive, nothing may be reopened.
    sim.faults.stopHeartbeats(true);
    const outagesBefore = rec.outages.length;
    await sleep(FULL ? 5000 : 1500);
    assert.equal(rec.outages.length, outagesBefore, 'no reconnect while events keep the socket busy');
    // Devices fall quiet too: now the sockets hear nothing at all (a half-open connection).
    await rig.settle();
    rig.rate(0);
    const silentFrom = rec.outages.length;
    const rounds = FULL ? 5 : 2;
    await waitFor(`${rounds} watchdog reconnects per stream`, () => rig!.eventTypes.every((t) => rec.recoveries(t).length >= rounds), 30_000, 20);
    sim.faults.stopHeartbeats(false);
    rig.rate(RATE);
    await sleep(1500);
    await rig.allLive();
    const a = await rig.settle();

    assertNoLoss(a, 1500);
    const silent = rec.outages.slice(silentFrom);
    const detectedAfter: number[] = [];
    for (const outage of silent) {
      const first = outage.states[0]!;
      assert.equal(first.kind, 'reconnecting', reasons(outage.states).join(' | '));
      const match = /sent nothing for ([\d.]+) s \(no heartbeat\)/.exec(first.kind === 'reconnecting' ? first.reason : '');
      assert.ok(match, `the watchdog says why: ${reasons(outage.states).join(' | ')}`);
      const silentMs = Number(match[1]) * 1000;
      // A timer never fires early: the watchdog waits at least three heartbeat intervals (it allows 3.5).
      assert.ok(silentMs >= 3 * HEARTBEAT_MS, `waited ${silentMs} ms ≥ 3 heartbeats before giving up`);
      detectedAfter.push(silentMs);
    }
    assert.ok(silent.length >= 5 * rounds);
    const sorted = [...detectedAfter].sort((x, y) => x - y);
    recordFigures('no heartbeats from the server', rounds, a, rec, {
      watchdogSilenceMsMedian: sorted[Math.floor(sorted.length / 2)]!,
      watchdogSilenceMsMax: sorted.at(-1)!,
      heartbeatMs: HEARTBEAT_MS,
    });
  });

  it('the client does not answer heartbeats (a proxy swallows the answers): the server closes, the client reconnects, nothing is lost or shown twice', async () => {
    rig = await startRig({ proxy: true, sim: { heartbeatMs: HEARTBEAT_MS, heartbeatMissLimit: 3 } });
    const { rec } = rig;
    const proxy = rig.proxy!;
    rig.rate(RATE);
    await sleep(500);
    const rounds = FULL ? 6 : 3;
    // The server also replays from 25 events earlier than asked (seq_start read loosely): what was already
    // delivered must be dropped, not shown twice.
    let overlapping = 0;
    proxy.rewriteUpgradePath = (path) =>
      path.replace(/seq_start=(\d+)/, (_, n: string) => {
        if (Number(n) > 25) overlapping++;
        return `seq_start=${Math.max(0, Number(n) - 25)}`;
      });
    proxy.passFromClient = (text) => text !== 'Z' && text !== '1|Z';
    await waitFor(`${rounds} closes by the server per stream`, () => rig!.eventTypes.every((t) => rec.recoveries(t).length >= rounds), 30_000, 20);
    proxy.passFromClient = () => true;
    await sleep(1000);
    await rig.allLive();
    const a = await rig.settle();

    assertNoLoss(a, 2000);
    assert.ok(proxy.swallowed.count > 0, 'answers were swallowed');
    assert.ok(overlapping >= 5, `reconnects replayed from earlier than asked (${overlapping})`);
    for (const type of rig.eventTypes) {
      for (const outage of rec.recoveries(type)) {
        const first = outage.states[0]!;
        assert.equal(first.kind, 'reconnecting');
        assert.match(first.kind === 'reconnecting' ? first.reason : '', /code 1008.*no answer to 3 heartbeats/, 'the server closed it for the missing answers');
      }
    }
    // Once answers get through again the sockets stay up.
    const outages = rec.outages.length;
    await sleep(HEARTBEAT_MS * 6);
    assert.equal(rec.outages.length, outages, 'answered heartbeats keep the socket up');
    recordFigures('client does not answer heartbeats', rounds, a, rec, { answersSwallowed: proxy.swallowed.count, overlappingReplays: overlapping });
  });

  it('stream keys expire (HTTP 401 at the upgrade): a new subscription and key per stream, streaming resumes, the user is told once', async () => {
    rig = await startRig({ proxy: true });
    const { sim, rec, session } = rig;
    const proxy = rig.proxy!;
    const injections = FULL ? 5 : 3;
    rig.rate(RATE);
    for (let i = 0; i < injections; i++) {
      await sleep(1500);
      // Events the old subscription numbers after its key died reach no one (a real server too): pause the
      // devices over the switch so every event numbered has a live subscription to reach.
      await rig.settle();
      rig.rate(0);
      const before = new Map(session.activeSubscriptions().map((s) => [s.subscription_type, s.id]));
      const noticesBefore = rec.notices.length;
      const logsBefore = rec.logs.length;
      const mark = proxy.requests.length;
      // The last round also lets the access token go stale, so renewing must refresh it first.
      if (i === injections - 1) sim.faults.expireAccessTokens();
      assert.equal(sim.faults.expireStreamKeys(), 5);
      await waitFor('five new subscriptions', () => session.activeSubscriptions().every((s) => s.id !== before.get(s.subscription_type)), 20_000, 20).catch((error: Error) => {
        throw new Error(`${error.message} (round ${i + 1}): subscriptions ${JSON.stringify(session.activeSubscriptions().map((s) => [s.subscription_type, s.id]))}, before ${JSON.stringify([...before])}; stuck logs ${rec.logs.slice(logsBefore).filter((l) => session.activeSubscriptions().some((s) => s.id === before.get(s.subscription_type) && l.includes(`[${s.subscription_type} stream]`))).join(' | ')}; states ${JSON.stringify(rec.states.slice(-8))}`);
      });
      await rig.allLive();
      rig.rate(RATE);

      const calls = proxy.requests.slice(mark).map((r) => `${r.method} ${r.url.replace(/\/\d+\.json/, '/N.json')} ${r.status}`);
      const created = calls.filter((c) => c.startsWith('POST /api/v1/subscriptions') && c.endsWith(' 201')).length;
      const deleted = calls.filter((c) => c.startsWith('DELETE /api/v1/subscriptions') && c.endsWith(' 204')).length;
      assert.equal(created, 5, `one new subscription per stream: ${calls.join(', ')}`);
      assert.equal(deleted, 5, `each dead subscription deleted: ${calls.join(', ')}`);
      const refreshes = calls.filter((c) => c.startsWith('POST /users/refresh_token')).length;
      assert.equal(refreshes, i === injections - 1 ? 1 : 0, `one shared token refresh when the token was stale: ${calls.join(', ')}`);
      assert.equal(rec.notices.length - noticesBefore, 1, `told once: ${rec.notices.slice(noticesBefore).map((n) => n.text).join(' | ')}`);
      assert.equal(rec.logs.slice(logsBefore).filter((l) => /stream key was refused; streaming again on a new subscription/.test(l)).length, 5);
      const gone = sim.sequences().filter((s) => before.has(s.subscriptionType as never) && [...before.values()].includes(s.id));
      assert.ok(gone.every((s) => s.deleted), 'the dead subscriptions are gone from the server');
    }
    await sleep(1500);
    const a = await rig.settle();
    assertNoLoss(a, 2000);
    for (const type of rig.eventTypes) {
      const refused = rec.states.filter((s) => s.eventType === type && s.state.kind === 'reconnecting' && /stream key was refused \(HTTP 401\)/.test(s.state.reason));
      assert.equal(refused.length, injections, `${type}: one key renewal per expiry (${rec.stateKinds(type).join(', ')})`);
      assert.ok(!rec.stateKinds(type).includes('failed'), `${type} never failed`);
    }
    assert.equal(a.perSubscription.length, 5 * (injections + 1), 'a subscription per stream per key');
    recordFigures('stream key expired (401 at upgrade)', injections, a, rec);
  });

  it('the simulator is killed and restarted on the same port: the client reconnects once it is back, resumes by seq, loses nothing', async () => {
    rig = await startRig();
    const { rec } = rig;
    const injections = FULL ? 5 : 3;
    const downMs = FULL ? 5000 : 1000;
    const isRefused = (s: StreamState): boolean => s.kind === 'reconnecting' && /ECONNREFUSED/.test(s.reason);
    function refusedCount(): Map<string, number>;
    function refusedCount(type: string): number;
    function refusedCount(type?: string): Map<string, number> | number {
      const count = (t: string): number => rec.states.filter((s) => s.eventType === t && isRefused(s.state)).length;
      return type === undefined ? new Map(rig!.eventTypes.map((t) => [t, count(t)])) : count(type);
    }
    rig.rate(RATE);
    for (let i = 0; i < injections; i++) {
      await sleep(800);
      const refusedBefore = refusedCount();
      // Down for downMs, and until every stream has tried and been refused at least once.
      await rig.killAndRestart(downMs, () => rig!.eventTypes.every((t) => refusedCount(t) > refusedBefore.get(t)!));
      await rig.allLive(30_000);
    }
    await sleep(800);
    const a = await rig.settle();

    assertNoLoss(a, 2000);
    for (const type of rig.eventTypes) {
      const recoveries = rec.recoveries(type);
      assert.equal(recoveries.length, injections, `${type}: back after each restart (${rec.stateKinds(type).join(', ')})`);
      for (const outage of recoveries) {
        assert.ok(outage.states.every((s) => s.kind === 'reconnecting'), `${type}: only reconnecting while the server is away: ${reasons(outage.states).join(' | ')}`);
        assert.ok(outage.states.some(isRefused), `${type}: tried while it was down: ${reasons(outage.states).join(' | ')}`);
      }
    }
    assert.equal(rec.notices.filter((n) => n.kind === 'broke').length, injections, 'one notice per outage');
    assert.equal(rec.gaps.length, 0);
    recordFigures(`simulator killed, back after ${downMs / 1000} s`, injections, a, rec);
  });
});
