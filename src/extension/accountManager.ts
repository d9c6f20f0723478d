// AccountManager: sign-in, sign-out and the stored session (design.md "One class per surface").
//
// - Sign in: the prompt flow (signInFlow.ts), one sign-in call under a progress notification, then
//   explorer.attach + startStreaming. A failure is one message with "Retry" (which keeps the cloud and
//   client type); it is never retried by itself: five failed sign-ins lock the account.
// - The tokens (access, refresh, expiry) live only in SecretStorage, re-stored after every refresh; the
//   password is never stored, and not kept after its one call. The app secret stays in SecretStorage
//   until the service rejects it (404), then it is asked again together with the app id.
// - On activation the stored session is resumed without asking. A session the service refuses is
//   cleared and the user is told, with a "Sign In" button.
// - The local simulator runs inside the extension host, so after a reload the simulator of a stored
//   session is gone (new process, new port, new tokens). Resuming such a session starts the simulator
//   again and signs in to its demo account without asking: the user chose the simulator and did not
//   sign out. Stopping the simulator while signed in to it signs out here (there is nothing to talk to).
// - Signing out in one window signs out every window: the tokens' SecretStorage key is shared by the
//   windows of a profile, and its deletion is noticed through secrets.onDidChange.
import * as vscode from 'vscode';
import type { Disposable as AylaDisposable } from '../ayla/emitter';
import { formatTrace, HttpClient } from '../ayla/http';
import type { AylaHosts, HostClientType } from '../ayla/hosts';
import { AylaSession, type SessionOptions } from '../ayla/session';
import { redactSecrets } from '../ayla/redact';
import type { SignInCredentials } from '../ayla/userService';
import { tokensFrom, type StoredAccount } from './accountRecords';
import { cloudHosts, findCloud, hostOverrides, SIMULATOR_CLOUD, type Cloud } from './clouds';
import { describeError } from './describeError';
import type { Explorer } from './explorer';
import type { AccountInfo } from './explorerState';
import type { Notifier } from './notifier';
import type { SessionStore } from './sessionStore';
import { describeSignInFailure, runSignInFlow, type KeptChoices, type Prompts } from './signInFlow';
import type { SimulatorController } from './simulatorController';
import { startStreaming } from './streamingCommands';

export interface AccountManagerDependencies {
  explorer: Explorer;
  notifier: Notifier;
  simulator: SimulatorController;
  log: vscode.LogOutputChannel;
  store: SessionStore;
  prompts: Prompts;
}

/** Where a sign-in goes. */
interface Target {
  cloud: Cloud;
  clientType: HostClientType;
  hosts: AylaHosts;
  /** The simulator's URL (stored with the account: it changes with every start). */
  baseUrl?: string;
}

type Mode = 'signIn' | 'resume';

