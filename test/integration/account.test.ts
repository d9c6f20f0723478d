// Sign-in, resume, sign-out and the secrets, in the real extension host against the built-in simulator.
// The prompts are the real QuickPick/InputBox: the test reads the one showing and answers it through the
// workbench's accept command (api.testing.prompts), never by skipping it.
import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { request } from 'undici';
import type { ExtensionApi } from '../../src/extension/api';
import { sleep, waitFor } from '../unit/support/waitFor';
import { activeApi, EXTENSION_ID, filesUnder } from './support/host';
import { signInThroughPrompts, stepOf, type Answers } from './support/signIn';

const TOKENS_KEY = 'aylaDss.session';
const APP_SECRET_KEY = 'aylaDss.appSecret';
const WRONG_PASSWORD_MESSAGE = 'Sign-in failed: wrong email or password (401). Five failures lock the account for 30 minutes.';
const UNKNOWN_APP_MESSAGE = 'Sign-in failed: the app id or app secret is not known to this Ayla region (404). Check them, and that the region is right.';

interface StoredTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
}

let api: ExtensionApi;


function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('aylaDss');
}

async function setSetting(key: string, value: unknown): Promise<void> {
  await config().update(key, value, vscode.ConfigurationTarget.Global);
}

async function storedTokens(): Promise<StoredTokens | undefined> {
  const text = (await api.testing.account.storedSecrets())[TOKENS_KEY];
  return text === undefined ? undefined : (JSON.parse(text) as StoredTokens);
}

async function waitForLive(): Promise<void> {
  await waitFor(
    'the explorer to be signed in and streaming live',
    () => {
      const state = api.explorer.state;
      return state.kind === 'signedIn' && state.streaming.kind === 'live';
    },
    15_000,
  );
}

async function signOutIfSignedIn(): Promise<void> {
  if (api.explorer.state.kind === 'signedIn') await vscode.commands.executeCommand('aylaDss.signOut');
}

