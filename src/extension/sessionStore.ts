// Where the account is remembered. Secrets only in SecretStorage: the session's tokens (one key, JSON:
// access token, refresh token, expiry) and the app secret (with the app id it belongs to). Everything
// else — which cloud, client type, email, role, the simulator's URL; the last email; an app id the
// service rejected — is not secret and lives in globalState. The password is never handed to this class.
import * as vscode from 'vscode';
import type { HostClientType } from '../ayla/hosts';
import { parseStoredAccount, parseStoredTokens, serializeTokens, type StoredAccount, type StoredTokens } from './accountRecords';
import { findCloud, type CloudId } from './clouds';

/** SecretStorage keys (all of them: SecretStorage cannot list its keys). */
export const TOKENS_KEY = 'aylaDss.session';
export const APP_SECRET_KEY = 'aylaDss.appSecret';
export const SECRET_KEYS = [TOKENS_KEY, APP_SECRET_KEY] as const;

/** globalState keys. */
const ACCOUNT_KEY = 'aylaDss.account';
const LAST_SIGN_IN_KEY = 'aylaDss.lastSignIn';
const REJECTED_APP_ID_KEY = 'aylaDss.rejectedAppId';

export interface StoredSession {
  account: StoredAccount;
  tokens: StoredTokens;
}

export interface LastSignIn {
  email: string;
  cloudId?: CloudId;
  clientType?: HostClientType;
}

export class SessionStore {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly state: vscode.Memento,
  ) {}

  /** The stored session, or undefined when there is none (or half of it is missing or malformed). */
  async load(): Promise<StoredSession | undefined> {
    const account = parseStoredAccount(this.state.get(ACCOUNT_KEY));
    const tokens = parseStoredTokens(await this.secrets.get(TOKENS_KEY));
    return account && tokens ? { account, tokens } : undefined;
  }

  async save(account: StoredAccount, tokens: StoredTokens): Promise<void> {
    await this.state.update(ACCOUNT_KEY, account);
    await this.saveTokens(tokens);
  }

  /** After every refresh. */
  saveTokens(tokens: StoredTokens): Thenable<void> {
    return this.secrets.store(TOKENS_KEY, serializeTokens(tokens));
  }

  /** Forgets the session (tokens and account facts); the last email and the app secret stay. */
  /** Tokens are stored now (by this window or another). */
  async hasTokens(): Promise<boolean> {
    return (await this.secrets.get(TOKENS_KEY)) !== undefined;
  }

  async clear(): Promise<void> {
    await this.state.update(ACCOUNT_KEY, undefined);
    await this.secrets.delete(TOKENS_KEY);
  }

  /** Fires when the stored tokens change in any window of this profile, with whether there are tokens now. */
  onDidChangeTokens(listener: (present: boolean) => void): vscode.Disposable {
    return this.secrets.onDidChange(async (event) => {
      if (event.key !== TOKENS_KEY) return;
      listener((await this.secrets.get(TOKENS_KEY)) !== undefined);
    });
  }

  /** The stored app secret when it was stored for this app id. */
  async appSecret(appId: string): Promise<string | undefined> {
    const text = await this.secrets.get(APP_SECRET_KEY);
    if (text === undefined) return undefined;
    try {
      const value = JSON.parse(text) as { appId?: unknown; appSecret?: unknown };
      return value.appId === appId && typeof value.appSecret === 'string' && value.appSecret !== '' ? value.appSecret : undefined;
    } catch {
      return undefined;
    }
  }

  saveAppSecret(appId: string, appSecret: string): Thenable<void> {
    return this.secrets.store(APP_SECRET_KEY, JSON.stringify({ appId, appSecret }));
  }

  forgetAppSecret(): Thenable<void> {
    return this.secrets.delete(APP_SECRET_KEY);
  }

  /** What the last sign-in chose (kept after sign-out too): the prompts start on it. An email is not a secret. */
  get lastSignIn(): LastSignIn {
    const value = this.state.get<unknown>(LAST_SIGN_IN_KEY);
    if (typeof value !== 'object' || value === null) return { email: '' };
    const v = value as Record<string, unknown>;
    const cloud = findCloud(typeof v.cloudId === 'string' ? v.cloudId : undefined);
    return {
      email: typeof v.email === 'string' ? v.email : '',
      ...(cloud && { cloudId: cloud.id }),
      ...((v.clientType === 'mobile' || v.clientType === 'cloud') && { clientType: v.clientType }),
    };
  }

  rememberSignIn(last: LastSignIn): Thenable<void> {
    return this.state.update(LAST_SIGN_IN_KEY, last);
  }

  get rejectedAppId(): string | undefined {
    const appId = this.state.get<unknown>(REJECTED_APP_ID_KEY);
    return typeof appId === 'string' ? appId : undefined;
  }

  setRejectedAppId(appId: string | undefined): Thenable<void> {
    return this.state.update(REJECTED_APP_ID_KEY, appId);
  }
}
