// The chart in the real extension host against the built-in simulator: "Chart Property" and "Open Chart…"
// (through the real quick pick) open a webview panel whose real page loads, says `ready`, gets a snapshot of
// the property's history, then appends of exactly the new points; a hidden chart is sent nothing and gets a
// fresh snapshot when shown again; strings are refused with a sentence saying why.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EVENT_TYPES } from '../../src/ayla/events';
import type { AylaSession } from '../../src/ayla/session';
import type { ExtensionApi } from '../../src/extension/api';
import type { ChartProbe } from '../../src/extension/chartCommands';
import type { ChartMessageRecord } from '../../src/extension/chartPanel';
import { ACCOUNTS, DEMO_USER } from '../../src/simulator/catalog';
import { waitFor } from '../unit/support/waitFor';
import { EXTENSION_ID, activeApi, attachSimulatorSession, messagesSince, simulatorControl, startQuietSimulator } from './support/host';

const WAIT_MS = 15_000;
const DEMO_UUID = ACCOUNTS.find((a) => a.email === DEMO_USER.email)!.uuid;

let api: ExtensionApi;
let simulatorUrl: string;
let session: AylaSession | undefined;
let dsn: string;
let deviceName: string;

async function setDatapoint(property: string, value: number): Promise<void> {
  await simulatorControl(simulatorUrl, 'POST', `devices/${encodeURIComponent(dsn)}/datapoint`, { property, value });
}

function historySize(property: string): number {
  return api.explorer.store.history(dsn, property)?.size ?? 0;
}

function charts(): ChartProbe[] {
  return api.testing.charts();
}

function toView(chart: ChartProbe, type?: string): ChartMessageRecord[] {
  return chart.messages.filter((m) => m.direction === 'toView' && (type === undefined || m.type === type));
}

function pointsAppended(chart: ChartProbe): number {
  return toView(chart, 'append').reduce((sum, m) => sum + (m.points ?? 0), 0);
}

async function closeCharts(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await waitFor('every chart to close', () => charts().length === 0, WAIT_MS);
}

