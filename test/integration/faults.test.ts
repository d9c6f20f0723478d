// The fault matrix's main rows again, in the real extension host against the built-in simulator, checking
// what the user sees (the explorer's state behind the status bar, the notifications, the events channel)
// as well as what arrives: thousands of events across all five types, the fault injected (repeatedly where
// it makes sense), then zero lost and zero duplicated by `seq` continuity, one warning per outage and one
// recovery. The figures go to test-results/reliability-host.json for the README's Reliability section.
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { request } from 'undici';
import { EVENT_TYPES, type DssEvent } from '../../src/ayla/events';
import type { ExtensionApi } from '../../src/extension/api';
import type { ExplorerState } from '../../src/extension/explorerState';
import { sleep, waitFor } from '../unit/support/waitFor';
import { TOKENS_KEY } from '../../src/extension/sessionStore';
import { startSimulator, type Simulator } from '../../src/simulator';
import { EXTENSION_ID, activeApi, attachSimulatorSession, filesUnder, messagesSince, simulatorControl, startQuietSimulator } from './support/host';

const WAIT_MS = 20_000;
/** Per device; the simulator's three demo devices emit every event type on their own at this rate. */
const RATE = 100;

interface HostFigure {
  fault: string;
  injections: number;
  events: number;
  lost: number;
  duplicated: number;
  reconnects: number;
  medianReconnectMs: number | null;
  maxReconnectMs: number | null;
  warnings: number;
  recoveries: number;
  outcome: string;
}

const figures: HostFigure[] = [];

let api: ExtensionApi;
let simulatorUrl: string;

async function control(path: string, body?: unknown): Promise<unknown> {
  return simulatorControl(simulatorUrl, 'POST', path, body);
}

function streaming(): string {
  const state = api.explorer.state;
  return state.kind === 'signedIn' ? state.streaming.kind : state.kind;
}