async function http(url: string, options: { method?: 'GET' | 'POST' | 'DELETE'; token?: string; body?: unknown } = {}): Promise<{ status: number; body: unknown }> {
  const response = await request(url, {
    method: options.method ?? 'GET',
    headers: {
      accept: 'application/json',
      ...(options.body !== undefined && { 'content-type': 'application/json' }),
      ...(options.token !== undefined && { authorization: `auth_token ${options.token}` }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.body.text();
  return { status: response.statusCode, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** A fresh access token of the demo user, from the test itself. */
async function rawSignIn(url: string): Promise<string> {
  const { status, body } = await http(`${url}/users/sign_in.json`, {
    method: 'POST',
    body: { user: { email: 'dev@example.com', password: 'simulator', application: { app_id: 'simulator-app', app_secret: 'simulator-secret' } } },
  });
  assert.equal(status, 200);
  return (body as { access_token: string }).access_token;
}

async function subscriptionNames(url: string, token: string): Promise<string[]> {
  const { status, body } = await http(`${url}/api/v1/subscriptions.json`, { token });
  assert.equal(status, 200);
  return (body as { subscription: { name: string } }[]).map((s) => s.subscription.name);
}


function logText(): string {
  return filesUnder(api.testing.account.logFolder())
    .map((path) => readFileSync(path, 'utf8'))
    .join('\n');
}

/** Everything settings hold for every aylaDss.* setting, at every level. */
function settingsText(): string {
  const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
  const properties = Object.keys((extension.packageJSON.contributes as { configuration: { properties: Record<string, unknown> } }).configuration.properties);
  return JSON.stringify(properties.map((key) => vscode.workspace.getConfiguration().inspect(key)));
}

/** `values` are in none of: settings, globalState, the log files, the messages shown. */
function assertNotStoredOrShown(values: string[], what: string): void {
  const places: Record<string, string> = {
    settings: settingsText(),
    globalState: JSON.stringify(api.testing.account.globalState()),
    'log files': logText(),
    messages: JSON.stringify(api.recentMessages()),
  };
  for (const value of values) {
    for (const [place, text] of Object.entries(places)) assert.ok(!text.includes(value), `the ${what} (…${value.slice(-4)}) is not in the ${place}`);
  }
}

/** A reverse proxy for the user service in front of the simulator: counts sign-in requests and can answer them itself. */
interface UserServiceProxy {
  url: string;
  signIns: number;
  /** When set, sign-in requests are answered with this instead of being forwarded. */
  refuseSignIn: { status: number; body: unknown } | undefined;
  close(): Promise<void>;
}

async function startUserServiceProxy(target: string): Promise<UserServiceProxy> {
  const proxy: UserServiceProxy = { url: '', signIns: 0, refuseSignIn: undefined, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        if (req.method === 'POST' && /^\/users\/sign_in(\.json)?$/.test(req.url ?? '')) {
          proxy.signIns++;
          if (proxy.refuseSignIn) {
            res.writeHead(proxy.refuseSignIn.status, { 'content-type': 'application/json' });
            res.end(JSON.stringify(proxy.refuseSignIn.body));
            return;
          }
        }
        const body = Buffer.concat(chunks);
        const upstream = await request(`${target}${req.url ?? '/'}`, {
          method: (req.method ?? 'GET') as 'GET' | 'POST' | 'DELETE',
          headers: {
            accept: 'application/json',
            ...(req.headers['content-type'] && { 'content-type': req.headers['content-type'] }),
            ...(req.headers.authorization && { authorization: req.headers.authorization }),
          },
          body: body.length > 0 ? body : undefined,
        });
        const answer = Buffer.from(await upstream.body.arrayBuffer());
        res.writeHead(upstream.statusCode, { 'content-type': String(upstream.headers['content-type'] ?? 'application/json') });
        res.end(answer);
      })().catch((error: unknown) => {
        res.writeHead(502);
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  proxy.url = `http://127.0.0.1:${address.port}`;
  proxy.close = () => new Promise((resolve) => server.close(() => resolve()));
  return proxy;
}

const US_FIELD_DEMO: Answers = { cloud: 'US field', clientType: 'Mobile', appId: 'simulator-app', appSecret: 'simulator-secret', email: 'dev@example.com', password: 'simulator' };

describe('account: sign-in, resume, sign-out (real host, built-in simulator)', function () {
  this.timeout(60_000);
  let simulatorUrl: string;

  before(async () => {
    api = await activeApi();
    await api.testing.account.activationResume;
    await signOutIfSignedIn();
    await vscode.commands.executeCommand('aylaDss.stopSimulator');
    simulatorUrl = (await vscode.commands.executeCommand<string | undefined>('aylaDss.startSimulator'))!;
    assert.ok(simulatorUrl, 'the simulator started');
  });

  beforeEach(async () => {
    await signOutIfSignedIn();
    await setSetting('hosts', { user: simulatorUrl, device: simulatorUrl, dss: simulatorUrl, stream: simulatorUrl });
  });

  afterEach(async () => {
    await api.testing.prompts.cancel();
    await signOutIfSignedIn();
  });

  after(async () => {
    await setSetting('hosts', undefined);
    await setSetting('appId', undefined);
    await vscode.commands.executeCommand('aylaDss.stopSimulator');
  });

  it('"Try the Local Simulator" signs in to the demo account without a prompt, lists devices and streams', async () => {
    const shownBefore = api.testing.prompts.current()?.id;
    assert.equal(await vscode.commands.executeCommand('aylaDss.tryLocalSimulator'), true);
    assert.equal(api.testing.prompts.current()?.id, shownBefore, 'no prompt was shown');
    const state = api.explorer.state;
    assert.equal(state.kind, 'signedIn');
    assert.deepEqual(state.kind === 'signedIn' && state.account, { email: 'dev@example.com', cloudLabel: 'Local simulator', clientType: 'mobile' });
    assert.ok(api.explorer.store.devices().length > 0, 'the demo devices are listed');
    await waitForLive();
    const tokens = await storedTokens();
    assert.ok(tokens, 'the tokens are in SecretStorage');
    assert.deepEqual(Object.keys(tokens).sort(), ['accessToken', 'expiresAt', 'refreshToken']);
    assert.equal((await http(`${simulatorUrl}/apiv1/devices.json`, { token: tokens.accessToken })).status, 200, 'the stored access token is the live one');
  });

  it('"Sign In" offers every cloud in one quick pick; "Local simulator" signs in without more questions', async () => {
    const { result, asked } = await signInThroughPrompts(api, { cloud: 'Local simulator' });
    assert.equal(result, true);
    assert.equal(asked.length, 1);
    const [cloudPick] = asked;
    assert.equal(cloudPick?.kind, 'quickPick');
    assert.equal(cloudPick?.title, 'Ayla DSS: Sign In');
    assert.deepEqual(
      cloudPick?.items.map((i) => i.label),
      ['US field', 'US dev', 'US staging', 'EU field', 'CN field', 'CN dev', 'Local simulator'],
    );
    assert.equal(cloudPick?.items[0]?.description, 'user-field.aylanetworks.com');
    const state = api.explorer.state;
    assert.equal(state.kind === 'signedIn' && state.account.cloudLabel, 'Local simulator');
    await waitForLive();
  });

  it('signs in to "US field" (hosts overridden to the simulator) through every prompt; the tokens are only in SecretStorage', async () => {
    await setSetting('appId', undefined);
    await api.testing.account.reload(); // nothing stored: stays signed out
    const { result, asked } = await signInThroughPrompts(api, US_FIELD_DEMO);
    assert.equal(result, true, `signed in (messages: ${JSON.stringify(api.recentMessages().slice(-2))})`);
    assert.deepEqual(
      asked.map((v) => [stepOf(v), v.kind, v.password, v.step, v.totalSteps]),
      [
        ['Cloud', 'quickPick', false, 1, 6],
        ['Client type', 'quickPick', false, 2, 6],
        ['App id', 'inputBox', false, 3, 6],
        ['App secret', 'inputBox', true, 4, 6],
        ['Email', 'inputBox', false, 5, 6],
        ['Password', 'inputBox', true, 6, 6],
      ],
    );
    assert.deepEqual(
      asked[1]?.items.map((i) => i.label),
      ['Mobile', 'Cloud'],
    );
    assert.match(asked[1]?.items[1]?.detail ?? '', /OEM-wide.*access rule/);
    const state = api.explorer.state;
    assert.deepEqual(state.kind === 'signedIn' && state.account, { email: 'dev@example.com', cloudLabel: 'US field', clientType: 'mobile' });
    await waitForLive();

    // Remembered: the app id in settings, the app secret in SecretStorage, the email in globalState.
    assert.equal(config().get('appId'), 'simulator-app');
    const secrets = await api.testing.account.storedSecrets();
    assert.deepEqual(JSON.parse(secrets[APP_SECRET_KEY] ?? '{}'), { appId: 'simulator-app', appSecret: 'simulator-secret' });
    assert.ok(JSON.stringify(api.testing.account.globalState()).includes('dev@example.com'));

    const tokens = await storedTokens();
    assert.ok(tokens, 'the tokens are in SecretStorage');
    assert.equal((await http(`${simulatorUrl}/apiv1/devices.json`, { token: tokens.accessToken })).status, 200);
    await waitFor('the sign-in line in the log file', () => logText().includes('Signed in on Ayla US field as dev@example.com'), 10_000);
    assertNotStoredOrShown([tokens.accessToken, tokens.refreshToken], 'token');
    // The app secret: in SecretStorage only (the simulator's demo secret is printed by "Start Local Simulator", so the log is not checked here).
    assert.ok(!settingsText().includes('simulator-secret'), 'the app secret is not in the settings');
    assert.ok(!JSON.stringify(api.testing.account.globalState()).includes('simulator-secret'), 'the app secret is not in globalState');
    // The password of this sign-in is stored nowhere, not even in SecretStorage.
    assert.ok(!Object.values(secrets).some((v) => /password/i.test(v)), 'no password field in SecretStorage');

    // Signed in again: nothing but the email and password is asked.
    await vscode.commands.executeCommand('aylaDss.signOut');
    const again = await signInThroughPrompts(api, US_FIELD_DEMO);
    assert.equal(again.result, true);
    assert.deepEqual(again.asked.map(stepOf), ['Cloud', 'Client type', 'Email', 'Password']);
    assert.equal(again.asked[0]?.activeItem, 'US field', 'the cloud pick starts on the last cloud');
    assert.equal(again.asked[2]?.value, 'dev@example.com', 'the email is prefilled');
  });

  it('"Sign Out" deletes the subscriptions on the server, revokes the token and clears the tokens from SecretStorage', async () => {
    assert.equal((await signInThroughPrompts(api, US_FIELD_DEMO)).result, true);
    await waitForLive();
    const tokens = (await storedTokens())!;
    const observer = await rawSignIn(simulatorUrl);
    const names = await subscriptionNames(simulatorUrl, observer);
    assert.equal(names.filter((n) => n.startsWith('vscode-')).length, 5, `one subscription per event type (${names.join(', ')})`);

    assert.equal(await vscode.commands.executeCommand('aylaDss.signOut'), true);
    assert.deepEqual(await subscriptionNames(simulatorUrl, observer), [], 'the subscriptions are deleted');
    assert.equal((await http(`${simulatorUrl}/apiv1/devices.json`, { token: tokens.accessToken })).status, 401, 'the old access token is revoked');
    const secrets = await api.testing.account.storedSecrets();
    assert.equal(secrets[TOKENS_KEY], undefined, 'the tokens are gone from SecretStorage');
    assert.ok(secrets[APP_SECRET_KEY], 'the app secret (an app credential, not the session) stays');
    const state = api.explorer.state;
    assert.equal(state.kind, 'signedOut');
    assert.equal(api.recentMessages().at(-1)?.text, 'Signed out of Ayla US field (dev@example.com).');
  });

  it('a wrong password is one sign-in request and one error message; it is never retried and stored nowhere', async () => {
    const proxy = await startUserServiceProxy(simulatorUrl);
    try {
      await setSetting('hosts', { user: proxy.url, device: simulatorUrl, dss: simulatorUrl, stream: simulatorUrl });
      const wrongPassword = 'Wr0ng-pässword-7391';
      const { result, asked } = await signInThroughPrompts(api, { ...US_FIELD_DEMO, password: wrongPassword });
      assert.equal(result, false);
      assert.equal(proxy.signIns, 1, 'exactly one sign-in request');
      assert.deepEqual(asked.map(stepOf), ['Cloud', 'Client type', 'Email', 'Password'], 'the stored app id and secret were used');
      const last = api.recentMessages().at(-1);
      assert.deepEqual(last, { severity: 'error', text: WRONG_PASSWORD_MESSAGE });
      assert.deepEqual(api.explorer.state, { kind: 'signedOut', reason: WRONG_PASSWORD_MESSAGE });
      assert.equal((await api.testing.account.storedSecrets())[TOKENS_KEY], undefined, 'no tokens stored');

      // The next request the proxy sees is the next sign-in the user asks for: nothing was repeated meanwhile.
      assert.equal((await signInThroughPrompts(api, US_FIELD_DEMO)).result, true);
      assert.equal(proxy.signIns, 2, 'one more sign-in request, for the second attempt only');

      const secrets = await api.testing.account.storedSecrets();
      assert.ok(!JSON.stringify(secrets).includes(wrongPassword), 'the password is not in SecretStorage');
      await waitFor('the sign-in line in the log file', () => logText().includes('Signed in on Ayla US field'), 10_000);
      assertNotStoredOrShown([wrongPassword], 'password');
    } finally {
      await proxy.close();
    }
  });

  it('an app id/secret the service does not know (404) is forgotten, and both are asked again next time', async () => {
    // A stored, working app secret first.
    assert.equal((await signInThroughPrompts(api, US_FIELD_DEMO)).result, true);
    await vscode.commands.executeCommand('aylaDss.signOut');
    assert.ok((await api.testing.account.storedSecrets())[APP_SECRET_KEY], 'an app secret is stored');

    const proxy = await startUserServiceProxy(simulatorUrl);
    try {
      await setSetting('hosts', { user: proxy.url, device: simulatorUrl, dss: simulatorUrl, stream: simulatorUrl });
      // The service stops knowing the app (e.g. its secret was rotated).
      proxy.refuseSignIn = { status: 404, body: { error: 'Could not find an application with that app_id and app_secret.' } };
      const refused = await signInThroughPrompts(api, US_FIELD_DEMO);
      assert.equal(refused.result, false);
      assert.deepEqual(refused.asked.map(stepOf), ['Cloud', 'Client type', 'Email', 'Password']);
      assert.equal(proxy.signIns, 1);
      assert.deepEqual(api.recentMessages().at(-1), { severity: 'error', text: UNKNOWN_APP_MESSAGE });
      assert.equal((await api.testing.account.storedSecrets())[APP_SECRET_KEY], undefined, 'the rejected app secret is forgotten');

      proxy.refuseSignIn = undefined;
      const again = await signInThroughPrompts(api, US_FIELD_DEMO);
      assert.equal(again.result, true);
      assert.deepEqual(again.asked.map(stepOf), ['Cloud', 'Client type', 'App id', 'App secret', 'Email', 'Password']);
      const appIdPrompt = again.asked[2]!;
      assert.equal(appIdPrompt.value, 'simulator-app', 'the app id is prefilled from the setting');
      assert.match(appIdPrompt.prompt ?? '', /did not know this app id/);
      assert.ok((await api.testing.account.storedSecrets())[APP_SECRET_KEY], 'the new app secret is stored');

      // Accepted now: not asked again.
      await vscode.commands.executeCommand('aylaDss.signOut');
      const third = await signInThroughPrompts(api, US_FIELD_DEMO);
      assert.deepEqual(third.asked.map(stepOf), ['Cloud', 'Client type', 'Email', 'Password']);
    } finally {
      await proxy.close();
    }
  });

  it('Escape at any prompt cancels quietly: no request, no message, still signed out', async () => {
    const proxy = await startUserServiceProxy(simulatorUrl);
    try {
      await setSetting('hosts', { user: proxy.url, device: simulatorUrl, dss: simulatorUrl, stream: simulatorUrl });
      const messages = api.messageCount();
      for (const step of ['Cloud', 'Client type', 'Email', 'Password']) {
        const { result, asked } = await signInThroughPrompts(api, { ...US_FIELD_DEMO, cancelAt: step });
        assert.equal(result, false);
        assert.equal(stepOf(asked.at(-1)!), step);
      }
      assert.equal(proxy.signIns, 0);
      assert.equal(api.messageCount(), messages, 'no message');
      assert.equal(api.explorer.state.kind, 'signedOut');
      assert.equal(api.testing.prompts.current(), undefined, 'no prompt left open');
    } finally {
      await proxy.close();
    }
  });

  it('after a reload the stored session is resumed silently from its tokens', async () => {
    assert.equal((await signInThroughPrompts(api, US_FIELD_DEMO)).result, true);
    await waitForLive();
    const before = (await storedTokens())!;
    const shown = api.testing.prompts.current()?.id;

    assert.equal(await api.testing.account.reload(), true);
    assert.equal(api.testing.prompts.current()?.id, shown, 'no prompt');
    const state = api.explorer.state;
    assert.deepEqual(state.kind === 'signedIn' && state.account, { email: 'dev@example.com', cloudLabel: 'US field', clientType: 'mobile' });
    await waitForLive();
    assert.deepEqual(await storedTokens(), before, 'the same tokens: resumed, not signed in again');
  });

  it('a resumed session whose access token expired is refreshed, and the new tokens are stored', async () => {
    assert.equal((await signInThroughPrompts(api, US_FIELD_DEMO)).result, true);
    const before = (await storedTokens())!;
    const expire = async (): Promise<void> => {
      assert.equal((await http(`${simulatorUrl}/_simulator/faults/expire-tokens`, { method: 'POST', body: {} })).status, 200);
      assert.equal((await http(`${simulatorUrl}/apiv1/devices.json`, { token: before.accessToken })).status, 401, 'the stored access token has expired');
    };

    assert.equal(await api.testing.account.reload({ whileClosed: expire }), true);
    await waitForLive();
    const after = (await storedTokens())!;
    assert.notEqual(after.accessToken, before.accessToken, 'a new access token is stored');
    assert.equal((await http(`${simulatorUrl}/apiv1/devices.json`, { token: after.accessToken })).status, 200);
  });

  it('a revoked session is not resumed: the user is told why, offered "Sign In", and the tokens are cleared', async () => {
    assert.equal((await signInThroughPrompts(api, US_FIELD_DEMO)).result, true);
    // Revoked while no window is open (e.g. signed out with the CLI, or by the service).
    const revoke = async (): Promise<void> => {
      const tokens = (await storedTokens())!;
      assert.equal((await http(`${simulatorUrl}/users/sign_out.json`, { method: 'POST', body: { user: { access_token: tokens.accessToken } } })).status, 200);
    };

    assert.equal(await api.testing.account.reload({ whileClosed: revoke }), false);
    const message = 'Could not resume your session on Ayla US field (dev@example.com): it has expired or was revoked; sign in again.';
    assert.deepEqual(api.recentMessages().at(-1), { severity: 'error', text: message });
    assert.deepEqual(api.explorer.state, { kind: 'signedOut', reason: message });
    assert.equal(await storedTokens(), undefined, 'the stale tokens are cleared');
    assert.equal(await api.testing.account.reload(), false, 'nothing left to resume');
  });

  it('a stored simulator session outlives the simulator: after a reload the simulator is started again and signed in to', async () => {
    assert.equal(await vscode.commands.executeCommand('aylaDss.tryLocalSimulator'), true);
    const before = (await storedTokens())!;
    assert.equal(await api.testing.account.reload({ simulatorGone: true }), true);
    const url = api.simulatorUrl();
    assert.ok(url, 'the simulator runs again');
    const state = api.explorer.state;
    assert.equal(state.kind === 'signedIn' && state.account.cloudLabel, 'Local simulator');
    await waitForLive();
    const after = (await storedTokens())!;
    assert.notEqual(after.accessToken, before.accessToken, 'signed in to the new simulator');
    assert.equal((await http(`${url}/apiv1/devices.json`, { token: after.accessToken })).status, 200);
    simulatorUrl = url;
  });

  it('stopping the simulator signs out of it', async () => {
    assert.equal(await vscode.commands.executeCommand('aylaDss.tryLocalSimulator'), true);
    assert.equal(await vscode.commands.executeCommand('aylaDss.stopSimulator'), true);
    await waitFor('signed out', () => api.explorer.state.kind === 'signedOut');
    assert.deepEqual(api.explorer.state, { kind: 'signedOut', reason: 'The local simulator stopped.' });
    assert.equal(await storedTokens(), undefined);
    simulatorUrl = (await vscode.commands.executeCommand<string | undefined>('aylaDss.startSimulator'))!;
    assert.ok(simulatorUrl);
  });

  it('signing out in another window (the tokens deleted from SecretStorage) signs out here', async () => {
    assert.equal((await signInThroughPrompts(api, US_FIELD_DEMO)).result, true);
    await waitForLive();
    await api.testing.account.signOutElsewhere();
    await waitFor('signed out here', () => api.explorer.state.kind === 'signedOut', 10_000);
    assert.deepEqual(api.explorer.state, { kind: 'signedOut', reason: 'Signed out in another window.' });
  });

  it('signing in right after signing out keeps the new session: the old tokens\' deletion is not taken for another window\'s sign-out', async () => {
    for (let i = 0; i < 3; i++) {
      assert.equal(await vscode.commands.executeCommand('aylaDss.tryLocalSimulator'), true);
      assert.equal(await vscode.commands.executeCommand('aylaDss.signOut'), true);
    }
    assert.equal(await vscode.commands.executeCommand('aylaDss.tryLocalSimulator'), true);
    await waitForLive();
    // The deletions are reported late; give them time to arrive.
    await sleep(2000);
    assert.equal(api.explorer.state.kind, 'signedIn', `still signed in (${JSON.stringify(api.explorer.state)})`);
    assert.ok(await storedTokens(), 'the new tokens are stored');
  });
});
