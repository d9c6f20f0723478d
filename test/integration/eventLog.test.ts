// The events channel ("Ayla DSS Events"), its filter, recording and export, in the real extension host
// against the built-in simulator. The channel's text cannot be read through the VS Code API, so the tests
// read what the EventLog appended through its test hook (kept only in the test host); the "Ayla DSS" log
// channel is read from its log file. The simulator is driven through its control plane.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EVENT_TYPES, type DssEvent } from '../../src/ayla/events';
import { AylaSession } from '../../src/ayla/session';
import type { ExtensionApi } from '../../src/extension/api';
import { shorten } from '../../src/extension/eventLines';
import type { RecordingResult } from '../../src/extension/eventRecorder';
import { DEMO_USER, ACCOUNTS } from '../../src/simulator/catalog';
import { sleep, waitFor } from '../unit/support/waitFor';
import { activeApi, attachSimulatorSession, filesUnder, simulatorControl, startQuietSimulator } from './support/host';

const WAIT_MS = 15_000;
const DEMO_UUID = ACCOUNTS.find((a) => a.email === DEMO_USER.email)!.uuid;
/** Longer than a few batches (≤ 10 a second): a channel that was going to append has done so by then. */
const SETTLE_MS = 600;

let api: ExtensionApi;
let simulatorUrl: string;
let session: AylaSession | undefined;
let signedInThroughExtension = false;
let scratch: string;


function control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  return simulatorControl(simulatorUrl, method, path, body);
}

async function demoDsns(): Promise<string[]> {
  const devices = (await control('GET', 'devices')) as { dsn: string; ownerUuid: string }[];
  return devices.filter((d) => d.ownerUuid === DEMO_UUID).map((d) => d.dsn);
}

async function attachAndStream(): Promise<void> {
  session = await attachSimulatorSession(api, simulatorUrl);
  await api.explorer.startStreaming({ eventTypes: EVENT_TYPES, dsn: '', propertyName: '', oemModel: '', stream: { backoff: { initialMs: 200, maxMs: 400 } } });
  await waitForLive();
}

function streamingKind(): string {
  const state = api.explorer.state;
  return state.kind === 'signedIn' ? state.streaming.kind : state.kind;
}

async function waitForLive(): Promise<void> {
  await waitFor(`streaming to be live (is ${streamingKind()})`, () => streamingKind() === 'live', WAIT_MS);
}

function received(type?: DssEvent['type']): number {
  const counts = api.explorer.store.counts;
  return type ? counts.byType[type] : counts.total;
}

/** Waits until the store has `count` more events (of `type`) than `before`. */
async function waitForEvents(before: number, count: number, type?: DssEvent['type']): Promise<void> {
  await waitFor(`${count} ${type ?? ''} events (have ${received(type) - before})`, () => received(type) - before >= count, WAIT_MS);
}

/** Waits until the events channel has dealt with every event the store has (shown, skipped or filtered out). */
async function waitForChannel(): Promise<void> {
  await waitFor(
    'the events channel to catch up with the store',
    () => {
      const s = api.testing.eventLog();
      return s.shown + s.skipped + s.lost + s.filteredOut >= received() - baseline.received + baseline.accounted;
    },
    WAIT_MS,
  );
}

/** Counts at the start of a test: the channel's counters include earlier tests' events. */
let baseline = { received: 0, accounted: 0 };

function takeBaseline(): void {
  const s = api.testing.eventLog();
  baseline = { received: received(), accounted: s.shown + s.skipped + s.lost + s.filteredOut };
}

async function setDatapoint(dsn: string, property: string, value: string | number): Promise<void> {
  await control('POST', `devices/${encodeURIComponent(dsn)}/datapoint`, { property, value });
}

async function setFormat(format: string | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('aylaDss.events').update('format', format, vscode.ConfigurationTarget.Global);
  await waitFor(`the events channel to use ${format ?? 'summary'}`, () => api.testing.eventLog().format === (format ?? 'summary'), WAIT_MS);
}

function localStamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** The last datapoint of `property` with `value`, once the store has it. */
async function arrived(dsn: string, property: string, value: string | number): Promise<DssEvent> {
  return waitFor(`${dsn} ${property} = ${JSON.stringify(value)} to arrive`, () => {
    const event = api.explorer.store.lastEvent(dsn, property);
    return event?.type === 'datapoint' && event.value === value && event;
  }, WAIT_MS);
}


/** The "Ayla DSS" log channel's text, from its log file. */
function logText(): string {
  return filesUnder(api.testing.account.logFolder())
    .map((path) => readFileSync(path, 'utf8'))
    .join('\n');
}

function jsonLines(path: string): { raw: string; json: { seq?: string | number; metadata: { event_type: string } } }[] {
  const text = readFileSync(path, 'utf8');
  assert.ok(text.endsWith('\n'), 'the file ends with a line break');
  return text
    .slice(0, -1)
    .split('\n')
    .map((raw) => ({ raw, json: JSON.parse(raw) as { seq?: string | number; metadata: { event_type: string } } }));
}

describe('events channel, filter, recording and export (real host, simulator)', function () {
  this.timeout(90_000);
  let dsns: string[];

  beforeEach(async () => {
    api = await activeApi();
    simulatorUrl = await startQuietSimulator(api);
    dsns = await demoDsns();
    assert.equal(dsns.length, 3);
    await vscode.commands.executeCommand('aylaDss.clearEventFilter');
    scratch = mkdtempSync(join(tmpdir(), 'ayla-events-'));
    takeBaseline();
  });

  afterEach(async () => {
    if (api.testing.recording()) await vscode.commands.executeCommand('aylaDss.stopRecording');
    await vscode.commands.executeCommand('aylaDss.clearEventFilter');
    await setFormat(undefined);
    await control('POST', 'faults/reset').catch(() => undefined);
    if (signedInThroughExtension) {
      await vscode.commands.executeCommand('aylaDss.signOut');
      signedInThroughExtension = false;
    } else if (api.explorer.currentSession) {
      await api.explorer.stopStreaming().catch(() => undefined);
    }
    await api.explorer.detach(undefined);
    session?.dispose();
    session = undefined;
    await vscode.commands.executeCommand('aylaDss.stopSimulator');
    rmSync(scratch, { recursive: true, force: true });
  });

  it('shows each event in the chosen format: summary (default), raw, pretty — the exact JSON, exotic values on one line', async () => {
    await attachAndStream();
    const dsn = dsns[0]!;
    const exotic = 'a | b\nc "q" ü 🚀 \\ end';

    // summary
    assert.equal(api.testing.eventLog().format, 'summary');
    let mark = api.testing.eventLog().chars;
    await setDatapoint(dsn, 'status', exotic);
    let event = await arrived(dsn, 'status', exotic);
    await waitForChannel();
    let text = api.testing.eventLogTextSince(mark);
    const summary = text.split('\n').find((line) => line.endsWith(event.raw));
    assert.ok(summary, `a summary line ends with the exact raw JSON:\n${text}`);
    assert.equal(summary, `${localStamp(event.receivedAt)} datapoint    ${dsn}  status = "a | b\\nc \\"q\\" ü 🚀 \\\\ end"  ${event.raw}`);
    assert.equal((JSON.parse(event.raw) as { datapoint: { value: string } }).datapoint.value, exotic);

    // raw
    await setFormat('raw');
    mark = api.testing.eventLog().chars;
    await setDatapoint(dsn, 'status', `${exotic} 2`);
    event = await arrived(dsn, 'status', `${exotic} 2`);
    await waitForChannel();
    text = api.testing.eventLogTextSince(mark);
    assert.ok(text.split('\n').includes(event.raw), `a line is exactly the raw JSON:\n${text}`);
    assert.ok(!text.includes(localStamp(event.receivedAt)), 'raw lines carry no prefix');

    // pretty
    await setFormat('pretty');
    mark = api.testing.eventLog().chars;
    await setDatapoint(dsn, 'counter', 4242);
    event = await arrived(dsn, 'counter', 4242);
    await waitForChannel();
    text = api.testing.eventLogTextSince(mark);
    const lines = text.split('\n');
    const at = lines.indexOf(`${localStamp(event.receivedAt)} datapoint    ${dsn}  counter = 4242`);
    assert.ok(at >= 0, `the prefix line is there:\n${text}`);
    const end = lines.indexOf('}', at + 1);
    assert.ok(end > at + 5, 'followed by the JSON, indented over several lines');
    assert.match(lines[at + 2]!, /^ {2}"/, 'indented by two spaces');
    assert.deepEqual(JSON.parse(lines.slice(at + 1, end + 1).join('\n')), JSON.parse(event.raw), 'the same JSON as the server sent');
  });

  it('batches a burst: 5000 events in few appends, every event shown or counted as skipped', async () => {
    await attachAndStream();
    takeBaseline();
    const before = api.testing.eventLog();
    const datapoints = received('datapoint');
    await control('POST', 'flood', { count: 5000 });
    await waitForEvents(datapoints, 5000, 'datapoint');
    await waitForChannel();
    await sleep(SETTLE_MS);
    const after = api.testing.eventLog();
    const events = received() - baseline.received;
    assert.equal(events, 5000, 'only the flood arrived');
    const appends = after.appends - before.appends;
    assert.ok(appends < events / 10, `${appends} appends for ${events} events`);
    assert.ok(appends >= 1);
    assert.equal(after.shown - before.shown + (after.skipped - before.skipped) + (after.lost - before.lost), events, 'every event shown or counted');
    const text = api.testing.eventLogTextSince(before.chars);
    const skippedLines = [...text.matchAll(/^… (\d+) events? skipped here \(still in memory: use Export Recent Events or Pick Event…\)$/gm)];
    assert.equal(
      skippedLines.reduce((sum, m) => sum + Number(m[1]), 0),
      after.skipped - before.skipped,
      'the channel says how many it skipped',
    );
    // The newest event is always shown.
    const newest = api.explorer.store.recentEvents(1)[0]!;
    assert.ok(text.includes(newest.raw), 'the newest event is in the channel');
  });

  it('stays bounded: past a few MB the channel is cleared with a note saying what keeps every event', async () => {
    await attachAndStream();
    const before = api.testing.eventLog();
    // About 3 000 events/s: full 16 KB batches ten times a second, 1 MB in a few seconds.
    await control('POST', 'rate', { eventsPerSecond: 1000 });
    await waitFor('the channel to be cleared once', () => api.testing.eventLog().clears > before.clears, 30_000, 100);
    await control('POST', 'rate', { eventsPerSecond: 0 });
    const text = api.testing.eventLogTextSince(before.chars);
    assert.match(text, /^… earlier lines were cleared to keep VS Code responsive \(the channel keeps about 1 MB\); "Record Events to File…" keeps every event\.$/m);
  });

  it('filters by type, device, property and text; the status bar shows the filter; the prompts set and clear it', async () => {
    await attachAndStream();
    const [a, b] = [dsns[0]!, dsns[1]!];
    const filter = await vscode.commands.executeCommand<string>('aylaDss.filterEvents', { types: ['datapoint'], dsn: a, property: 'status' });
    assert.equal(filter, `type=datapoint dsn=${a} property=status`);
    let item = api.testing.eventFilterStatus();
    assert.equal(item.visible, true);
    assert.equal(item.text, `$(filter) ${shorten(filter, 48)}`);
    assert.equal(item.command, 'aylaDss.filterEvents');
    assert.match(item.tooltip, /Click to change or clear the filter\.$/);

    takeBaseline();
    let mark = api.testing.eventLog().chars;
    await setDatapoint(a, 'status', 'shown-1');
    await setDatapoint(a, 'counter', 77); // other property
    await setDatapoint(b, 'status', 'other-device');
    await control('POST', `devices/${encodeURIComponent(a)}/online`, { online: false }); // other type
    await control('POST', `devices/${encodeURIComponent(a)}/online`, { online: true });
    const shown = await arrived(a, 'status', 'shown-1');
    await arrived(b, 'status', 'other-device');
    await waitForEvents(baseline.received, 5);
    await waitForChannel();
    let text = api.testing.eventLogTextSince(mark);
    const eventLines = text.split('\n').filter((line) => /^\d{4}-/.test(line));
    assert.equal(eventLines.length, 1, `only the matching event:\n${text}`);
    assert.ok(eventLines[0]!.endsWith(shown.raw));

    // Free text (string argument: the filter as the status bar writes it), case ignored.
    assert.equal(await vscode.commands.executeCommand('aylaDss.filterEvents', 'text="NEEDLE in"'), 'text="NEEDLE in"');
    mark = api.testing.eventLog().chars;
    await setDatapoint(b, 'status', 'a needle in a haystack');
    await setDatapoint(b, 'status', 'nothing here');
    await arrived(b, 'status', 'nothing here');
    await waitForChannel();
    text = api.testing.eventLogTextSince(mark);
    assert.ok(text.includes('a needle in a haystack') && !text.includes('nothing here'), text);

    // A wrong filter text changes nothing and says why.
    assert.equal(await vscode.commands.executeCommand('aylaDss.filterEvents', 'colour=red'), undefined);
    assert.equal(api.testing.eventLog().filter, 'text="NEEDLE in"');
    assert.match(api.recentMessages().at(-1)?.text ?? '', /^The event filter was not changed: Unknown filter "colour"/);

    // Through the prompts: Device → pick the device by name.
    const prompts = api.testing.eventPrompts;
    let running = vscode.commands.executeCommand<string | undefined>('aylaDss.filterEvents');
    let view = await prompts.next();
    assert.equal(view.title, 'Ayla DSS: Filter Events');
    assert.deepEqual(view.items.map((i) => i.label), ['$(clear-all) Clear Filter', '$(symbol-event) Event Type', '$(device-mobile) Device', '$(symbol-property) Property', '$(search) Text', '$(edit) Edit as Text…']);
    await prompts.pick('$(device-mobile) Device');
    view = await prompts.next();
    const product = api.explorer.store.device(b)?.productName ?? b;
    assert.ok(view.items.some((i) => i.label === product && i.description === b), `the devices are offered: ${JSON.stringify(view.items)}`);
    await prompts.pick(product);
    assert.equal(await running, `dsn=${b} text="NEEDLE in"`);
    item = api.testing.eventFilterStatus();
    assert.equal(item.text, `$(filter) ${shorten(`dsn=${b} text="NEEDLE in"`, 48)}`);
    assert.ok(item.tooltip.includes(`dsn=${b} text="NEEDLE in"`), item.tooltip);

    // Edit as Text…
    running = vscode.commands.executeCommand<string | undefined>('aylaDss.filterEvents');
    await prompts.next();
    await prompts.pick('$(edit) Edit as Text…');
    view = await prompts.next();
    assert.equal(view.value, `dsn=${b} text="NEEDLE in"`);
    await prompts.enter('type=connectivity,registration');
    assert.equal(await running, 'type=connectivity,registration');

    // Clear Filter: every event again, and the status bar item goes away.
    running = vscode.commands.executeCommand<string | undefined>('aylaDss.filterEvents');
    await prompts.next();
    await prompts.pick('$(clear-all) Clear Filter');
    assert.equal(await running, '');
    assert.equal(api.testing.eventFilterStatus().visible, false);
    mark = api.testing.eventLog().chars;
    await setDatapoint(b, 'status', 'after clearing');
    const last = await arrived(b, 'status', 'after clearing');
    await waitForChannel();
    assert.ok(api.testing.eventLogTextSince(mark).includes(last.raw));
  });

  it('pause freezes the channel; resume catches up with the newest events', async () => {
    await attachAndStream();
    const dsn = dsns[0]!;
    await vscode.commands.executeCommand('aylaDss.pauseStreaming');
    await sleep(SETTLE_MS);
    const paused = api.testing.eventLog();
    await setDatapoint(dsn, 'status', 'while paused');
    const event = await arrived(dsn, 'status', 'while paused');
    await sleep(SETTLE_MS);
    assert.equal(api.testing.eventLog().appends, paused.appends, 'nothing appended while paused');
    await vscode.commands.executeCommand('aylaDss.resumeStreaming');
    await waitForChannel();
    const text = api.testing.eventLogTextSince(paused.chars);
    assert.ok(text.startsWith('── resumed\n'), text);
    assert.ok(text.includes(event.raw), 'the event received while paused is shown on resume');
  });

  it('the status bar offers Show Events while live, and it reveals the channel', async () => {
    await attachAndStream();
    assert.ok(api.testing.statusBar().actions.includes('aylaDss.showEvents'));
    await vscode.commands.executeCommand('aylaDss.showEvents');
  });

  it('records every event to a JSON Lines file, in order, with no gap in seq across a forced reconnect', async () => {
    await attachAndStream();
    const path = join(scratch, 'recording.jsonl');
    assert.equal(await vscode.commands.executeCommand('aylaDss.recordEvents', path), path);
    assert.equal(api.testing.recording()?.path, path);
    assert.equal(api.testing.recordingStatus().visible, true);
    assert.equal(api.testing.recordingStatus().command, 'aylaDss.stopRecording');
    // A second recording is refused while one runs.
    assert.equal(await vscode.commands.executeCommand('aylaDss.recordEvents', join(scratch, 'second.jsonl')), undefined);

    const seen: DssEvent[] = [];
    const listener = api.explorer.onEvent((event) => seen.push(event));
    let reconnects = 0;
    let wasReconnecting = false;
    const states = api.explorer.onDidChangeState(() => {
      const reconnecting = streamingKind() === 'reconnecting';
      if (reconnecting && !wasReconnecting) reconnects++;
      wasReconnecting = reconnecting;
    });
    // 3000 events, the sockets dropped while they are being sent, 3000 more while the client is away
    // (replayed from seq_start when it is back), then 2000 once it is live again. 8000 in all: fewer than
    // the simulator's replay buffer (10 000), so the reconnect may lose nothing.
    const TOTAL = 8000;
    try {
      await control('POST', 'flood', { count: 3000, wait: false });
      await control('POST', 'faults/drop-sockets');
      await control('POST', 'flood', { count: 3000, wait: false });
      await waitFor('the reconnect', () => reconnects > 0, WAIT_MS);
      await waitForLive();
      await control('POST', 'flood', { count: 2000 });
      await waitFor(`all ${TOTAL} events (have ${seen.length})`, () => seen.length >= TOTAL, 60_000);
      await waitFor('the status bar count', () => api.testing.recordingStatus().text === `$(record) ${TOTAL.toLocaleString('en-US')}`, WAIT_MS);
      assert.match(api.testing.recordingStatus().tooltip, new RegExp(`^Recording every received event to ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 8,000 events so far`));
    } finally {
      listener.dispose();
      states.dispose();
    }
    assert.ok(reconnects >= 1, 'the stream reconnected');
    assert.equal(seen.length, TOTAL, 'no event twice');

    const result = await vscode.commands.executeCommand<RecordingResult>('aylaDss.stopRecording');
    assert.equal(result.written, seen.length);
    assert.equal(result.error, undefined);
    assert.equal(api.testing.recording(), undefined);
    assert.equal(api.testing.recordingStatus().visible, false);
    assert.equal(api.recentMessages().at(-1)?.text, `Recorded ${seen.length.toLocaleString('en-US')} events to ${path}.`);

    const lines = jsonLines(path);
    assert.deepEqual(lines.map((l) => l.raw), seen.map((e) => e.raw), 'every event, in the order received, exactly as sent');
    const lastSeq = new Map<string, number>();
    for (const [i, { json }] of lines.entries()) {
      const type = json.metadata.event_type;
      const seq = Number(json.seq);
      const previous = lastSeq.get(type);
      if (previous !== undefined) assert.equal(seq, previous + 1, `line ${i + 1}: ${type} seq ${seq} follows ${previous}`);
      lastSeq.set(type, seq);
    }
    assert.equal(lines.filter((l) => l.json.metadata.event_type === 'datapoint').length, TOTAL);
  });

  it('a recording to a folder that does not exist is refused in one sentence', async () => {
    const path = join(scratch, 'missing', 'events.jsonl');
    assert.equal(await vscode.commands.executeCommand('aylaDss.recordEvents', path), undefined);
    assert.equal(api.testing.recording(), undefined);
    const last = api.recentMessages().at(-1);
    assert.deepEqual(last, { severity: 'error', text: `Could not write events to ${path}: the folder ${join(scratch, 'missing')} does not exist. Choose another file.` });
  });

  it('exports the in-memory buffer as JSON Lines', async () => {
    await attachAndStream();
    await control('POST', 'flood', { count: 300 });
    await waitForEvents(baseline.received, 300);
    await setDatapoint(dsns[1]!, 'status', 'last one');
    await arrived(dsns[1]!, 'status', 'last one');
    const buffer = api.explorer.store.recentEvents();
    const path = join(scratch, 'export.jsonl');
    const result = await vscode.commands.executeCommand<RecordingResult>('aylaDss.exportEvents', vscode.Uri.file(path));
    assert.equal(result.written, buffer.length);
    assert.deepEqual(jsonLines(path).map((l) => l.raw), buffer.map((e) => e.raw));
    assert.equal(api.recentMessages().at(-1)?.text, `Exported the ${buffer.length.toLocaleString('en-US')} recent events in memory to ${path}.`);
  });

  it('no token or stream key reaches either channel, through reconnects, refused keys and undecodable frames', async () => {
    const levelBefore = await vscode.commands.executeCommand<string>('_extensionTests.getLogLevel');
    await vscode.commands.executeCommand('_extensionTests.setLogLevel', 'trace'); // HTTP traces with URLs too
    try {
      assert.equal(await vscode.commands.executeCommand('aylaDss.tryLocalSimulator'), true);
      signedInThroughExtension = true;
      await waitForLive();
      const live = api.explorer.currentSession!;
      const secrets = new Set<string>();
      const collect = (): void => {
        secrets.add(live.keeper.tokens.accessToken);
        secrets.add(live.keeper.tokens.refreshToken);
        for (const subscription of live.activeSubscriptions()) secrets.add(subscription.stream_key);
      };
      collect();
      const mark = api.testing.eventLog().chars;

      await setDatapoint(dsns[0]!, 'status', 'before the faults');
      await control('POST', 'faults/garbage', { count: 8 });
      await control('POST', 'faults/drop-sockets'); // reconnect with seq_start: the URL carries the key
      await waitFor('a reconnect', () => streamingKind() === 'reconnecting', WAIT_MS);
      await waitForLive();
      collect();
      await control('POST', 'faults/expire-stream-keys'); // 401 at the upgrade: new subscriptions, new keys
      await waitFor('new stream keys', () => live.activeSubscriptions().some((s) => !secrets.has(s.stream_key)), 30_000);
      await waitForLive();
      collect();
      await control('POST', 'faults/expire-tokens'); // the token is refreshed
      await vscode.commands.executeCommand('aylaDss.refreshDevices');
      collect();
      await setDatapoint(dsns[0]!, 'status', 'after the faults');
      await arrived(dsns[0]!, 'status', 'after the faults');
      await waitForChannel();
      assert.ok(secrets.size >= 12, `tokens and keys collected (${secrets.size})`);

      const channel = api.testing.eventLogTextSince(mark);
      assert.match(channel, /undecodable {2}/, 'the undecodable frames are in the events channel');
      const log = await waitFor('the log file to show the refused key and the reconnects', () => {
        const text = logText();
        return /stream key refused/.test(text) && /opening .*stream_key=/.test(text) && text;
      }, WAIT_MS);
      for (const secret of secrets) {
        assert.ok(!channel.includes(secret), `the events channel does not contain …${secret.slice(-4)}`);
        assert.ok(!log.includes(secret), `the log does not contain …${secret.slice(-4)}`);
      }
    } finally {
      await vscode.commands.executeCommand('_extensionTests.setLogLevel', levelBefore ?? 'info');
    }
  });
});
