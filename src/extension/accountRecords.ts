// What the extension remembers about an account between windows and reloads, in two shapes:
//   - StoredTokens: access token, refresh token, expiry. Secrets: only ever in SecretStorage, one key, JSON.
//   - StoredAccount: the non-secret facts (cloud, client type, email, role, the simulator's URL) in
//     globalState, so a reload can rebuild the session around the tokens.
// Parsing is strict and pure (no vscode): anything malformed counts as "nothing stored".
import type { HostClientType } from '../ayla/hosts';
import type { Tokens } from '../ayla/userService';
import { findCloud, type CloudId } from './clouds';

export interface StoredTokens {
  accessToken: string;
  refreshToken: string;
  /** ms since the epoch. */
  expiresAt: number;
}

export interface StoredAccount {
  cloudId: CloudId;
  clientType: HostClientType;
  email: string;
  /** e.g. `EndUser`; '' when the service did not say. Not a secret. */
  role: string;
  /** The simulator's `http://127.0.0.1:PORT` when cloudId is `simulator` (it changes with every start). */
  baseUrl?: string;
}

/** Exactly the three secret fields, nothing else (the role is not a secret and lives with the account). */
export function serializeTokens(tokens: StoredTokens): string {
  const stored: StoredTokens = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt };
  return JSON.stringify(stored);
}

export function parseStoredTokens(text: string | undefined): StoredTokens | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.accessToken !== 'string' || v.accessToken === '') return undefined;
  if (typeof v.refreshToken !== 'string' || v.refreshToken === '') return undefined;
  if (typeof v.expiresAt !== 'number' || !Number.isFinite(v.expiresAt)) return undefined;
  return { accessToken: v.accessToken, refreshToken: v.refreshToken, expiresAt: v.expiresAt };
}

export function parseStoredAccount(value: unknown): StoredAccount | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const cloud = findCloud(typeof v.cloudId === 'string' ? v.cloudId : undefined);
  if (!cloud) return undefined;
  if (v.clientType !== 'mobile' && v.clientType !== 'cloud') return undefined;
  if (typeof v.email !== 'string' || v.email === '') return undefined;
  const account: StoredAccount = { cloudId: cloud.id, clientType: v.clientType, email: v.email, role: typeof v.role === 'string' ? v.role : '' };
  if (typeof v.baseUrl === 'string' && v.baseUrl !== '') account.baseUrl = v.baseUrl;
  if (cloud.kind === 'simulator' && account.baseUrl === undefined) return undefined;
  return account;
}

/** The session's Tokens rebuilt from what was stored. */
export function tokensFrom(stored: StoredTokens, account: StoredAccount): Tokens {
  return { ...stored, role: account.role };
}