/** Messages shown in the current test (since its mark) that match. */
let mark = 0;
function count(pattern: RegExp): number {
  return messagesSince(api, mark).filter((m) => pattern.test(m.text)).length;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Everything the explorer received, per event type, and its state changes with times. `seq` counts per
 * subscription, so continuity is checked per type while the subscription stays the same.
 */
class Observer {
  readonly seqs = new Map<string, number[]>();
  readonly states: { at: number; kind: string }[] = [];
  undecodable = 0;
  private readonly disposables: { dispose(): void }[];

  constructor() {
    this.disposables = [
      api.explorer.onEvent((event: DssEvent) => {
        if (event.seq === undefined) return;
        const list = this.seqs.get(event.type) ?? [];
        list.push(event.seq);
        this.seqs.set(event.type, list);
      }),
      api.explorer.onDidChangeState((state: ExplorerState) => {
        const kind = state.kind === 'signedIn' ? state.streaming.kind : state.kind;
        if (this.states.at(-1)?.kind !== kind) this.states.push({ at: Date.now(), kind });
      }),
      api.explorer.onUndecodable(() => this.undecodable++),
    ];
  }

  get events(): number {
    let total = 0;
    for (const list of this.seqs.values()) total += list.length;
    return total;
  }

  /**
   * Gaps and repeats in each type's seq runs. A run restarts at seq 1 when the stream moved to a new
   * subscription (a renewed stream key); `lost` then counts within runs only, and `renewals` says how many.
   */
  continuity(): { lost: number; duplicated: number; renewals: number; perType: Record<string, number> } {
    let lost = 0;
    let duplicated = 0;
    let renewals = 0;
    const perType: Record<string, number> = {};
    for (const [type, list] of this.seqs) {
      perType[type] = list.length;
      let last = 0;
      for (const seq of list) {
        if (seq === 1 && last >= 1) {
          renewals++;
          last = 0;
        }
        if (seq <= last) duplicated++;
        else {
          if (last > 0) lost += seq - last - 1;
          last = seq;
        }
      }
    }
    return { lost, duplicated, renewals, perType };
  }

  /** Times from each `reconnecting` to the `live` that followed it. */
  reconnectTimes(): number[] {
    const times: number[] = [];
    for (let i = 0; i < this.states.length; i++) {
      if (this.states[i]!.kind !== 'reconnecting') continue;
      const live = this.states.slice(i + 1).find((s) => s.kind === 'live');
      if (live) times.push(live.at - this.states[i]!.at);
    }
    return times;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** The session's tokens as SecretStorage holds them. */
async function storedTokens(): Promise<{ accessToken: string; refreshToken: string }> {
  const stored = (await api.testing.account.storedSecrets())[TOKENS_KEY];
  assert.ok(stored, 'the session tokens are in SecretStorage');
  return JSON.parse(stored) as { accessToken: string; refreshToken: string };
}

/** Lets every event the simulator published reach the explorer: the rate is 0, then the counts stop moving. */
async function settle(observer: Observer): Promise<void> {
  await control('rate', { eventsPerSecond: 0 });
  let last = -1;
  await waitFor('the event counts to settle', async () => {
    const now = observer.events;
    if (now === last && streaming() === 'live') return true;
    last = now;
    await sleep(500);
    return false;
  }, WAIT_MS, 0);
}

describe('fault matrix in the real extension host (simulator)', function () {
  this.timeout(180_000);

  before(async () => {
    api = await activeApi();
  });

  beforeEach(async () => {
    mark = api.messageCount();
    simulatorUrl = await startQuietSimulator(api);
    await control('faults/reset');
    // As a user does: sign in to the demo account and stream with the extension's own settings.
    await vscode.commands.executeCommand('aylaDss.tryLocalSimulator');
    await waitFor('streaming to be live', () => streaming() === 'live', WAIT_MS).catch((error: Error) => {
      const log = filesUnder(api.testing.account.logFolder()).map((f) => readFileSync(f, 'utf8')).join('\n').split('\n').slice(-25).join('\n');
      throw new Error(`${error.message}: the state is ${JSON.stringify(api.explorer.state)}; the last messages ${JSON.stringify(api.recentMessages().slice(-3))}\n${log}`);
    });
  });

  afterEach(async () => {
    await control('faults/reset');
    if (api.explorer.state.kind !== 'signedOut') await vscode.commands.executeCommand('aylaDss.signOut');
  });

  after(async () => {
    // A fresh simulator for the next file: a session ended by the server leaves its subscriptions behind.
    await vscode.commands.executeCommand('aylaDss.stopSimulator');
    const dir = join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'test-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'reliability-host.json'), `${JSON.stringify({ at: new Date().toISOString(), figures }, null, 2)}\n`);
    console.log(`fault matrix (host): ${figures.map((f) => `${f.fault}: ${f.events} events, lost ${f.lost}, duplicated ${f.duplicated}`).join('; ')}`);
  });

  it('every socket dropped again and again: reconnects each time, zero lost, zero duplicated, one warning and one recovery', async () => {
    const observer = new Observer();
    const warnings = count(/^The event stream broke/);
    const recoveries = count(/^The event stream is live again/);
    await control('rate', { eventsPerSecond: RATE });
    const drops = 8;
    const reconnects = (): number => observer.states.filter((s) => s.kind === 'reconnecting').length;
    for (let i = 0; i < drops; i++) {
      await sleep(900);
      const before = reconnects();
      await control('faults/drop-sockets');
      await waitFor(`reconnect ${i + 1}`, () => reconnects() > before, WAIT_MS);
      await waitFor(`live after drop ${i + 1}`, () => streaming() === 'live', WAIT_MS);
    }
    await waitFor('live after the last drop', () => streaming() === 'live', WAIT_MS);
    await sleep(1000);
    await settle(observer);
    observer.dispose();

    const { lost, duplicated, perType } = observer.continuity();
    const times = observer.reconnectTimes();
    figures.push({
      fault: 'sockets dropped repeatedly', injections: drops, events: observer.events, lost, duplicated, reconnects: times.length,
      medianReconnectMs: median(times), maxReconnectMs: times.length ? Math.max(...times) : null,
      warnings: count(/^The event stream broke/) - warnings, recoveries: count(/^The event stream is live again/) - recoveries, outcome: streaming(),
    });
    assert.ok(observer.events >= 2000, `a few thousand events (${observer.events})`);
    for (const type of EVENT_TYPES) assert.ok((perType[type] ?? 0) > 0, `${type} events arrived (${JSON.stringify(perType)})`);
    assert.equal(lost, 0, 'no event lost');
    assert.equal(duplicated, 0, 'no event repeated');
    assert.ok(times.length >= 1, 'the state went reconnecting → live');
    assert.equal(count(/^The event stream broke/) - warnings, 1, 'one warning for a flapping server, not one per drop');
    assert.equal(count(/^The event stream is live again/) - recoveries, 1, 'one recovery message for the announced outage');
  });

  it('stream keys expire (401 at the upgrade): new subscriptions, new keys, the streams resume; told once', async () => {
    const observer = new Observer();
    const warnings = count(/^The event stream broke/);
    const recoveries = count(/^The event stream is live again/);
    const before = await subscriptionIds();
    await control('rate', { eventsPerSecond: RATE });
    await sleep(1500);
    await control('faults/expire-stream-keys');
    await waitFor('new subscriptions', async () => {
      const now = await subscriptionIds();
      return now.length === EVENT_TYPES.length && now.every((id) => !before.includes(id));
    }, WAIT_MS, 200);
    await waitFor('live again', () => streaming() === 'live', WAIT_MS);
    const atRenewal = observer.events;
    await waitFor('events on the new streams', () => observer.events > atRenewal + 200, WAIT_MS);
    await settle(observer);
    observer.dispose();
    const times = observer.reconnectTimes();
    const { lost, duplicated, renewals } = observer.continuity();
    figures.push({
      fault: 'stream keys expired (401 at upgrade)', injections: 1, events: observer.events, lost, duplicated,
      reconnects: times.length, medianReconnectMs: median(times), maxReconnectMs: times.length ? Math.max(...times) : null,
      warnings: count(/^The event stream broke/) - warnings, recoveries: count(/^The event stream is live again/) - recoveries, outcome: streaming(),
    });
    assert.ok(count(/^The event stream broke/) - warnings <= 1, 'told at most once');
    assert.equal(streaming(), 'live');
    assert.equal(renewals, EVENT_TYPES.length, 'each stream moved to its new subscription once');
    assert.equal(duplicated, 0);
    assert.equal(lost, 0, 'no gap within a subscription');
  });

  it('the access token expires mid-stream: refreshed without interrupting the streams', async () => {
    const observer = new Observer();
    const storedBefore = (await storedTokens()).accessToken;
    await control('rate', { eventsPerSecond: RATE });
    await sleep(1000);
    await control('faults/expire-tokens');
    // Any REST call now meets a 401 and refreshes once.
    await vscode.commands.executeCommand('aylaDss.refreshDevices');
    await waitFor('the refreshed tokens to be stored', async () => (await storedTokens()).accessToken !== storedBefore, WAIT_MS, 200);
    await sleep(1000);
    await settle(observer);
    observer.dispose();
    const { lost, duplicated } = observer.continuity();
    figures.push({
      fault: 'access token expired mid-stream', injections: 1, events: observer.events, lost, duplicated, reconnects: observer.reconnectTimes().length,
      medianReconnectMs: null, maxReconnectMs: null, warnings: 0, recoveries: 0, outcome: streaming(),
    });
    assert.deepEqual(observer.states.filter((s) => s.kind !== 'live'), [], 'the streams never left live');
    assert.equal(lost, 0);
    assert.equal(duplicated, 0);
  });

  it('garbage frames: the sockets stay up, each bad frame is counted and shown raw in the events channel', async () => {
    const observer = new Observer();
    const mark = api.testing.eventLog();
    await control('rate', { eventsPerSecond: RATE });
    await control('faults/garbage', { count: 50 });
    await sleep(1000);
    await settle(observer);
    observer.dispose();
    // Each one is shown raw, or — past 100 at once — counted in a note line: never dropped silently.
    const accounted = (): number => api.testing.eventLog().undecodable - mark.undecodable + api.testing.eventLog().undecodableNotShown - mark.undecodableNotShown;
    await waitFor('the channel to show or count them', () => observer.undecodable > 0 && accounted() === observer.undecodable, WAIT_MS).catch((error: Error) => {
      throw new Error(`${error.message}: ${observer.undecodable} reported, ${accounted()} shown or counted; ${JSON.stringify(api.testing.eventLog())}`);
    });
    const shown = api.testing.eventLogTextSince(mark.chars);
    const { lost, duplicated } = observer.continuity();
    figures.push({
      fault: 'garbage frames', injections: 50, events: observer.events, lost, duplicated, reconnects: observer.reconnectTimes().length,
      medianReconnectMs: null, maxReconnectMs: null, warnings: 0, recoveries: 0, outcome: `${observer.undecodable} frames reported`,
    });
    assert.ok(observer.undecodable >= 50, `every bad frame reported (${observer.undecodable})`);
    assert.match(shown, / undecodable +.+: "/, 'shown raw with the reason');
    assert.deepEqual(observer.states.filter((s) => s.kind !== 'live'), [], 'no reconnect for a bad frame');
    assert.equal(lost, 0);
  });

  it('the refresh token is rejected: a clear "sign in again", and no loop of failing calls', async () => {
    const tokens = await storedTokens();
    // Another client signs the session out on the server: both tokens die.
    const response = await request(`${simulatorUrl}/users/sign_out.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: { access_token: tokens.accessToken } }),
    });
    await response.body.text();
    assert.equal(response.statusCode, 200);
    const observer = new Observer();
    const signedOutBefore = count(/^Signed out: /);
    const listingFailuresBefore = count(/^Could not list the devices/);
    await vscode.commands.executeCommand('aylaDss.refreshDevices');
    await waitFor('signed out', () => api.explorer.state.kind === 'signedOut', WAIT_MS);
    await waitFor('the message', () => count(/^Signed out: the Ayla session expired or was revoked\. Sign in again\.$/) > signedOutBefore, WAIT_MS);
    await waitFor('the dead tokens to be cleared', async () => (await api.testing.account.storedSecrets())[TOKENS_KEY] === undefined, WAIT_MS, 100);
    // No loop: nothing more happens by itself — no second message, no new attempt, no state change.
    await sleep(3000);
    observer.dispose();
    const told = count(/^Signed out: /) - signedOutBefore;
    figures.push({
      fault: 'refresh token rejected', injections: 1, events: 0, lost: 0, duplicated: 0, reconnects: 0, medianReconnectMs: null, maxReconnectMs: null,
      warnings: told, recoveries: 0, outcome: `signed out (${observer.states.map((st) => st.kind).join(' → ')}), nothing after`,
    });
    assert.equal(told, 1, 'told once');
    assert.equal(count(/^Could not list the devices/) - listingFailuresBefore, 0, 'not told again by the command that met the end of the session');
    const kinds = observer.states.map((s) => s.kind);
    assert.equal(kinds.filter((k) => k === 'signedOut').length, 1, `signed out once (${kinds.join(' → ')})`);
    assert.equal(kinds.at(-1), 'signedOut', `and nothing after (${kinds.join(' → ')})`);
  });

  it('the server is killed and comes back: the streams reconnect once it is back, nothing lost, told once and recovered once', async () => {
    // A cloud of the test's own (the extension's simulator signs out when it is stopped, on purpose): it is
    // stopped with every socket cut, stays down, and a new one starts on the same port with the same state,
    // as a real service's databases outlive the process that died.
    await vscode.commands.executeCommand('aylaDss.signOut');
    let cloud: Simulator = await startSimulator({ eventsPerSecond: 0 });
    const { port } = cloud;
    const session = await attachSimulatorSession(api, cloud.url);
    try {
      await api.explorer.startStreaming({ eventTypes: EVENT_TYPES, dsn: '', propertyName: '', oemModel: '' });
      await waitFor('streaming to be live', () => streaming() === 'live', WAIT_MS);
      const observer = new Observer();
      const warnings = count(/^The event stream broke/);
      const recoveries = count(/^The event stream is live again/);
      const restarts = 3;
      for (let i = 0; i < restarts; i++) {
        cloud.setRate(RATE);
        await sleep(1000);
        const world = cloud.world;
        await cloud.stop();
        await waitFor(`reconnecting after stop ${i + 1}`, () => streaming() === 'reconnecting', WAIT_MS);
        await sleep(1500); // down for a while: the streams are refused meanwhile
        cloud = await startSimulator({ port, world, eventsPerSecond: 0 });
        await waitFor(`live after restart ${i + 1}`, () => streaming() === 'live', 30_000);
      }
      cloud.setRate(RATE);
      await sleep(1000);
      cloud.setRate(0);
      let last = -1;
      await waitFor('the counts to settle', async () => {
        const now = observer.events;
        if (now === last) return true;
        last = now;
        await sleep(500);
        return false;
      }, WAIT_MS, 0);
      observer.dispose();
      const { lost, duplicated } = observer.continuity();
      const times = observer.reconnectTimes();
      figures.push({
        fault: 'server killed and restarted', injections: restarts, events: observer.events, lost, duplicated, reconnects: times.length,
        medianReconnectMs: median(times), maxReconnectMs: times.length ? Math.max(...times) : null,
        warnings: count(/^The event stream broke/) - warnings, recoveries: count(/^The event stream is live again/) - recoveries, outcome: streaming(),
      });
      assert.ok(observer.events >= 1000, `events flowed (${observer.events})`);
      assert.equal(lost, 0, 'no event lost across the outages');
      assert.equal(duplicated, 0, 'no event repeated');
      assert.equal(times.length, restarts, 'reconnecting → live once per restart');
      assert.equal(count(/^The event stream broke/) - warnings, 1, 'one warning (the later outages are within the quiet minute)');
      assert.equal(count(/^The event stream is live again/) - recoveries, 1);
    } finally {
      await api.explorer.detach(undefined);
      session.dispose();
      await cloud.stop();
    }
  });
});

/** Ids of the account's subscriptions on the server. */
async function subscriptionIds(): Promise<number[]> {
  const { accessToken } = await storedTokens();
  const response = await request(`${simulatorUrl}/api/v1/subscriptions.json`, { headers: { authorization: `auth_token ${accessToken}` } });
  const list = (await response.body.json()) as { subscription: { id: number } }[];
  assert.equal(response.statusCode, 200);
  return list.map((entry) => entry.subscription.id);
}
