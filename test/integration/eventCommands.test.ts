// Event JSON into code and to-device values, in the real extension host against the built-in simulator:
// "Copy Last Event JSON", "Insert Last Event JSON at Cursor", "Copy Value", "Copy Device JSON", "Open
// Recent Events", "Pick Event…" (through the real quick pick) and "Set Value…" (through the real quick pick
// and input box), with the tree showing each step of a write. What the simulator sent is captured by a raw
// WebSocket subscriber of this test's own, so "exactly the server's event" is checked against the wire.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { request } from 'undici';
import WebSocket from 'ws';
import { EVENT_TYPES } from '../../src/ayla/events';
import { resolveHosts } from '../../src/ayla/hosts';
import { AylaSession } from '../../src/ayla/session';
import type { ExtensionApi } from '../../src/extension/api';
import type { DeviceTreeRow } from '../../src/extension/deviceTreeProvider';
import { prettyJson } from '../../src/extension/eventJson';
import type { AccountInfo } from '../../src/extension/explorerState';
import type { ShownMessage } from '../../src/extension/notifier';
import type { PromptDriver } from '../../src/extension/prompter';
import { NEW_VALUE_LABEL } from '../../src/extension/setValueCommand';
import { SENT_VALUES_KEY } from '../../src/extension/setValueInput';
import { DEMO_USER, ACCOUNTS } from '../../src/simulator/catalog';
import { waitFor } from '../unit/support/waitFor';
import { activeApi, startQuietSimulator } from './support/host';

const ACCOUNT: AccountInfo = { email: 'dev@example.com', cloudLabel: 'Local simulator', clientType: 'mobile' };
const CREDENTIALS = { email: 'dev@example.com', password: 'simulator', appId: 'simulator-app', appSecret: 'simulator-secret' };
const WAIT_MS = 10_000;
const DEMO_UUID = ACCOUNTS.find((a) => a.email === DEMO_USER.email)!.uuid;

interface SimulatedDevice {
  dsn: string;
  productName: string;
  oemModel: string;
  ownerUuid: string;
  properties: string[];
}

type JsonEvent = { seq: string; metadata: { dsn: string; property_name?: string; event_type: string }; datapoint?: { value: unknown } } & Record<string, unknown>;

let api: ExtensionApi;
let simulatorUrl: string;
let session: AylaSession | undefined;


