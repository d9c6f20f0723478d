// The extension in the real VS Code extension host: what it contributes, what it registers, and the
// built-in simulator it starts answering on 127.0.0.1.
import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:net';
import * as vscode from 'vscode';
import { request } from 'undici';
import type { ExtensionApi } from '../../src/extension/api';

const EXTENSION_ID = 'ayla-dss-explorer.ayla-dss-explorer';

interface Contributes {
  commands: { command: string; title: string; category: string }[];
  viewsContainers: { activitybar: { id: string; title: string; icon: string }[] };
  views: Record<string, { id: string; name: string }[]>;
  viewsWelcome: { view: string; contents: string }[];
}

async function activeApi(): Promise<{ api: ExtensionApi; contributes: Contributes }> {
  const extension = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed in the host`);
  const api = await extension.activate();
  return { api, contributes: extension.packageJSON.contributes as Contributes };
}

async function signIn(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await request(`${url}/users/sign_in.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      user: { email: 'dev@example.com', password: 'simulator', application: { app_id: 'simulator-app', app_secret: 'simulator-secret' } },
    }),
  });
  return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
}

/** Holds a loopback port so the simulator cannot take it. */
async function occupyPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  return { port: address.port, server };
}

describe('extension in the real host', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('aylaDss.stopSimulator');
    await vscode.workspace.getConfiguration('aylaDss.simulator').update('port', undefined, vscode.ConfigurationTarget.Global);
  });

  it('activates and contributes the "Ayla DSS" activity-bar container with its Devices and Subscriptions views', async () => {
    const { contributes } = await activeApi();
    const container = contributes.viewsContainers.activitybar.find((c) => c.id === 'aylaDss');
    assert.ok(container, 'activity-bar container aylaDss');
    assert.equal(container.title, 'Ayla DSS');
    assert.match(container.icon, /^media\/.+\.svg$/);
    assert.deepEqual(contributes.views.aylaDss?.map((v) => [v.id, v.name]), [['aylaDss.devices', 'Devices'], ['aylaDss.subscriptions', 'Subscriptions']]);
    // The workbench only creates a focus command for a view it actually registered.
    await vscode.commands.executeCommand('aylaDss.devices.focus');
    await vscode.commands.executeCommand('aylaDss.subscriptions.focus');
  });

  it('registers every contributed command, each in the "Ayla DSS" category', async () => {
    const { contributes } = await activeApi();
    const registered = new Set(await vscode.commands.getCommands(true));
    const ids = contributes.commands.map((c) => c.command);
    assert.ok(ids.includes('aylaDss.startSimulator') && ids.includes('aylaDss.stopSimulator'));
    for (const command of contributes.commands) {
      assert.ok(registered.has(command.command), `${command.command} is registered`);
      assert.equal(command.category, 'Ayla DSS', `${command.command} category`);
    }
  });

  it('offers only commands that exist in the Devices welcome content', async () => {
    const { contributes } = await activeApi();
    const registered = new Set(await vscode.commands.getCommands(true));
    const welcome = contributes.viewsWelcome.filter((w) => w.view === 'aylaDss.devices');
    assert.ok(welcome.length > 0, 'the Devices view has welcome content');
    const linked = welcome.flatMap((w) => [...w.contents.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1] ?? ''));
    assert.ok(linked.includes('aylaDss.signIn'), 'welcome offers Sign In');
    assert.ok(linked.includes('aylaDss.tryLocalSimulator'), 'welcome offers Try the Local Simulator');
    for (const id of linked) assert.ok(registered.has(id), `welcome links ${id}, which is registered`);
  });

  it('"Start Local Simulator" starts a simulator that answers sign-in on 127.0.0.1, and "Stop" stops it', async () => {
    const { api } = await activeApi();
    const url = await vscode.commands.executeCommand<string | undefined>('aylaDss.startSimulator');
    assert.ok(url, 'the command returns where the simulator listens');
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(api.simulatorUrl(), url);

    const signedIn = await signIn(url);
    assert.equal(signedIn.status, 200);
    assert.match(String(signedIn.body.access_token), /^[0-9a-f]{32}$/);
    assert.ok(api.recentMessages().some((m) => m.severity === 'info' && m.text.includes(url)), 'the user is told where it listens');

    // Starting again reuses the running simulator rather than starting a second one.
    assert.equal(await vscode.commands.executeCommand('aylaDss.startSimulator'), url);

    assert.equal(await vscode.commands.executeCommand('aylaDss.stopSimulator'), true);
    assert.equal(api.simulatorUrl(), undefined);
    await assert.rejects(signIn(url), /ECONNREFUSED|fetch failed|connect/i, 'nothing answers once stopped');
  });

  it('reports a port that is in use instead of failing silently', async () => {
    const { api } = await activeApi();
    const busy = await occupyPort();
    try {
      await vscode.workspace.getConfiguration('aylaDss.simulator').update('port', busy.port, vscode.ConfigurationTarget.Global);
      const url = await vscode.commands.executeCommand<string | undefined>('aylaDss.startSimulator');
      assert.equal(url, undefined, 'no simulator URL when the port is taken');
      assert.equal(api.simulatorUrl(), undefined);
      const last = api.recentMessages().at(-1);
      assert.equal(last?.severity, 'error');
      assert.match(last?.text ?? '', /^Could not start the local simulator: the port is already in use\. .*aylaDss\.simulator\.port/);
    } finally {
      busy.server.close();
    }
  });
});
