// The user service's memory: accounts, their tokens, and the sign-in lock.
import type { SignInResponse } from '../ayla/wireTypes';
import { ACCOUNTS, DEMO_APP, OEM_ID, type AccountSetup } from './catalog';
import { newToken, redact } from './secrets';

export interface Account extends AccountSetup {
  id: number;
  oemId: string;
  createdAt: string;
  failedSignIns: number;
  lockedUntil: number;
}

interface Session {
  account: Account;
  accessToken: string;
  refreshToken: string;
  accessExpiresAt: number;
}

export type SignInOutcome =
  | { ok: true; response: SignInResponse }
  | { ok: false; status: 401 | 404; message: string };

/** Failed sign-ins in a row that lock an account [doc]. */
export const MAX_FAILED_SIGN_INS = 5;

export interface AccountsOptions {
  accessTokenTtlSeconds: number;
  accountLockSeconds: number;
  log: (line: string) => void;
  /** Replaces every account's password and the app secret (empty strings are ignored). */
  secrets?: { password?: string; appSecret?: string };
}

export class Accounts {
  readonly all: Account[];
  private readonly byEmail = new Map<string, Account>();
  private readonly byAccessToken = new Map<string, Session>();
  private readonly byRefreshToken = new Map<string, Session>();

  /** The app secret sign-ins must give with the demo app id. */
  readonly appSecret: string;

  constructor(private readonly options: AccountsOptions) {
    const password = options.secrets?.password || undefined;
    this.appSecret = options.secrets?.appSecret || DEMO_APP.appSecret;
    this.all = ACCOUNTS.map((setup, i) => ({
      ...setup,
      ...(password !== undefined && { password }),
      id: 1001 + i,
      oemId: OEM_ID,
      createdAt: '2018-06-05T12:00:00Z',
      failedSignIns: 0,
      lockedUntil: 0,
    }));
    for (const account of this.all) this.byEmail.set(account.email.toLowerCase(), account);
  }

  passwordOf(email: string): string | undefined {
    return this.byEmail.get(email.toLowerCase())?.password;
  }

  byUuid(uuid: string): Account | undefined {
    return this.all.find((a) => a.uuid === uuid);
  }

  signIn(email: string, password: string, appId: string, appSecret: string): SignInOutcome {
    if (appId !== DEMO_APP.appId || appSecret !== this.appSecret) {
      return { ok: false, status: 404, message: 'Could not find an application with that app_id and app_secret.' };
    }
    const account = this.byEmail.get(email.toLowerCase());
    const now = Date.now();
    if (account && account.lockedUntil > now) {
      const minutes = Math.ceil((account.lockedUntil - now) / 60000);
      return { ok: false, status: 401, message: `Your account is locked after ${MAX_FAILED_SIGN_INS} failed sign-ins; try again in ${minutes} minutes.` };
    }
    if (!account || account.password !== password) {
      if (account) {
        account.failedSignIns++;
        if (account.failedSignIns >= MAX_FAILED_SIGN_INS) {
          account.lockedUntil = now + this.options.accountLockSeconds * 1000;
          account.failedSignIns = 0;
          this.options.log(`account ${account.email} locked after ${MAX_FAILED_SIGN_INS} failed sign-ins`);
        }
      }
      return { ok: false, status: 401, message: 'Invalid email or password.' };
    }
    account.failedSignIns = 0;
    const session = this.open(account);
    this.options.log(`signed in ${account.email} (access token ${redact(session.accessToken)})`);
    return { ok: true, response: this.response(session) };
  }

  refresh(refreshToken: string): SignInResponse | undefined {
    const session = this.byRefreshToken.get(refreshToken);
    if (!session) return undefined;
    this.close(session);
    const renewed = this.open(session.account);
    this.options.log(`refreshed tokens of ${session.account.email}`);
    return this.response(renewed);
  }

  /** Ends the session of an access token (expired or not); false when the token is unknown. */
  signOut(accessToken: string): boolean {
    const session = this.byAccessToken.get(accessToken);
    if (!session) return false;
    this.close(session);
    this.options.log(`signed out ${session.account.email}`);
    return true;
  }

  /** The account behind an `Authorization: auth_token <t>` header, or why there is none. */
  authenticate(header: string | undefined): { account: Account } | { message: string } {
    const match = /^auth_token\s+(\S+)\s*$/i.exec(header ?? '');
    if (!match) return { message: 'Missing Authorization header (expected "auth_token <access token>").' };
    const session = this.byAccessToken.get(match[1]!);
    if (!session) return { message: 'Your access token is invalid.' };
    if (session.accessExpiresAt <= Date.now()) return { message: 'Your access token has expired.' };
    return { account: session.account };
  }

  /** Fault: every access token issued so far expires now (refresh tokens stay valid). */
  expireAccessTokens(): number {
    const now = Date.now();
    let count = 0;
    for (const session of this.byAccessToken.values()) {
      if (session.accessExpiresAt > now) count++;
      session.accessExpiresAt = now;
    }
    return count;
  }

  clearLocks(): void {
    for (const account of this.all) {
      account.failedSignIns = 0;
      account.lockedUntil = 0;
    }
  }

  private open(account: Account): Session {
    const session: Session = {
      account,
      accessToken: newToken(),
      refreshToken: newToken(),
      accessExpiresAt: Date.now() + this.options.accessTokenTtlSeconds * 1000,
    };
    this.byAccessToken.set(session.accessToken, session);
    this.byRefreshToken.set(session.refreshToken, session);
    return session;
  }

  private close(session: Session): void {
    this.byAccessToken.delete(session.accessToken);
    this.byRefreshToken.delete(session.refreshToken);
  }

  private response(session: Session): SignInResponse {
    return {
      access_token: session.accessToken,
      refresh_token: session.refreshToken,
      expires_in: this.options.accessTokenTtlSeconds,
      role: session.account.role,
      role_tags: [],
    };
  }
}