async function http(method: 'GET' | 'POST', path: string, body?: unknown, token?: string): Promise<{ status: number; json: unknown }> {
  const response = await request(`${simulatorUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(token && { authorization: `auth_token ${token}` }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.body.text();
  return { status: response.statusCode, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** Calls the simulator's control plane (`/_simulator/...`). */
async function control(path: string, body?: unknown): Promise<Record<string, unknown>> {
  const { status, json } = await http(path === 'devices' ? 'GET' : 'POST', `/_simulator/${path}`, body);
  assert.equal(status, 200, `/_simulator/${path}: ${JSON.stringify(json)}`);
  return json as Record<string, unknown>;
}

async function setDatapoint(dsn: string, property: string, value: string | number): Promise<void> {
  await control(`devices/${encodeURIComponent(dsn)}/datapoint`, { property, value });
}

/** The text with whitespace outside strings removed: equal to the server's compact JSON when every token was kept. */
function compact(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"|\s+/g, (match) => (match.startsWith('"') ? match : ''));
}

/** An event without its `seq`, which counts per subscription (this test's subscriber has its own). */
function withoutSeq(event: JsonEvent): Omit<JsonEvent, 'seq'> {
  const { seq, ...rest } = event;
  assert.match(seq, /^\d+$/);
  return rest;
}

/**
 * A raw DSS subscriber of this test's own (its own sign-in and datapoint subscription): the JSON the
 * simulator put on the wire, frame by frame.
 */
class WireSubscriber {
  readonly payloads: string[] = [];
  private socket: WebSocket | undefined;
  token = '';

  async open(): Promise<void> {
    const signIn = await http('POST', '/users/sign_in.json', { user: { email: CREDENTIALS.email, password: CREDENTIALS.password, application: { app_id: CREDENTIALS.appId, app_secret: CREDENTIALS.appSecret } } });
    assert.equal(signIn.status, 200);
    this.token = (signIn.json as { access_token: string }).access_token;
    const created = await http(
      'POST',
      '/api/v1/subscriptions.json',
      { name: 'test-wire', description: '', oem_model: '*', dsn: '*', property_name: '*', client_type: 'mobile', subscription_type: 'datapoint', batch_size: 1 },
      this.token,
    );
    assert.equal(created.status, 201);
    const key = (created.json as { subscription: { stream_key: string } }).subscription.stream_key;
    const socket = new WebSocket(`${simulatorUrl.replace(/^http/, 'ws')}/stream?stream_key=${key}`);
    this.socket = socket;
    socket.on('message', (data: WebSocket.RawData) => {
      const text = data.toString();
      const payload = text.slice(text.indexOf('|') + 1);
      if (payload === 'Z') socket.send('Z');
      else if (payload !== 'X') this.payloads.push(payload);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
  }

  /** The datapoint the simulator sent for this property with this value (waits for it). */
  async datapoint(dsn: string, property: string, value: unknown): Promise<JsonEvent> {
    return waitFor(`the wire datapoint ${property} = ${JSON.stringify(value)}`, () => {
      for (const payload of this.payloads) {
        const event = JSON.parse(payload) as JsonEvent;
        if (event.metadata.dsn === dsn && event.metadata.property_name === property && event.datapoint?.value === value) return event;
      }
      return undefined;
    }, WAIT_MS);
  }

  close(): void {
    this.socket?.close();
  }
}

let wire: WireSubscriber;

async function attach(): Promise<void> {
  const hosts = resolveHosts({ region: 'us', deployment: 'dev', clientType: 'mobile', baseUrl: simulatorUrl });
  session = await AylaSession.signIn({ hosts, clientType: 'mobile' }, CREDENTIALS);
  await api.explorer.attach(session, ACCOUNT);
  await api.explorer.startStreaming({ eventTypes: EVENT_TYPES, dsn: '', propertyName: '', oemModel: '' });
  await waitFor('streaming to be live', () => {
    const state = api.explorer.state;
    return state.kind === 'signedIn' && state.streaming.kind === 'live';
  }, WAIT_MS);
}

async function showDevicesView(): Promise<void> {
  await vscode.commands.executeCommand('aylaDss.devices.focus');
  await waitFor('the Devices view to be visible', () => api.testing.devicesTreeVisible(), WAIT_MS);
}

function propertyRow(dsn: string, name: string): DeviceTreeRow | undefined {
  return api.testing.devicesTree().find((row) => row.id === `device:${dsn}`)?.children?.find((row) => row.id === `property:${dsn}/${name}`);
}

function description(dsn: string, name: string): string {
  return propertyRow(dsn, name)?.description ?? '(no row)';
}

async function waitForDescription(dsn: string, name: string, pattern: RegExp): Promise<DeviceTreeRow> {
  return waitFor(`${name} to read ${pattern}, reads "${description(dsn, name)}"`, () => {
    const row = propertyRow(dsn, name);
    return row !== undefined && pattern.test(row.description) && row;
  }, WAIT_MS);
}

/** The store's last event about a property with this value (waits for it). */
async function storedEvent(dsn: string, property: string, value: unknown): Promise<string> {
  return waitFor(`the store's event ${property} = ${JSON.stringify(value)}`, () => {
    const event = api.explorer.store.lastEvent(dsn, property);
    return event !== undefined && 'value' in event && event.value === value && event.raw;
  }, WAIT_MS);
}

function lastMessage(): ShownMessage | undefined {
  return api.recentMessages().at(-1);
}

type Mark = ReadonlySet<ShownMessage>;

/** The messages shown so far (the notifier keeps the last 20, as the same objects): later ones are the new ones. */
function messageMark(): Mark {
  return new Set(api.recentMessages());
}

function messagesSince(mark: Mark): ShownMessage[] {
  return api.recentMessages().filter((m) => !mark.has(m));
}

async function messageAfter(mark: Mark, pattern: RegExp): Promise<ShownMessage> {
  return waitFor(`a message ${pattern} (last: ${JSON.stringify(lastMessage()?.text)})`, () => messagesSince(mark).find((m) => pattern.test(m.text)), WAIT_MS);
}

