// The Devices tree, the status bar item and the stream-break notifications in the real extension host,
// against the built-in simulator. The session is signed in here directly (not through the sign-in
// prompts, which account.test.ts covers) and handed to the extension's explorer; the simulator is driven
// through its HTTP control plane, since it runs in the extension host and not in this test.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { EVENT_TYPES } from '../../src/ayla/events';
import { AylaSession } from '../../src/ayla/session';
import type { ExtensionApi } from '../../src/extension/api';
import type { DeviceTreeRow } from '../../src/extension/deviceTreeProvider';
import { DEMO_USER, ACCOUNTS } from '../../src/simulator/catalog';
import { sleep, waitFor } from '../unit/support/waitFor';
import { activeApi, attachSimulatorSession, messagesSince, simulatorControl, startQuietSimulator } from './support/host';

/** Longer than a refresh interval (250 ms) and an age tick (1 s): a frozen view would have changed by then. */
const SETTLE_MS = 1500;
const WAIT_MS = 10_000;

interface SimulatedDevice {
  dsn: string;
  productName: string;
  ownerUuid: string;
  properties: string[];
}

const DEMO_UUID = ACCOUNTS.find((a) => a.email === DEMO_USER.email)!.uuid;

let api: ExtensionApi;
let simulatorUrl: string;
let session: AylaSession | undefined;


/** Calls the simulator's control plane (`/_simulator/...`). */
function control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  return simulatorControl(simulatorUrl, method, path, body);
}

/** Expands a device row as a click would, once VS Code has loaded that row (reveal fails before). */
async function expand(dsn: string): Promise<void> {
  await waitFor(`the ${dsn} row to expand`, () => api.testing.expandDevice(dsn).then(() => true, () => false), WAIT_MS, 100);
}

async function setDatapoint(dsn: string, property: string, value: string | number): Promise<void> {
  await control('POST', `devices/${encodeURIComponent(dsn)}/datapoint`, { property, value });
}

/** The demo account's devices (the simulator also has another user's). */
async function demoDevices(): Promise<SimulatedDevice[]> {
  return ((await control('GET', 'devices')) as SimulatedDevice[]).filter((d) => d.ownerUuid === DEMO_UUID);
}

/** Signs in to the simulator with the demo account and hands the session to the extension's explorer. */
async function attach(): Promise<void> {
  session = await attachSimulatorSession(api, simulatorUrl);
}

async function startStreaming(): Promise<void> {
  await api.explorer.startStreaming({
    eventTypes: EVENT_TYPES,
    dsn: '',
    propertyName: '',
    oemModel: '',
    // Quick retries, so a broken stream reconnects many times within a test.
    stream: { backoff: { initialMs: 200, maxMs: 400 } },
  });
  await waitFor('streaming to be live', () => streamingKind() === 'live', WAIT_MS);
}

function streamingKind(): string {
  const state = api.explorer.state;
  return state.kind === 'signedIn' ? state.streaming.kind : state.kind;
}

function eventsReceived(): number {
  const state = api.explorer.state;
  return state.kind === 'signedIn' ? state.eventsReceived : 0;
}

async function showDevicesView(): Promise<void> {
  await vscode.commands.executeCommand('aylaDss.devices.focus');
  await waitFor('the Devices view to be visible', () => api.testing.devicesTreeVisible(), WAIT_MS);
}

async function hideDevicesView(): Promise<void> {
  await vscode.commands.executeCommand('workbench.view.explorer');
  await waitFor('the Devices view to be hidden', () => !api.testing.devicesTreeVisible(), WAIT_MS);
}

function deviceRow(dsn: string): DeviceTreeRow | undefined {
  return api.testing.devicesTree().find((row) => row.id === `device:${dsn}`);
}

function propertyRow(dsn: string, name: string): DeviceTreeRow | undefined {
  return deviceRow(dsn)?.children?.find((row) => row.id === `property:${dsn}/${name}`);
}

function description(dsn: string, name: string): string {
  return propertyRow(dsn, name)?.description ?? '(no row)';
}

async function waitForDescription(dsn: string, name: string, pattern: RegExp): Promise<string> {
  return waitFor(`${dsn} ${name} to read ${pattern}, reads "${description(dsn, name)}"`, () => pattern.test(description(dsn, name)) && description(dsn, name), WAIT_MS);
}

