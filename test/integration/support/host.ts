// What the integration tests share: the extension's API, the simulator's control plane (the simulator
// runs in the extension host, so tests drive it over HTTP), and a session signed in directly with a
// simulator account and handed to the extension's explorer (the sign-in prompts have their own tests).
import { strict as assert } from 'node:assert';
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { request } from 'undici';
import { resolveHosts, type HostClientType } from '../../../src/ayla/hosts';
import { AylaSession } from '../../../src/ayla/session';
import type { ExtensionApi } from '../../../src/extension/api';
import type { ShownMessage } from '../../../src/extension/notifier';

export const EXTENSION_ID = 'ayla-dss-explorer.ayla-dss-explorer';

export async function activeApi(): Promise<ExtensionApi> {
  const extension = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed in the host`);
  return extension.activate();
}

/** Calls the simulator's control plane (`/_simulator/...`) and expects 200. */
export async function simulatorControl(simulatorUrl: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const response = await request(`${simulatorUrl}/_simulator/${path}`, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const json = (await response.body.json()) as unknown;
  assert.equal(response.statusCode, 200, `${method} /_simulator/${path}: ${JSON.stringify(json)}`);
  return json;
}

/** Signs in to the simulator (every demo account's password is `simulator`) and hands the session to the explorer. */
export async function attachSimulatorSession(api: ExtensionApi, simulatorUrl: string, email = 'dev@example.com', clientType: HostClientType = 'mobile'): Promise<AylaSession> {
  const hosts = resolveHosts({ region: 'us', deployment: 'dev', clientType, baseUrl: simulatorUrl });
  const session = await AylaSession.signIn({ hosts, clientType }, { email, password: 'simulator', appId: 'simulator-app', appSecret: 'simulator-secret' });
  await api.explorer.attach(session, { email, cloudLabel: 'Local simulator', clientType });
  return session;
}

/**
 * Starts the extension's simulator with its devices quiet (only the events a test makes), after
 * detaching whatever session an earlier test left; returns the simulator's URL.
 */
export async function startQuietSimulator(api: ExtensionApi): Promise<string> {
  await api.explorer.detach(undefined);
  const url = await vscode.commands.executeCommand<string | undefined>('aylaDss.startSimulator');
  assert.ok(url, 'the simulator started');
  await simulatorControl(url, 'POST', 'rate', { eventsPerSecond: 0 });
  return url;
}

/** Every file below `dir` (none when it does not exist). */
export function filesUnder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    let entry;
    try {
      entry = lstatSync(path);
    } catch {
      return []; // removed meanwhile
    }
    // Symbolic links are skipped: a browser profile has dangling ones (SingletonCookie), and a link out of the folder is not its content.
    if (entry.isSymbolicLink()) return [];
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** The messages shown since `mark` (an earlier `api.messageCount()`), oldest first. */
export function messagesSince(api: ExtensionApi, mark: number): readonly ShownMessage[] {
  const since = api.messageCount() - mark;
  return since <= 0 ? [] : api.recentMessages().slice(-since);
}