/** Closes every editor without asking to save (untitled documents with text are dirty). */
async function closeEditors(): Promise<void> {
  for (let i = 0; i < 50 && vscode.window.visibleTextEditors.length > 0; i++) {
    if (!vscode.window.activeTextEditor) await vscode.window.showTextDocument(vscode.window.visibleTextEditors[0]!.document);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await waitFor('no editor open', () => vscode.window.visibleTextEditors.length === 0, WAIT_MS);
}

async function untitledEditor(content = ''): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ language: 'json', content });
  const editor = await vscode.window.showTextDocument(document);
  const end = document.lineAt(document.lineCount - 1).range.end;
  editor.selection = new vscode.Selection(end, end);
  return editor;
}

/** Sends a datapoint that fails with `status` on its way to ADS (the fault fires once for this path only). */
async function armFailure(dsn: string, property: string, status: number): Promise<void> {
  await control('faults/fail', { status, count: 1, pathPrefix: `/apiv1/dsns/${dsn}/properties/${property}/` });
}

/** Whether the armed failure is still waiting, i.e. the extension sent nothing to that path: this probe uses it up. */
async function failureStillArmed(dsn: string, property: string, status: number): Promise<boolean> {
  const probe = await http('POST', `/apiv1/dsns/${dsn}/properties/${property}/datapoints.json`, { datapoint: { value: 1 } }, wire.token);
  return probe.status === status;
}