describe('chart (real extension host)', function () {
  this.timeout(90_000);

  before(async () => {
    api = await activeApi();
    simulatorUrl = await startQuietSimulator(api);
    const devices = (await simulatorControl(simulatorUrl, 'GET', 'devices')) as { dsn: string; productName: string; ownerUuid: string }[];
    const device = devices.find((d) => d.ownerUuid === DEMO_UUID);
    assert.ok(device, 'the demo account has a device');
    dsn = device.dsn;
    deviceName = device.productName;
    session = await attachSimulatorSession(api, simulatorUrl);
    await api.explorer.startStreaming({ eventTypes: EVENT_TYPES, dsn: '', propertyName: '', oemModel: '' });
    await waitFor('streaming to be live', () => api.explorer.state.kind === 'signedIn' && api.explorer.state.streaming.kind === 'live', WAIT_MS);
  });

  after(async () => {
    await closeCharts();
    if (api.explorer.currentSession) await api.explorer.stopStreaming().catch(() => undefined);
    await api.explorer.detach(undefined);
    session?.dispose();
    session = undefined;
    // A fresh simulator for the next file: nothing of this one's state carries over.
    await vscode.commands.executeCommand('aylaDss.stopSimulator');
  });

  it('opens a chart for a decimal property: ready → snapshot of the history → appends of exactly the new points', async () => {
    const before = historySize('temperature');
    for (const value of [20.5, 21, 21.5]) await setDatapoint('temperature', value);
    await waitFor('the datapoints in the history', () => historySize('temperature') >= before + 3, WAIT_MS);

    await vscode.commands.executeCommand('aylaDss.chartProperty', { dsn, name: 'temperature' });
    await waitFor('the chart page to be ready', () => charts()[0]?.ready === true, WAIT_MS);
    const opened = charts()[0]!;
    assert.equal(opened.title, 'Chart: Temperature');
    assert.deepEqual(opened.state.series, [{ dsn, property: 'temperature' }]);
    const fromView = opened.messages.filter((m) => m.direction === 'fromView');
    assert.equal(fromView[0]?.type, 'ready', 'the page spoke first');
    const first = toView(opened)[0];
    assert.equal(first?.type, 'snapshot', 'the first message to the page is a snapshot');
    assert.equal(first.series, 1);
    assert.equal(first.points, historySize('temperature'), 'the snapshot carries the whole retained history');

    const sent = 40;
    for (let i = 0; i < sent; i++) await setDatapoint('temperature', 22 + i / 10);
    await waitFor('every new point to be appended', () => pointsAppended(charts()[0]!) >= sent, WAIT_MS);
    const chart = charts()[0]!;
    assert.equal(pointsAppended(chart), sent, 'each new point is appended exactly once');
    assert.equal(toView(chart, 'snapshot').length, 1, 'no second snapshot was needed');
    assert.ok(toView(chart, 'append').length <= sent, 'appends are batched, never more than one per point');
    assert.deepEqual(chart.messages.filter((m) => m.type === 'error'), [], 'the page reported no script error');
  });

  it('refuses a string property with a sentence saying why, and opens nothing', async () => {
    const open = charts().length;
    const mark = api.messageCount();
    await vscode.commands.executeCommand('aylaDss.chartProperty', { dsn, name: 'status' });
    const message = messagesSince(api, mark).at(-1);
    assert.equal(message?.severity, 'warning');
    assert.match(message.text, /^Status on .+ is not charted: it is a string property, and only numbers and booleans have a value to plot\./);
    assert.equal(charts().length, open);
  });

  it('"Open Chart…" offers numbers and booleans only and charts the checked ones in a new panel; "Chart Property" adds to it', async () => {
    const picking = vscode.commands.executeCommand('aylaDss.openChart');
    const prompt = await api.testing.chartPrompts.next();
    const labels = prompt.items.map((i) => i.label);
    const temperature = `Temperature · ${deviceName}`;
    const led = `Blue LED · ${deviceName}`;
    assert.ok(labels.includes(temperature) && labels.includes(led) && labels.includes(`Counter · ${deviceName}`), labels.join(', '));
    assert.ok(!labels.some((l) => l.startsWith('Status ') || l.startsWith('Log ') || l.startsWith('Snapshot ')), 'strings, messages and files are not offered');
    assert.match(prompt.placeholder ?? '', /^Check numbers and booleans to chart \(\d+ not listed: strings can't be charted\)$/);
    await api.testing.chartPrompts.pickMany([temperature, led]);
    await picking;

    await waitFor('the second chart to be ready', () => charts().length === 2 && charts()[1]!.ready, WAIT_MS);
    // In the order the pick lists them (the tree's order: by display name).
    assert.deepEqual(charts()[1]!.state.series, [{ dsn, property: 'Blue_LED' }, { dsn, property: 'temperature' }]);
    assert.equal(toView(charts()[1]!, 'snapshot')[0]?.series, 2);

    await vscode.commands.executeCommand('aylaDss.chartProperty', { dsn, name: 'counter' });
    await waitFor('the counter to join the chart used last', () => charts()[1]!.state.series.length === 3, WAIT_MS);
    await waitFor('a snapshot with three series', () => toView(charts()[1]!, 'snapshot').some((m) => m.series === 3), WAIT_MS);
    assert.equal(charts()[1]!.title, 'Chart: Blue LED +2');
    assert.equal(charts()[0]!.state.series.length, 1, 'the first chart is unchanged');
  });

  it('sends a hidden chart nothing, and a fresh snapshot with what it missed when it is shown again', async () => {
    const index = charts().length - 1;
    // A file on disk, not an untitled document: closing it later asks nothing.
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri, 'package.json'));
    await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Active, preview: false });
    await waitFor('the chart to be hidden', () => !charts()[index]!.visible, WAIT_MS);
    const sentBefore = toView(charts()[index]!).length;
    const historyBefore = historySize('temperature');

    for (let i = 0; i < 10; i++) await setDatapoint('temperature', 30 + i);
    await waitFor('the datapoints in the history', () => historySize('temperature') >= Math.min(historyBefore + 10, 1000), WAIT_MS);
    assert.equal(toView(charts()[index]!).length, sentBefore, 'nothing is posted to a hidden chart');

    // "Chart Property" on a charted property only reveals the chart.
    await vscode.commands.executeCommand('aylaDss.chartProperty', { dsn, name: 'temperature' });
    await waitFor('a fresh snapshot once shown', () => toView(charts()[index]!, 'snapshot').length >= 3, WAIT_MS);
    const snapshot = toView(charts()[index]!, 'snapshot').at(-1)!;
    assert.equal(snapshot.points, historySize('temperature') + historySize('Blue_LED') + historySize('counter'));
  });

  it('restores a chart after a window reload with the series, window and pause state the page stored', async () => {
    const open = charts().length;
    api.testing.restoreChart({ series: [{ dsn, property: 'counter' }, { dsn, property: 'status' }, { bogus: true }], window: '1h', paused: true });
    await waitFor('the restored chart to be ready', () => charts().length === open + 1 && charts()[open]!.ready, WAIT_MS);
    const restored = charts()[open]!;
    assert.deepEqual(restored.state, { series: [{ dsn, property: 'counter' }, { dsn, property: 'status' }], window: '1h', paused: true });
    const snapshot = toView(restored, 'snapshot')[0];
    assert.equal(snapshot?.series, 1, 'the string property is a note, not a series');
    assert.equal(restored.title, 'Chart: Counter');
  });

  it('saves what the page exports: CSV text as sent, a PNG data URL as image bytes; anything else is refused', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ayla-chart-export-'));
    try {
      const csv = 'time,Kitchen (AC000W001000001) · Temperature\r\n2026-11-28T01:00:00.000Z,21.5\r\n';
      api.testing.setNextChartExportPath(join(folder, 'chart.csv'));
      await api.testing.messageFromChartPage(0, { type: 'export', format: 'csv', text: csv });
      assert.equal(readFileSync(join(folder, 'chart.csv'), 'utf8'), csv, 'the CSV is written exactly as the page made it');

      const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
      api.testing.setNextChartExportPath(join(folder, 'chart.png'));
      await api.testing.messageFromChartPage(0, { type: 'export', format: 'png', dataUrl: `data:image/png;base64,${png.toString('base64')}` });
      assert.deepEqual(readFileSync(join(folder, 'chart.png')), png, 'the PNG bytes, decoded from the data URL');
      assert.match(api.recentMessages().at(-1)?.text ?? '', /^Saved the chart picture to chart\.png\.$/);

      // A page that posts something else (a script URL, text as a PNG) gets nothing written.
      api.testing.setNextChartExportPath(join(folder, 'evil.png'));
      await api.testing.messageFromChartPage(0, { type: 'export', format: 'png', dataUrl: 'javascript:alert(1)' });
      await api.testing.messageFromChartPage(0, { type: 'export', format: 'csv', text: 42 });
      assert.ok(!existsSync(join(folder, 'evil.png')), 'nothing written for a malformed export');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