/** Messages shown in the current test (since its mark) that match. */
let mark = 0;
function messages(pattern: RegExp): number {
  return messagesSince(api, mark).filter((m) => pattern.test(m.text)).length;
}

function statusText(): string {
  return api.testing.statusBar().text;
}

async function waitForStatus(pattern: RegExp): Promise<string> {
  return waitFor(`the status bar to read ${pattern}, reads "${statusText()}"`, () => pattern.test(statusText()) && statusText(), WAIT_MS);
}

describe('Devices tree and status bar (real host, simulator)', function () {
  this.timeout(60_000);
  let devices: SimulatedDevice[];

  beforeEach(async () => {
    api = await activeApi();
    mark = api.messageCount();
    simulatorUrl = await startQuietSimulator(api);
    devices = await demoDevices();
    assert.equal(devices.length, 3, 'the simulator has three demo devices');
  });

  afterEach(async () => {
    if (api.explorer.currentSession) {
      await control('POST', 'faults/reset').catch(() => undefined);
      await api.explorer.stopStreaming().catch(() => undefined);
    }
    await api.explorer.detach(undefined);
    session?.dispose();
    session = undefined;
    await vscode.commands.executeCommand('aylaDss.stopSimulator');
  });

  it('lists the simulator\'s devices and their properties, labelled and described', async () => {
    assert.equal(statusText(), '$(cloud) Ayla DSS: signed out');
    await showDevicesView();
    await attach();
    assert.equal(statusText(), '$(debug-disconnect) Ayla DSS: not streaming');
    const rows = await waitFor('three devices with their properties in the tree', () => {
      const tree = api.testing.devicesTree();
      return tree.length === 3 && tree.every((row) => (row.children?.length ?? 0) > 0) && tree;
    }, WAIT_MS);
    for (const device of devices) {
      const row = rows.find((r) => r.id === `device:${device.dsn}`);
      assert.ok(row, `${device.dsn} is in the tree`);
      assert.equal(row.label, device.productName);
      assert.equal(row.description, 'Online · AY001MRT1');
      assert.equal(row.icon, 'vm-active');
      assert.match(row.tooltip, new RegExp(`DSN: ${device.dsn}`));
      assert.match(row.tooltip, /OEM model: \w+/);
      assert.deepEqual(row.children?.map((c) => c.id).sort(), device.properties.map((p) => `property:${device.dsn}/${p}`).sort(), `${device.dsn}'s properties`);
    }
    const first = devices[0]!.dsn;
    const temperature = propertyRow(first, 'temperature');
    assert.equal(temperature?.label, 'Temperature');
    assert.match(temperature?.description ?? '', /^\d+(\.\d+)? · (just now|\d+[smhd] ago)$/);
    assert.equal(temperature?.icon, 'arrow-up');
    assert.match(temperature?.tooltip ?? '', /Base type: decimal/);
    assert.match(temperature?.tooltip ?? '', /Direction: from device \(output\)/);
    assert.match(propertyRow(first, 'Blue_LED')?.description ?? '', /^(on|off) · /, 'booleans read on/off');
    assert.equal(propertyRow(first, 'Blue_LED')?.icon, 'arrow-down');
  });

  it('shows a new value after the simulator changes a property, and keeps its age current', async () => {
    await showDevicesView();
    await attach();
    await startStreaming();
    const dsn = devices[1]!.dsn;
    await waitFor('the device in the tree', () => deviceRow(dsn), WAIT_MS);
    const value = `tree-${Date.now()}`;
    await setDatapoint(dsn, 'status', value);
    await waitForDescription(dsn, 'status', new RegExp(`^${value} · just now$`));
    assert.match(propertyRow(dsn, 'status')?.tooltip ?? '', /Last event: datapoint, seq \d+/);
    await setDatapoint(dsn, 'temperature', 27.3);
    await waitForDescription(dsn, 'temperature', /^27\.3 · just now$/);
    // With the row expanded, the age moves on by itself while no event arrives.
    await expand(dsn);
    await waitForDescription(dsn, 'status', new RegExp(`^${value} · [1-9]\\d*s ago$`));
  });

  it('adds a device that appears through a registration event', async () => {
    await showDevicesView();
    await attach();
    await startStreaming();
    const newcomer = devices[2]!.dsn;
    // A listing from before the device was registered: the store (and so the tree) knows only the others.
    const listing = (await session!.devices.listDevices()).filter((d) => d.dsn !== newcomer);
    api.explorer.store.loadDevices(listing);
    await waitFor('the tree to lose the unlisted device', () => api.testing.devicesTree().length === 2 && !deviceRow(newcomer), WAIT_MS);
    await control('POST', `devices/${newcomer}/register`, { registered: true });
    const row = await waitFor('the registered device in the tree with its properties', () => {
      const r = deviceRow(newcomer);
      return r && (r.children?.length ?? 0) === devices[2]!.properties.length && r;
    }, WAIT_MS);
    assert.equal(api.testing.devicesTree().length, 3);
    assert.match(row.tooltip, /Registration: registered/);
  });

  it('freezes the tree while paused though events are still counted, and shows the latest value at once on resume', async () => {
    await showDevicesView();
    await attach();
    await startStreaming();
    const dsn = devices[0]!.dsn;
    // A rendered row (its device expanded) is what a pause must freeze.
    await expand(dsn);
    await setDatapoint(dsn, 'status', 'before-pause');
    await waitForDescription(dsn, 'status', /^before-pause · /);

    await vscode.commands.executeCommand('aylaDss.pauseStreaming');
    assert.equal(api.explorer.isPaused, true);
    await waitForStatus(/^\$\(debug-pause\) Ayla DSS: paused · /);
    const frozen = api.testing.devicesTreeStats();
    const counted = eventsReceived();
    await setDatapoint(dsn, 'status', 'during-pause');
    await waitFor('the event to reach the model', () => api.explorer.store.property(dsn, 'status')?.value === 'during-pause', WAIT_MS);
    await sleep(SETTLE_MS);
    assert.ok(eventsReceived() > counted, 'events are still received and counted while paused');
    assert.match(description(dsn, 'status'), /^before-pause · /, 'the tree still shows the value from before the pause');
    assert.equal(api.testing.devicesTreeStats().refreshes, frozen.refreshes, 'no tree refresh while paused');

    await vscode.commands.executeCommand('aylaDss.resumeStreaming');
    await waitForDescription(dsn, 'status', /^during-pause · /);
    assert.ok(api.testing.devicesTreeStats().refreshes > frozen.refreshes);
    await waitForStatus(/^\$\(pulse\) Ayla DSS: live · /);
  });

  it('does not refresh the tree while the view is hidden, and catches up when it is shown', async () => {
    await showDevicesView();
    await attach();
    await startStreaming();
    const dsn = devices[2]!.dsn;
    // A rendered row (its device expanded) is what a hidden view must leave alone.
    await expand(dsn);
    await setDatapoint(dsn, 'status', 'while-visible');
    await waitForDescription(dsn, 'status', /^while-visible · /);

    await hideDevicesView();
    const hidden = api.testing.devicesTreeStats();
    await setDatapoint(dsn, 'status', 'while-hidden');
    await waitFor('the event to reach the model', () => api.explorer.store.property(dsn, 'status')?.value === 'while-hidden', WAIT_MS);
    await sleep(SETTLE_MS);
    assert.equal(api.testing.devicesTreeStats().refreshes, hidden.refreshes, 'no refresh for a hidden view');
    assert.match(description(dsn, 'status'), /^while-visible · /);

    await showDevicesView();
    await waitForDescription(dsn, 'status', /^while-hidden · /);
  });

  it('coalesces refreshes: 200 events cause far fewer tree refreshes, for the changed nodes only', async () => {
    await showDevicesView();
    await attach();
    await startStreaming();
    await waitFor('all devices in the tree', () => api.testing.devicesTree().length === 3, WAIT_MS);
    // Only rows VS Code has rendered are refreshed (a collapsed device's properties need none): show them all.
    for (const { dsn } of devices) await expand(dsn);
    await sleep(SETTLE_MS); // the listing's own refresh is done
    const before = api.testing.devicesTreeStats();
    const counted = eventsReceived();
    await control('POST', 'flood', { count: 200 });
    await waitFor('200 more events received', () => eventsReceived() - counted >= 200, WAIT_MS);
    // The tree catches up with the last counter value of every device.
    for (const { dsn } of devices) {
      const latest = api.explorer.store.property(dsn, 'counter')?.value;
      await waitForDescription(dsn, 'counter', new RegExp(`^${String(latest)} · `));
    }
    const after = api.testing.devicesTreeStats();
    const events = eventsReceived() - counted;
    const fires = after.refreshes - before.refreshes;
    assert.ok(fires > 0, 'the tree was refreshed');
    assert.ok(fires < events, `${fires} refreshes for ${events} events`);
    assert.ok(after.nodesRefreshed - before.nodesRefreshed < events, `${after.nodesRefreshed - before.nodesRefreshed} nodes refreshed for ${events} events`);
    assert.equal(after.fullRefreshes, before.fullRefreshes, 'value changes never refresh the whole tree');
  });

  it('status bar: connecting, live with events per second, reconnecting with attempt and next try, live again — with one warning and one recovery message', async () => {
    await attach();
    assert.equal(statusText(), '$(debug-disconnect) Ayla DSS: not streaming');
    assert.ok(api.testing.statusBar().actions.includes('aylaDss.startStreaming'));

    // Subscriptions and upgrades answer slowly, so "connecting" stays long enough to be seen.
    await control('POST', 'faults/delay', { ms: 700, count: 10 });
    const started = startStreaming();
    await waitForStatus(/^\$\(sync~spin\) Ayla DSS: connecting…$/);
    await started;
    await control('POST', 'rate', { eventsPerSecond: 5 });
    await waitForStatus(/^\$\(pulse\) Ayla DSS: live · (?!0 ev\/s)[\d.]+k? ev\/s$/);
    const live = api.testing.statusBar();
    assert.match(live.tooltip, /Signed in as dev@example\.com to Local simulator \(mobile\)\./);
    assert.match(live.tooltip, /Streams: connectivity, datapoint, datapointack, location, registration\./);
    assert.deepEqual(live.actions.slice(0, 2), ['aylaDss.pauseStreaming', 'aylaDss.stopStreaming']);
    await control('POST', 'rate', { eventsPerSecond: 0 });

    // Break every socket and refuse the upgrades: the streams retry again and again.
    const broke = messages(/^The event stream broke/);
    const recovered = messages(/^The event stream is live again/);
    await control('POST', 'faults/fail', { status: 503, pathPrefix: '/stream' });
    await control('POST', 'faults/drop-sockets');
    await waitForStatus(/^\$\(sync~spin\) Ayla DSS: reconnecting \(attempt \d+, (next try in \d+s|retrying now)\)$/);
    assert.equal(api.testing.statusBar().background, 'warning');
    await waitFor('several reconnect attempts', () => {
      const state = api.explorer.state;
      return state.kind === 'signedIn' && state.streaming.kind === 'reconnecting' && state.streaming.attempt >= 3;
    }, WAIT_MS);
    assert.match(api.testing.statusBar().tooltip, /Last error: /);
    assert.equal(messages(/^The event stream broke/), broke + 1, 'one warning for the outage, not one per retry');
    assert.equal(api.recentMessages().filter((m) => /^The event stream broke/.test(m.text)).at(-1)?.severity, 'warning');

    await control('POST', 'faults/reset');
    await waitForStatus(/^\$\(pulse\) Ayla DSS: live · /);
    await waitFor('the recovery message', () => messages(/^The event stream is live again/) === recovered + 1, WAIT_MS);
    await sleep(SETTLE_MS);
    assert.equal(messages(/^The event stream is live again/), recovered + 1, 'one recovery message');
    assert.equal(messages(/^The event stream broke/), broke + 1);
  });

  it('status bar: signed out again after detaching, with sign-in offered; the tree empties', async () => {
    await showDevicesView();
    await attach();
    await startStreaming();
    await api.explorer.stopStreaming();
    await api.explorer.detach(undefined);
    assert.equal(statusText(), '$(cloud) Ayla DSS: signed out');
    assert.deepEqual(api.testing.statusBar().actions.slice(0, 2), ['aylaDss.signIn', 'aylaDss.tryLocalSimulator']);
    await waitFor('the tree to empty (the view then shows its welcome)', () => api.testing.devicesTree().length === 0, WAIT_MS);
  });
});