describe('Event JSON and Set Value (real host, simulator)', function () {
  this.timeout(60_000);
  let dsn: string;
  let device: SimulatedDevice;

  beforeEach(async () => {
    api = await activeApi();
    simulatorUrl = await startQuietSimulator(api);
    const devices = ((await control('devices')) as unknown as SimulatedDevice[]).filter((d) => d.ownerUuid === DEMO_UUID);
    device = devices[0]!;
    dsn = device.dsn;
    wire = new WireSubscriber();
    await wire.open();
    await attach();
    await waitFor('the device and its properties in the store', () => api.explorer.store.properties(dsn).length === device.properties.length, WAIT_MS);
  });

  afterEach(async () => {
    for (const prompts of [api.testing.setValuePrompts, api.testing.pickEventPrompts]) await prompts.cancel();
    wire.close();
    await control('writes/hold', { on: false }).catch(() => undefined);
    await control('faults/reset').catch(() => undefined);
    if (api.explorer.currentSession) await api.explorer.stopStreaming().catch(() => undefined);
    await api.explorer.detach(undefined);
    session?.dispose();
    session = undefined;
    await closeEditors();
    await vscode.commands.executeCommand('aylaDss.stopSimulator');
  });

  describe('copy and insert event JSON', () => {
    it('"Copy Last Event JSON" copies exactly the event the server sent, re-indented', async () => {
      const value = `copy-${Date.now()} said "hi" | back\\slash é 😀 {braces}\nline2`;
      await setDatapoint(dsn, 'status', value);
      const sent = await wire.datapoint(dsn, 'status', value);
      const raw = await storedEvent(dsn, 'status', value);

      await vscode.env.clipboard.writeText('(before)');
      const returned = await vscode.commands.executeCommand<string>('aylaDss.copyLastEventJson', { dsn, name: 'status' });
      const copied = await vscode.env.clipboard.readText();
      assert.equal(copied, returned);
      assert.equal(compact(copied), raw, 'every token exactly as the server sent it (only whitespace differs)');
      assert.equal(copied, prettyJson(raw));
      assert.ok(copied.split('\n').length > 10, 'pretty-printed over many lines');
      assert.match(copied, /^ {2}"metadata": \{$/m);
      const parsed = JSON.parse(copied) as JsonEvent;
      assert.deepEqual(withoutSeq(parsed), withoutSeq(sent), 'the same event the simulator put on the wire');
      assert.equal(parsed.datapoint?.value, value);
    });

    it('"Insert Last Event JSON at Cursor" inserts it into the editor, indented like the line; without an editor it says so', async () => {
      await setDatapoint(dsn, 'counter', 4242);
      const sent = await wire.datapoint(dsn, 'counter', 4242);
      const raw = await storedEvent(dsn, 'counter', 4242);

      const editor = await untitledEditor();
      const inserted = await vscode.commands.executeCommand<string>('aylaDss.insertLastEventJson', { dsn, name: 'counter' });
      assert.equal(editor.document.getText(), prettyJson(raw));
      assert.equal(inserted, prettyJson(raw));
      assert.deepEqual(withoutSeq(JSON.parse(editor.document.getText()) as JsonEvent), withoutSeq(sent));

      // In an indented line, the further lines follow its indentation (the JSON stays the same JSON).
      const indented = await untitledEditor('{\n  "event": ');
      await vscode.commands.executeCommand('aylaDss.insertLastEventJson', { dsn, name: 'counter' });
      const text = `${indented.document.getText()}\n}`;
      assert.match(text, /\n {4}"metadata": \{\n/);
      assert.equal(compact(text), `{"event":${raw}}`);

      await closeEditors();
      assert.equal(vscode.window.activeTextEditor, undefined);
      const mark = messageMark();
      assert.equal(await vscode.commands.executeCommand('aylaDss.insertLastEventJson', { dsn, name: 'counter' }), undefined);
      assert.match((await messageAfter(mark, /^Open a text editor/)).text, /^Open a text editor and place the cursor where the last event JSON should go, then run the command again\.$/);
    });

    it('says so when a property has sent no event yet, and copies nothing', async () => {
      await vscode.env.clipboard.writeText('(unchanged)');
      const mark = messageMark();
      assert.equal(await vscode.commands.executeCommand('aylaDss.copyLastEventJson', { dsn, name: 'snapshot' }), undefined);
      assert.equal((await messageAfter(mark, /has not sent an event/)).text, 'Snapshot has not sent an event yet in this session.');
      assert.equal(await vscode.env.clipboard.readText(), '(unchanged)');
    });

    it('"Copy Value" copies the value itself: a string without quotes, a decimal as the server wrote it', async () => {
      const value = `value "quoted" | ${Date.now()}`;
      await setDatapoint(dsn, 'status', value);
      await storedEvent(dsn, 'status', value);
      await vscode.commands.executeCommand('aylaDss.copyValue', { dsn, name: 'status' });
      assert.equal(await vscode.env.clipboard.readText(), value);

      await setDatapoint(dsn, 'temperature', 27.25);
      const raw = await storedEvent(dsn, 'temperature', 27.25);
      assert.match(raw, /"value":27\.25[,}]/);
      await vscode.commands.executeCommand('aylaDss.copyValue', { dsn, name: 'temperature' });
      assert.equal(await vscode.env.clipboard.readText(), '27.25');
    });

    it('"Copy Device JSON" copies the device as the device service lists it', async () => {
      await vscode.commands.executeCommand('aylaDss.copyDeviceJson', { dsn });
      const copied = await vscode.env.clipboard.readText();
      const listing = await http('GET', '/apiv1/devices.json', undefined, wire.token);
      const listed = (listing.json as { device: { dsn: string } }[]).find((w) => w.device.dsn === dsn)!.device;
      assert.deepEqual(JSON.parse(copied), listed);
      assert.deepEqual(Object.keys(JSON.parse(copied) as object), Object.keys(listed), 'in the same key order');
      assert.match(copied, /^\{\n {2}"product_name": /);
    });

    it('"Open Recent Events" opens a JSON document with the device\'s newest events, each exactly as sent, oldest first', async () => {
      const values = [`recent-a-${Date.now()}`, `recent-b-${Date.now()}`, `recent-c-${Date.now()}`];
      for (const value of values) await setDatapoint(dsn, 'status', value);
      await storedEvent(dsn, 'status', values[2]);
      const raws = api.explorer.store.recentEventsOfDevice(dsn).map((e) => e.raw);

      const document = await vscode.commands.executeCommand<vscode.TextDocument>('aylaDss.openRecentEvents', { dsn });
      assert.equal(vscode.window.activeTextEditor?.document, document);
      assert.equal(document.languageId, 'json');
      assert.equal(document.isUntitled, true);
      const text = document.getText();
      assert.equal(compact(text), `[${raws.join(',')}]`);
      const events = JSON.parse(text) as JsonEvent[];
      assert.deepEqual(events.slice(-3).map((e) => e.datapoint?.value), values);
      assert.ok(events.every((e) => e.metadata.dsn === dsn), 'only this device\'s events');

      // The setting says how many.
      const config = vscode.workspace.getConfiguration('aylaDss.events');
      await config.update('recentPerDevice', 2, vscode.ConfigurationTarget.Global);
      try {
        await waitFor('the store to keep 2 events per device', () => api.explorer.store.recentEventsOfDevice(dsn).length === 2, WAIT_MS);
        const two = await vscode.commands.executeCommand<vscode.TextDocument>('aylaDss.openRecentEvents', { dsn });
        assert.deepEqual((JSON.parse(two.getText()) as JsonEvent[]).map((e) => e.datapoint?.value), values.slice(1));
      } finally {
        await config.update('recentPerDevice', undefined, vscode.ConfigurationTarget.Global);
      }
    });

    it('"Pick Event…" lists recent events newest first in the real quick pick, then copies or inserts the chosen one', async () => {
      const older = `pick-older-${Date.now()}`;
      const newer = `pick-newer-${Date.now()}`;
      await setDatapoint(dsn, 'status', older);
      await setDatapoint(dsn, 'status', newer);
      await storedEvent(dsn, 'status', newer);
      const olderRaw = api.explorer.store.recentEvents().find((e) => e.raw.includes(older))!.raw;
      const prompts: PromptDriver = api.testing.pickEventPrompts;

      const copying = vscode.commands.executeCommand<string>('aylaDss.pickEvent');
      const list = await prompts.next();
      assert.equal(list.kind, 'quickPick');
      assert.equal(list.title, 'Ayla DSS: Pick Event');
      assert.match(list.placeholder ?? '', /type to filter by type, device, property, value or time/);
      assert.equal(list.items[0]!.label, `datapoint · status = "${newer}"`, 'newest first');
      assert.equal(list.items[1]!.label, `datapoint · status = "${older}"`);
      assert.match(list.items[0]!.description ?? '', new RegExp(`^${device.productName} · ${dsn} · \\d\\d:\\d\\d:\\d\\d\\.\\d{3}$`));
      await prompts.pick(`datapoint · status = "${older}"`);
      const action = await prompts.next();
      assert.deepEqual(action.items.map((i) => i.label), ['Copy to Clipboard', 'Insert at Cursor']);
      await prompts.pick('Copy to Clipboard');
      assert.equal(await copying, prettyJson(olderRaw));
      assert.equal(await vscode.env.clipboard.readText(), prettyJson(olderRaw));
      const sent = await wire.datapoint(dsn, 'status', older);
      assert.deepEqual(withoutSeq(JSON.parse(await vscode.env.clipboard.readText()) as JsonEvent), withoutSeq(sent));

      const editor = await untitledEditor();
      const inserting = vscode.commands.executeCommand<string>('aylaDss.pickEvent');
      await prompts.next();
      await prompts.pick(`datapoint · status = "${newer}"`);
      const second = await prompts.next();
      assert.equal(second.activeItem, 'Insert at Cursor', 'with an editor open, insert comes first');
      await prompts.pick('Insert at Cursor');
      await inserting;
      assert.equal(compact(editor.document.getText()), api.explorer.store.lastEvent(dsn, 'status')!.raw);
    });
  });

  describe('Set Value…', () => {
    it('sets a boolean through the On/Off quick pick; the tree shows it pending, then applied', async () => {
      await showDevicesView();
      const before = api.explorer.store.property(dsn, 'Blue_LED')!.value;
      const [target, targetLabel, currentLabel] = before === 1 ? [0, 'Off', 'On'] : [1, 'On', 'Off'];
      await waitForDescription(dsn, 'Blue_LED', /^(on|off) · /);
      await control('writes/hold', { on: true });

      const setting = vscode.commands.executeCommand<number>('aylaDss.setValue', { dsn, name: 'Blue_LED' });
      const pick = await api.testing.setValuePrompts.next();
      assert.equal(pick.kind, 'quickPick');
      assert.equal(pick.title, `Set Blue LED on ${device.productName}`);
      assert.deepEqual(pick.items.map((i) => i.label), ['On', 'Off']);
      assert.equal(pick.items.find((i) => i.label === currentLabel)?.description, 'current value');
      assert.equal(pick.activeItem, targetLabel, 'starts on the other value');
      await api.testing.setValuePrompts.pick(targetLabel);
      const id = await setting;
      assert.equal(typeof id, 'number');

      const pending = await waitForDescription(dsn, 'Blue_LED', new RegExp(`^${targetLabel.toLowerCase()} \\(pending\\) · ${currentLabel.toLowerCase()} · `));
      assert.match(pending.contextValue ?? '', /\bpending\b/);
      assert.equal(pending.icon, 'loading~spin');
      await control('writes/release', { count: 1 });
      const applied = await waitForDescription(dsn, 'Blue_LED', new RegExp(`^${targetLabel.toLowerCase()} · (just now|\\d+s ago)$`));
      assert.doesNotMatch(applied.contextValue ?? '', /\bpending\b/);
      assert.equal(api.explorer.store.write(id)?.status, 'applied');
      assert.equal(api.explorer.store.property(dsn, 'Blue_LED')?.value, target);
      await wire.datapoint(dsn, 'Blue_LED', target);
    });

    it('sets the ack-enabled setpoint through the input box: pending, awaiting ack, acked 200; remembers the value and offers it first next time', async () => {
      await showDevicesView();
      const current = Number(api.explorer.store.property(dsn, 'setpoint')!.value);
      const target = current === 23 ? 24 : 23;
      await control('writes/hold', { on: true });
      const prompts = api.testing.setValuePrompts;

      const setting = vscode.commands.executeCommand<number>('aylaDss.setValue', { dsn, name: 'setpoint' });
      let prompt = await prompts.next();
      if (prompt.kind === 'quickPick') {
        // Values sent by an earlier run of this test: a new one is typed.
        assert.equal(prompt.items.at(-1)?.label, NEW_VALUE_LABEL);
        await prompts.pick(NEW_VALUE_LABEL);
        prompt = await prompts.next();
      }
      assert.equal(prompt.kind, 'inputBox');
      assert.equal(prompt.title, `Set Setpoint on ${device.productName}`);
      assert.match(prompt.prompt ?? '', /^Setpoint takes a whole number from -2147483648 to 2147483647\. Current value: -?\d+\.$/);
      assert.equal(prompt.value, String(current), 'prefilled with the current value');
      await prompts.enter(String(target));
      const id = await setting;

      await waitForDescription(dsn, 'setpoint', new RegExp(`^${target} \\(pending\\) · ${current} · `));
      await control('writes/release', { count: 1 }); // the datapoint
      await waitForDescription(dsn, 'setpoint', new RegExp(`^${target} \\(awaiting ack\\) · `));
      assert.equal(api.explorer.store.write(id)?.status, 'applied');
      await control('writes/release', { count: 1 }); // the device's ack
      const acked = await waitForDescription(dsn, 'setpoint', new RegExp(`^${target} · (just now|\\d+s ago) · ack 200$`));
      assert.equal(api.explorer.store.write(id)?.status, 'acked');
      assert.match(acked.tooltip, /Last ack: status 200/);

      const stored = api.testing.account.globalState()[SENT_VALUES_KEY] as Record<string, string[]>;
      assert.deepEqual(stored[`model:${device.oemModel}/setpoint`]?.[0], String(target), 'remembered per model and property');

      const again = vscode.commands.executeCommand('aylaDss.setValue', { dsn, name: 'setpoint' });
      const offered = await prompts.next();
      assert.equal(offered.kind, 'quickPick');
      assert.equal(offered.items[0]?.label, String(target), 'the value sent before comes first');
      assert.equal(offered.items[0]?.description, 'current value · sent before');
      assert.equal(offered.items.at(-1)?.label, NEW_VALUE_LABEL);
      await prompts.cancel();
      assert.equal(await again, undefined, 'escape sends nothing');
    });

    it('refuses a from-device property with a clear message and sends nothing', async () => {
      await armFailure(dsn, 'Blue_button', 503);
      const mark = messageMark();
      assert.equal(await vscode.commands.executeCommand('aylaDss.setValue', { dsn, name: 'Blue_button' }), undefined);
      const shown = await messageAfter(mark, /Blue button/);
      assert.equal(shown.severity, 'error');
      assert.equal(shown.text, 'Blue button is a from-device property: only the device sets it, so it cannot be set from here.');
      assert.equal(api.testing.setValuePrompts.current(), undefined, 'no prompt');
      assert.equal(api.explorer.store.property(dsn, 'Blue_button')?.write, undefined, 'no write started');
      assert.ok(await failureStillArmed(dsn, 'Blue_button', 503), 'no request reached the device service');
    });

    it('refuses an invalid value before sending it', async () => {
      await armFailure(dsn, 'setpoint', 503);
      const mark = messageMark();
      for (const bad of ['abc', '2.5', '99999999999']) {
        assert.equal(await vscode.commands.executeCommand('aylaDss.setValue', { dsn, name: 'setpoint' }, bad), undefined);
      }
      const shown = messagesSince(mark);
      assert.equal(shown.length, 3);
      assert.ok(shown.every((m) => m.severity === 'error' && /^setpoint is an integer property: .*; nothing was sent\.$/.test(m.text)), JSON.stringify(shown));
      assert.match(shown[2]!.text, /whole number from -2147483648 to 2147483647/);
      assert.equal(api.explorer.store.property(dsn, 'setpoint')?.write, undefined, 'no write started');
      assert.ok(await failureStillArmed(dsn, 'setpoint', 503), 'no request reached the device service');
    });

    it('a 503 from the device service: failed in the tree, and an error message', async () => {
      await showDevicesView();
      const before = api.explorer.store.property(dsn, 'Blue_LED')!.value === 1 ? 'on' : 'off';
      const target = before === 'on' ? 'off' : 'on';
      await armFailure(dsn, 'Blue_LED', 503);
      const mark = messageMark();
      const id = await vscode.commands.executeCommand<number>('aylaDss.setValue', { dsn, name: 'Blue_LED' }, target);
      const shown = await messageAfter(mark, /^Blue LED on /);
      assert.equal(shown.severity, 'error');
      assert.match(shown.text, new RegExp(`^Blue LED on ${device.productName} was not set to ${target}: the Ayla device service answered 503 \\(service unavailable\\).*try again later\\.$`));
      assert.equal(api.explorer.store.write(id)?.status, 'failed');
      const row = await waitForDescription(dsn, 'Blue_LED', new RegExp(`^${target} \\(failed\\) · ${before} · `));
      assert.equal(row.icon, 'error');
      assert.match(row.tooltip, /Write: on|Write: off/);
      assert.match(row.tooltip, /failed: The Ayla device service answered 503/);
    });

    it('a 422 from the device service (a listing that called a from-device property settable): failed in the tree, and the service\'s reason', async () => {
      await showDevicesView();
      // A stale or wrong listing: Blue_button listed as a to-device property. The service knows better.
      const listed = await session!.devices.listProperties(dsn);
      api.explorer.store.loadProperties(dsn, listed.map((p) => (p.name === 'Blue_button' ? { ...p, direction: 'input' as const, read_only: false } : p)));
      await waitFor('Blue button offered as writable', () => /\bwritable\b/.test(propertyRow(dsn, 'Blue_button')?.contextValue ?? ''), WAIT_MS);
      const mark = messageMark();
      const id = await vscode.commands.executeCommand<number>('aylaDss.setValue', { dsn, name: 'Blue_button' }, 1);
      const shown = await messageAfter(mark, /^Blue button on /);
      assert.equal(shown.severity, 'error');
      assert.match(shown.text, /was not set to on: the device service refused the value for Blue_button on .* \(422: Blue_button is a read-only from-device property.*\); check the value and the property\.$/);
      assert.equal(api.explorer.store.write(id)?.status, 'failed');
      await waitForDescription(dsn, 'Blue_button', /^on \(failed\) · /);
    });

    it('tells that an offline device gets the value when it comes back; refuses when signed out', async () => {
      await control(`devices/${dsn}/online`, { online: false });
      await waitFor('the device offline in the store', () => api.explorer.store.device(dsn)?.connectionStatus === 'Offline', WAIT_MS);
      let mark = messageMark();
      await vscode.commands.executeCommand('aylaDss.setValue', { dsn, name: 'cmd' }, 'reboot');
      const offline = await messageAfter(mark, /is offline/);
      assert.equal(offline.severity, 'warning');
      assert.equal(offline.text, `${device.productName} is offline: the device service took Command = "reboot", and the tree shows it pending until the device comes back and takes it.`);
      await wire.datapoint(dsn, 'cmd', 'reboot');

      await api.explorer.stopStreaming();
      await api.explorer.detach(undefined);
      mark = messageMark();
      assert.equal(await vscode.commands.executeCommand('aylaDss.setValue', { dsn, name: 'cmd' }, 'x'), undefined);
      assert.match((await messageAfter(mark, /^Not signed in/)).text, /^Not signed in: sign in with "Ayla DSS: Sign In" before setting cmd on /);
    });
  });
});
