// The user service (ayla-protocol.md §2): sign in, refresh, sign out, profile. Sign-in is never repeated
// automatically (five failures lock the account for 30 minutes), and the password lives only for the
// duration of the call: it is not stored, and it is registered with the redactor only while the call runs.
import { AylaApiError } from './errors';
import { invalidResponse, type HttpClient, type HttpFailure } from './http';
import { forgetSecret, registerSecret } from './redact';
import type { SignInRequest } from './wireTypes';

export interface SignInCredentials {
  email: string;
  password: string;
  appId: string;
  appSecret: string;
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires, ms since the epoch (from `expires_in`). */
  expiresAt: number;
  /** e.g. `EndUser`, `OEM::Admin`; '' when the service did not say. */
  role: string;
}

/** The profile fields the extension uses; everything the service sent is in `raw`. */
export interface Profile {
  uuid: string | undefined;
  email: string | undefined;
  firstName: string | undefined;
  lastName: string | undefined;
  role: string | undefined;
  oemId: string | undefined;
  raw: Record<string, unknown>;
}

export interface UserServiceOptions {
  /** The user service origin (`resolveHosts(…).user`). */
  origin: string;
  http: HttpClient;
  /** Clock for `expiresAt`; default Date.now. */
  now?: () => number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** "… try again in 29 minutes" → 29, when a lock message says how long. */
function lockMinutes(serverMessage: string): number | undefined {
  const match = /(\d+)\s*(minute|min)/i.exec(serverMessage);
  return match ? Number(match[1]) : undefined;
}

export function signInFailureMessage(failure: HttpFailure): string | undefined {
  if (failure.status === 401) {
    const said = failure.serverMessage ?? '';
    if (/lock/i.test(said)) {
      const minutes = lockMinutes(said);
      const wait = minutes !== undefined ? `wait ${minutes} minute${minutes === 1 ? '' : 's'}` : 'wait 30 minutes';
      return `Sign-in failed: the account is locked after too many failed sign-ins (401); ${wait} before trying again.`;
    }
    return 'Sign-in failed: wrong email or password (401). Five failures lock the account for 30 minutes.';
  }
  if (failure.status === 404) {
    return 'Sign-in failed: the app id or app secret is not known to this Ayla region (404). Check them, and that the region is right.';
  }
  return undefined;
}

export class UserService {
  private readonly origin: string;
  private readonly http: HttpClient;
  private readonly now: () => number;

  constructor(options: UserServiceOptions) {
    this.origin = options.origin;
    this.http = options.http;
    this.now = options.now ?? Date.now;
  }

  async signIn(credentials: SignInCredentials): Promise<Tokens> {
    const { email, password, appId, appSecret } = credentials;
    registerSecret(appSecret, 'secret');
    registerSecret(password, 'secret');
    try {
      const body: SignInRequest = { user: { email, password, application: { app_id: appId, app_secret: appSecret } } };
      const response = await this.http.request({
        service: 'user',
        method: 'POST',
        origin: this.origin,
        path: '/users/sign_in.json',
        body,
        action: 'sign in',
        explain: signInFailureMessage,
      });
      return this.tokens(response.body, 'sign in');
    } finally {
      forgetSecret(password);
    }
  }

  /** New tokens for a refresh token (the old access token stops working). */
  async refresh(refreshToken: string): Promise<Tokens> {
    registerSecret(refreshToken, 'token');
    const response = await this.http.request({
      service: 'user',
      method: 'POST',
      origin: this.origin,
      path: '/users/refresh_token.json',
      body: { user: { refresh_token: refreshToken } },
      action: 'refresh the access token',
      explain: (failure) =>
        failure.status === 401 || failure.status === 404
          ? `The user service refused to renew the session (${failure.status}): it has ended or been signed out; sign in again.`
          : undefined,
    });
    return this.tokens(response.body, 'refresh the access token');
  }

  /**
   * Ends the session (both tokens stop working). Any 2xx is done; so is a 401, which means the token is
   * already invalid — there is nothing left to sign out.
   */
  async signOut(accessToken: string): Promise<void> {
    registerSecret(accessToken, 'token');
    try {
      await this.http.request({
        service: 'user',
        method: 'POST',
        origin: this.origin,
        path: '/users/sign_out.json',
        body: { user: { access_token: accessToken } },
        action: 'sign out',
        expectJson: false,
      });
    } catch (error) {
      if (error instanceof AylaApiError && error.kind === 'http' && error.status === 401) return;
      throw error;
    }
  }

  async profile(accessToken: string): Promise<Profile> {
    registerSecret(accessToken, 'token');
    const action = 'read the user profile';
    const response = await this.http.request({
      service: 'user',
      method: 'GET',
      origin: this.origin,
      path: '/users/get_user_profile.json',
      token: accessToken,
      action,
    });
    const body = response.body;
    if (!isRecord(body)) throw invalidResponse('user', this.origin, action, 'a profile object');
    return {
      uuid: optionalString(body.uuid),
      email: optionalString(body.email),
      firstName: optionalString(body.firstname),
      lastName: optionalString(body.lastname),
      role: optionalString(body.role),
      oemId: optionalString(body.oem_id),
      raw: body,
    };
  }

  private tokens(body: unknown, action: string): Tokens {
    if (!isRecord(body) || typeof body.access_token !== 'string' || body.access_token === '' || typeof body.refresh_token !== 'string' || body.refresh_token === '') {
      throw invalidResponse('user', this.origin, action, 'an access token and a refresh token');
    }
    registerSecret(body.access_token, 'token');
    registerSecret(body.refresh_token, 'token');
    // `expires_in` is documented in seconds; a missing or odd one falls back to the documented 24 h.
    const expiresIn = typeof body.expires_in === 'number' && Number.isFinite(body.expires_in) && body.expires_in > 0 ? body.expires_in : 86400;
    return {
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      expiresAt: this.now() + expiresIn * 1000,
      role: typeof body.role === 'string' ? body.role : '',
    };
  }
}