export class AccountManager implements vscode.Disposable {
  private session: AylaSession | undefined;
  /** The current session's tokens are in SecretStorage (their deletion then means a sign-out in another window). */
  private tokensStored = false;
  private account: StoredAccount | undefined;
  private sessionListeners: AylaDisposable[] = [];
  private flow: Promise<boolean> | undefined;
  private resuming: Promise<boolean> | undefined;
  private disposed = false;
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly deps: AccountManagerDependencies) {
    this.disposables = [
      deps.store.onDidChangeTokens((present) => {
        if (!present) void this.signedOutElsewhere();
      }),
      deps.simulator.onDidChange(() => {
        if (deps.simulator.url === undefined) void this.simulatorStopped();
      }),
    ];
  }

  /** The account signed in now, if any. */
  get current(): StoredAccount | undefined {
    return this.session ? this.account : undefined;
  }

  /** "Ayla DSS: Sign In": the prompts, then the sign-in. A second call while the prompts show joins the first. */
  signIn(kept?: KeptChoices): Promise<boolean> {
    this.flow ??= this.afterResume(() => this.promptAndSignIn(kept)).finally(() => (this.flow = undefined));
    return this.flow;
  }

  /** "Ayla DSS: Try the Local Simulator": starts the simulator and signs in to its demo account without asking. */
  tryLocalSimulator(): Promise<boolean> {
    this.flow ??= this.afterResume(() => this.signInToSimulator('signIn')).finally(() => (this.flow = undefined));
    return this.flow;
  }

  /** Resumes the stored session, if there is one (on activation; after a reload). */
  resume(): Promise<boolean> {
    this.resuming ??= this.resumeStored().finally(() => (this.resuming = undefined));
    return this.resuming;
  }

  /** "Ayla DSS: Sign Out": stops streams, deletes this session's subscriptions, revokes the tokens, clears SecretStorage. */
  async signOut(): Promise<boolean> {
    await this.resuming;
    const session = this.session;
    const account = this.account;
    if (!session || !account) {
      void this.deps.notifier.info('You are not signed in to Ayla.');
      return false;
    }
    this.forgetSession();
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Signing out of Ayla' }, () => session.signOut());
    } finally {
      await this.deps.explorer.detach('Signed out.');
      // The app secret stays in SecretStorage: it is the app's credential (like the app id), not part of
      // this session; only the session's tokens are cleared.
      await this.deps.store.clear();
      session.dispose();
    }
    void this.deps.notifier.info(`Signed out of ${cloudLabel(account)} (${account.email}).`);
    return true;
  }

  /**
   * Forgets the live session without signing out (the stored session stays), as a window reload does.
   * Its streams are stopped and their subscriptions deleted, best effort.
   */
  async suspend(): Promise<void> {
    const session = this.session;
    // Stopping may refresh the token (to delete the subscriptions): the new tokens must still be stored,
    // so the session's listeners go only afterwards.
    if (session) await session.stopStreaming().catch(() => undefined);
    this.forgetSession();
    session?.dispose();
    await this.deps.explorer.detach(undefined);
  }

  dispose(): void {
    this.disposed = true;
    for (const d of this.disposables) d.dispose();
    const session = this.session;
    if (!session) return;
    // Best effort while the window closes: delete this window's subscriptions (storing a token refreshed
    // for that), then close the sockets.
    void session
      .stopStreaming()
      .catch(() => undefined)
      .finally(() => {
        this.forgetSession();
        session.dispose();
      });
  }

  private async afterResume(run: () => Promise<boolean>): Promise<boolean> {
    await this.resuming;
    return run();
  }

  private async promptAndSignIn(kept: KeptChoices | undefined): Promise<boolean> {
    const { store, log } = this.deps;
    const config = vscode.workspace.getConfiguration('aylaDss');
    const last = store.lastSignIn;
    const answers = await runSignInFlow(
      this.deps.prompts,
      {
        appId: config.get<string>('appId', ''),
        rejectedAppId: store.rejectedAppId,
        appSecretFor: (appId) => store.appSecret(appId),
        lastEmail: last.email,
        lastCloudId: last.cloudId,
        lastClientType: last.clientType,
      },
      kept,
    );
    if (!answers) {
      log.info('Sign-in cancelled.');
      return false;
    }
    if (answers.kind === 'simulator') return this.signInToSimulator('signIn');

    const { cloud, clientType, appId, email } = answers;
    const retry = (): void => void this.signIn({ cloudId: cloud.id, clientType });
    await store.rememberSignIn({ email, cloudId: cloud.id, clientType });
    if (answers.appSecretEntered) await store.saveAppSecret(appId, answers.appSecret);
    if (config.get<string>('appId', '') !== appId) await config.update('appId', appId, vscode.ConfigurationTarget.Global);

    let hosts: AylaHosts;
    try {
      hosts = cloudHosts(cloud, clientType, { overrides: hostOverrides(config.get('hosts')), allowInsecure: config.get('allowInsecureHosts') === true });
    } catch (error) {
      // A bad aylaDss.hosts value: say which and offer the setting.
      const message = `Sign-in failed: ${describeError(error)}; fix the setting aylaDss.hosts.`;
      this.deps.explorer.signInFailed(message);
      void this.deps.notifier.error(message, 'Open Settings', 'Retry').then((choice) => {
        if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'aylaDss.hosts');
        if (choice === 'Retry') retry();
      });
      return false;
    }
    // The password goes into this one call and nowhere else; no reference to it outlives the call.
    const credentials: SignInCredentials = { email, password: answers.password, appId, appSecret: answers.appSecret };
    answers.password = '';
    return this.signInWith({ cloud, clientType, hosts }, credentials, 'signIn', retry);
  }

  private async signInToSimulator(mode: Mode): Promise<boolean> {
    const retry = (): void => void this.tryLocalSimulator();
    let url: string;
    let demo: SignInCredentials;
    try {
      const simulator = await this.deps.simulator.start();
      url = simulator.url;
      demo = { ...simulator.demo };
    } catch (error) {
      const message = `Could not start the local simulator: ${describeError(error)}. Pick another port in the setting aylaDss.simulator.port, or 0 for any free port.`;
      this.deps.explorer.signInFailed(message);
      void this.deps.notifier.error(message, 'Retry').then((choice) => choice && retry());
      return false;
    }
    const hosts = cloudHosts(SIMULATOR_CLOUD, 'mobile', { simulatorUrl: url });
    return this.signInWith({ cloud: SIMULATOR_CLOUD, clientType: 'mobile', hosts, baseUrl: url }, demo, mode, retry);
  }

  /** One sign-in call; never repeated here. */
  private async signInWith(target: Target, credentials: SignInCredentials, mode: Mode, retry: () => void): Promise<boolean> {
    const { explorer, notifier, store } = this.deps;
    const { cloud, clientType } = target;
    explorer.signingIn({ email: credentials.email, cloudLabel: cloud.label, clientType });
    let session: AylaSession;
    try {
      session = await vscode.window.withProgress(
        {
          location: mode === 'signIn' ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window,
          title: `Signing in to ${cloud.kind === 'simulator' ? 'the local simulator' : `Ayla ${cloud.label}`} as ${credentials.email}…`,
        },
        () => AylaSession.signIn(this.sessionOptions(target), credentials),
      );
    } catch (error) {
      credentials.password = '';
      const failure = describeSignInFailure(error);
      if (failure.appRejected && cloud.kind === 'ayla') {
        // Ask for both again next time: the service does not say which of the two it did not know.
        await store.forgetAppSecret();
        await store.setRejectedAppId(credentials.appId);
      }
      explorer.signInFailed(failure.message);
      void notifier.error(failure.message, 'Retry').then((choice) => choice === 'Retry' && retry());
      return false;
    }
    credentials.password = '';
    if (cloud.kind === 'ayla' && store.rejectedAppId !== undefined) await store.setRejectedAppId(undefined);
    const account: StoredAccount = {
      cloudId: cloud.id,
      clientType,
      email: credentials.email,
      role: session.keeper.tokens.role,
      ...(target.baseUrl !== undefined && { baseUrl: target.baseUrl }),
    };
    return this.adopt(session, account, mode);
  }

  private async resumeStored(): Promise<boolean> {
    const { store, explorer, log } = this.deps;
    const stored = await store.load();
    if (!stored) return false;
    const { account, tokens } = stored;
    const cloud = findCloud(account.cloudId)!;
    if (cloud.kind === 'simulator' && this.deps.simulator.url !== account.baseUrl) {
      log.info('The local simulator of the stored session is gone (it lives only as long as the window); starting it again and signing in to its demo account.');
      return this.signInToSimulator('resume');
    }
    let hosts: AylaHosts;
    try {
      hosts = cloudHosts(cloud, account.clientType, {
        overrides: hostOverrides(vscode.workspace.getConfiguration('aylaDss').get('hosts')),
        simulatorUrl: account.baseUrl,
        allowInsecure: vscode.workspace.getConfiguration('aylaDss').get('allowInsecureHosts') === true,
      });
    } catch (error) {
      // The tokens are not stale; the setting is wrong. Keep them for when it is fixed.
      const message = `Could not resume your Ayla session (${account.email} on ${cloud.label}): ${describeError(error)}; fix the setting aylaDss.hosts.`;
      explorer.signInFailed(message);
      void this.deps.notifier.error(message, 'Open Settings').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'aylaDss.hosts');
      });
      return false;
    }
    explorer.signingIn(accountInfo(account));
    const session = new AylaSession(this.sessionOptions({ clientType: account.clientType, hosts }), tokensFrom(tokens, account));
    return this.adopt(session, account, 'resume');
  }

  /** Takes over a signed-in (or resumed) session: stores it, lists devices, starts streaming. */
  private async adopt(session: AylaSession, account: StoredAccount, mode: Mode): Promise<boolean> {
    const { explorer, notifier, store, log } = this.deps;
    const previous = this.session;
    this.forgetSession();
    this.session = session;
    this.account = account;
    this.sessionListeners.push(
      session.onTokens((tokens) => {
        if (this.session === session) void store.saveTokens(tokens);
      }),
    );
    await store.save(account, session.keeper.tokens);
    if (this.session === session) this.tokensStored = true;
    // Signing in again replaces the session: the old one deletes its subscriptions and is revoked.
    if (previous && previous !== session) void previous.signOut().catch(() => undefined).finally(() => previous.dispose());

    const info = accountInfo(account);
    const label = cloudLabel(account);
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Listing Ayla devices' }, () => explorer.attach(session, info));
    } catch (error) {
      if (!session.signedIn) {
        // The service refused the session (resume with revoked or expired tokens): forget it.
        this.forgetSession();
        session.dispose();
        await store.clear();
        const message =
          mode === 'resume'
            ? `Could not resume your session on ${label} (${account.email}): it has expired or was revoked; sign in again.`
            : `Signed in to ${label}, but the session was refused at once: ${describeError(error)}.`;
        await explorer.detach(message);
        explorer.signInFailed(message);
        void notifier.error(message, 'Sign In').then((choice) => choice && void vscode.commands.executeCommand('aylaDss.signIn'));
        return false;
      }
      // The session is fine, the listing is not (a device service that does not answer): stay signed in.
      void notifier.error(`Signed in to ${label}, but the devices could not be listed: ${describeError(error)}.`, 'Retry').then((choice) => {
        if (choice) void vscode.commands.executeCommand('aylaDss.refreshDevices').then(() => vscode.commands.executeCommand('aylaDss.startStreaming'));
      });
      this.watchEnd(session);
      return true;
    }
    this.watchEnd(session);
    log.info(`${mode === 'resume' ? 'Resumed the session' : 'Signed in'} on ${label} as ${account.email} (${account.clientType} client).`);
    await startStreaming({ explorer, notifier });
    return true;
  }

  /** The session may end by itself (the refresh token rejected): clear it and say so. */
  private watchEnd(session: AylaSession): void {
    this.sessionListeners.push(
      session.onState((state) => {
        if (state.kind !== 'signedOut' || this.session !== session) return;
        this.forgetSession();
        session.dispose();
        void this.deps.store.clear();
        void this.deps.explorer.detach(state.reason);
        void this.deps.notifier.warn(state.reason, 'Sign In').then((choice) => choice && void vscode.commands.executeCommand('aylaDss.signIn'));
      }),
    );
  }

  /** The stored tokens were deleted while this window had a session: another window signed out. */
  private async signedOutElsewhere(): Promise<void> {
    // This window's own sign-out forgets its session before it deletes the tokens. But the deletion is
    // reported later, and a new session may have started by then (sign out, then sign in at once): only a
    // session whose tokens were stored can have been signed out elsewhere, and only while they are still gone.
    const session = this.session;
    if (!session || this.disposed || !this.tokensStored) return;
    if (await this.deps.store.hasTokens()) return;
    if (this.session !== session) return;
    this.forgetSession();
    await this.deps.explorer.detach('Signed out in another window.');
    // Sign this window's session out too (its own subscriptions and tokens), best effort.
    void session.signOut().catch(() => undefined).finally(() => session.dispose());
    this.deps.log.info('Signed out in another window; signed out here too.');
  }

  private async simulatorStopped(): Promise<void> {
    const session = this.session;
    if (!session || this.disposed || this.account?.cloudId !== 'simulator') return;
    this.forgetSession();
    session.dispose(); // The server is gone: there is nothing to delete or revoke.
    await this.deps.store.clear();
    await this.deps.explorer.detach('The local simulator stopped.');
    void this.deps.notifier.info('Signed out: the local simulator stopped. "Ayla DSS: Try the Local Simulator" starts it and signs in again.');
  }

  private forgetSession(): void {
    for (const listener of this.sessionListeners) listener.dispose();
    this.sessionListeners = [];
    this.session = undefined;
    this.tokensStored = false;
    this.account = undefined;
  }

  private sessionOptions(target: Pick<Target, 'hosts' | 'clientType'>): SessionOptions {
    const { log } = this.deps;
    return {
      hosts: target.hosts,
      clientType: target.clientType,
      // Traces carry redacted URLs only; the session's own log lines never carry a secret.
      http: new HttpClient({ onRequest: (trace) => log.trace(formatTrace(trace)) }),
      // Stream lines redact their own key; redactSecrets again keeps any token or key out whatever a line quotes.
      log: (level, line) => log[level](redactSecrets(line)),
    };
  }
}

function cloudLabel(account: StoredAccount): string {
  const cloud = findCloud(account.cloudId);
  if (!cloud) return account.cloudId;
  return cloud.kind === 'simulator' ? 'the local simulator' : `Ayla ${cloud.label}`;
}

export function accountInfo(account: StoredAccount): AccountInfo {
  return { email: account.email, cloudLabel: findCloud(account.cloudId)?.label ?? account.cloudId, clientType: account.clientType };
}
