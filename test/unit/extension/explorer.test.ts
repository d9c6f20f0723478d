// The Explorer (session + streams + device store) in plain Node against the simulator: what every
// surface renders comes from here, so its states and its store must be right before any view is.
import { strict as assert } from 'node:assert';
import { resolveHosts } from '../../../src/ayla/hosts';
import { AylaSession } from '../../../src/ayla/session';
import { Explorer, type StreamingSettings } from '../../../src/extension/explorer';
import type { AccountInfo, ExplorerState } from '../../../src/extension/explorerState';
import { startSimulator, type Simulator } from '../../../src/simulator';
import { waitFor } from '../support/waitFor';

const ACCOUNT: AccountInfo = { email: 'dev@example.com', cloudLabel: 'Local simulator', clientType: 'mobile' };
const ALL: StreamingSettings = {
  eventTypes: ['connectivity', 'datapoint', 'datapointack', 'location', 'registration'],
  dsn: '',
  propertyName: '',
  oemModel: '',
  stream: { heartbeatIntervalMs: 200, backoff: { initialMs: 50, maxMs: 200 } },
};

describe('Explorer', function () {
  this.timeout(20_000);
  let sim: Simulator;
  let explorer: Explorer;
  let states: ExplorerState[];

  async function signedIn(): Promise<AylaSession> {
    const session = await AylaSession.signIn({ hosts: resolveHosts({ region: 'us', deployment: 'field', clientType: 'mobile', baseUrl: sim.url }), clientType: 'mobile' }, sim.demo);
    await explorer.attach(session, ACCOUNT);
    return session;
  }

  const streamingKind = (): string | undefined => (explorer.state.kind === 'signedIn' ? explorer.state.streaming.kind : undefined);

  beforeEach(async () => {
    sim = await startSimulator({ port: 0, eventsPerSecond: 0, heartbeatMs: 200 });
    explorer = new Explorer({ historySize: 50, eventBufferSize: 100 });
    states = [];
    explorer.onDidChangeState((s) => states.push(s));
  });

  afterEach(async () => {
    await explorer.currentSession?.stopStreaming().catch(() => undefined);
    explorer.currentSession?.dispose();
    explorer.dispose();
    await sim.stop();
  });

  it('is signed out until a session is attached, then lists the devices and their properties', async () => {
    assert.deepEqual(explorer.state, { kind: 'signedOut', reason: undefined });
    explorer.signingIn(ACCOUNT);
    assert.equal(explorer.state.kind, 'signingIn');
    await signedIn();
    // Read through a typed local: the assertion above narrowed the getter's type.
    const state: ExplorerState = explorer.state as ExplorerState;
    assert.equal(state.kind, 'signedIn');
    assert.equal(state.kind === 'signedIn' && state.streaming.kind, 'stopped');
    const devices = explorer.store.devices();
    assert.equal(devices.length, 3);
    for (const device of devices) assert.ok(explorer.store.properties(device.dsn).some((p) => p.name === 'Blue_LED'), `${device.dsn} has its properties`);
  });

  it('streams into the store and counts events per second', async () => {
    await signedIn();
    await explorer.startStreaming(ALL);
    await waitFor('live', () => streamingKind() === 'live', 10_000);
    const dsn = explorer.store.devices()[0]!.dsn;
    sim.devices.emitDatapoint(dsn, 'temperature', 30.5);
    await waitFor('the value in the store', () => explorer.store.property(dsn, 'temperature')?.value === 30.5);
    await sim.flood(200);
    await waitFor('a non-zero rate', () => explorer.state.kind === 'signedIn' && explorer.state.eventsPerSecond > 0, 10_000);
    const state = explorer.state;
    assert.ok(state.kind === 'signedIn' && state.eventsReceived >= 201, 'every event counted');
    assert.deepEqual(state.kind === 'signedIn' && [...state.streams].sort(), [...ALL.eventTypes].sort());
  });

  it('pauses the views but keeps receiving and counting; resume tells the views to catch up', async () => {
    await signedIn();
    await explorer.startStreaming(ALL);
    await waitFor('live', () => streamingKind() === 'live', 10_000);
    let resumed = 0;
    explorer.onDidResume(() => resumed++);
    explorer.pause();
    assert.equal(explorer.state.kind === 'signedIn' && explorer.state.paused, true);
    const dsn = explorer.store.devices()[0]!.dsn;
    sim.devices.emitDatapoint(dsn, 'counter', 7);
    await waitFor('the event received while paused', () => explorer.store.property(dsn, 'counter')?.value === 7);
    assert.equal(resumed, 0);
    explorer.resume();
    assert.equal(resumed, 1);
    assert.equal(explorer.state.kind === 'signedIn' && explorer.state.paused, false);
  });

  it('reports reconnecting when the sockets drop, and live again once they are back', async () => {
    await signedIn();
    await explorer.startStreaming({ ...ALL, eventTypes: ['datapoint'] });
    await waitFor('live', () => streamingKind() === 'live', 10_000);
    // Refuse the upgrades so the stream stays reconnecting long enough to read its countdown twice.
    sim.faults.failRequests({ status: 503, pathPrefix: '/stream' });
    sim.faults.dropAllSockets();
    await waitFor('reconnecting', () => streamingKind() === 'reconnecting', 10_000);
    const first = explorer.state;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const again = explorer.state;
    assert.ok(first.kind === 'signedIn' && first.streaming.kind === 'reconnecting' && again.kind === 'signedIn' && again.streaming.kind === 'reconnecting');
    if (first.streaming.attempt === again.streaming.attempt) {
      assert.equal(again.streaming.nextTryAt, first.streaming.nextTryAt, 'the next try does not move when read later');
    }
    sim.faults.reset();
    await waitFor('live again', () => streamingKind() === 'live', 10_000);
  });

  it('stops streaming (subscriptions deleted) and goes back to stopped', async () => {
    const session = await signedIn();
    await explorer.startStreaming(ALL);
    await waitFor('live', () => streamingKind() === 'live', 10_000);
    await explorer.stopStreaming();
    assert.equal(streamingKind(), 'stopped');
    assert.deepEqual(await session.subscriptions.listSubscriptions(), []);
  });

  it('fetches the properties of a device that appears through a registration event', async () => {
    await signedIn();
    await explorer.startStreaming({ ...ALL, eventTypes: ['registration'] });
    await waitFor('live', () => streamingKind() === 'live', 10_000);
    const dsn = explorer.store.devices()[1]!.dsn;
    // Forget the device so it comes back through the event alone.
    explorer.store.loadDevices(explorer.store.devices().filter((d) => d.dsn !== dsn).map((d) => d.device!));
    assert.equal(explorer.store.device(dsn), undefined);
    sim.devices.register(dsn, true);
    await waitFor('the device and its properties', () => explorer.store.properties(dsn).length > 0, 10_000);
  });

  it('goes back to signed out, with the reason, when the session ends', async () => {
    const session = await signedIn();
    await explorer.startStreaming({ ...ALL, eventTypes: ['location'] });
    session.keeper.signOut('Signed out: test.');
    await waitFor('signed out', () => explorer.state.kind === 'signedOut');
    assert.deepEqual(explorer.state, { kind: 'signedOut', reason: 'Signed out: test.' });
    assert.equal(explorer.store.devices().length, 0, 'the store is cleared');
  });

  it('refuses streaming commands while signed out with a sentence that says what to do', async () => {
    await assert.rejects(explorer.startStreaming(ALL), /Not signed in: run "Ayla DSS: Sign In" first\./);
  });
});
