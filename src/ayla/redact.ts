// Keeps secrets out of everything shown or logged. Two layers: patterns that are secret wherever they
// appear (`stream_key=` in URLs, `auth_token <t>` headers, secret-named JSON fields), and the exact
// values the client has handled (tokens, app secret, stream keys; the password only while a sign-in is
// in flight), registered here so that even a server message echoing one is cleaned.

/**
 * `token`: shown as `…` + its last 4 characters, so a user can tell two tokens apart in a log.
 * `secret`: shown as `[redacted]` (passwords, app secrets: no part of them is ever shown).
 */
export type SecretKind = 'token' | 'secret';

/** Shorter values are not registered: replacing every `abc` in a text would garble it. */
export const MIN_SECRET_LENGTH = 4;
/** Bounded so that a week of token refreshes cannot grow it; the oldest entries go first. */
const MAX_REGISTERED = 256;

const REDACTED = '[redacted]';

interface Entry {
  kind: SecretKind;
  /** Registrations still holding it (a password used by two concurrent sign-ins stays until both end). */
  holds: number;
}

const registered = new Map<string, Entry>();

export function registerSecret(value: string, kind: SecretKind = 'secret'): void {
  if (value.length < MIN_SECRET_LENGTH) return;
  const entry = registered.get(value);
  if (entry) {
    entry.holds++;
    if (kind === 'secret') entry.kind = 'secret';
    return;
  }
  registered.set(value, { kind, holds: 1 });
  if (registered.size > MAX_REGISTERED) {
    const oldest = registered.keys().next().value;
    if (oldest !== undefined) registered.delete(oldest);
  }
}

/** Drops one registration of `value` (used for the password once its sign-in call has ended). */
export function forgetSecret(value: string): void {
  const entry = registered.get(value);
  if (!entry) return;
  if (--entry.holds <= 0) registered.delete(value);
}

/** How a secret value is shown. */
export function maskSecret(value: string, kind: SecretKind = 'token'): string {
  return kind === 'token' && value.length >= 12 ? `…${value.slice(-4)}` : REDACTED;
}

const STREAM_KEY = /(\bstream_key=)([^&#\s"'<>]+)/gi;
const AUTH_TOKEN = /(\bauth_token[ \t]+)([^\s"',;]+)/gi;
const JSON_SECRET_FIELD = /("(?:access_token|refresh_token|stream_key|password|app_secret)"\s*:\s*")((?:[^"\\]|\\.)*)(")/gi;

/** `text` with every known secret replaced by `…`+last 4 characters or `[redacted]`. */
export function redactSecrets(text: string): string {
  let result = text
    .replace(STREAM_KEY, (_m, head: string, key: string) => `${head}${maskSecret(key)}`)
    .replace(AUTH_TOKEN, (_m, head: string, token: string) => `${head}${maskSecret(token)}`)
    .replace(JSON_SECRET_FIELD, (_m, head: string, value: string, tail: string) => {
      const kind: SecretKind = /password|app_secret/i.test(head) ? 'secret' : 'token';
      return `${head}${value === '' ? '' : maskSecret(value, kind)}${tail}`;
    });
  // Longest first, so a secret containing another one is replaced whole.
  const values = [...registered.keys()].sort((a, b) => b.length - a.length);
  for (const value of values) {
    if (result.includes(value)) result = result.split(value).join(maskSecret(value, registered.get(value)!.kind));
  }
  return result;
}

/** A URL safe to show: the stream key and any user:password part replaced, then every registered secret. */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return redactSecrets(String(url));
  }
  if (parsed.username !== '') parsed.username = 'redacted';
  if (parsed.password !== '') parsed.password = 'redacted';
  // The pattern pass in redactSecrets covers stream_key in the query (URL keeps it verbatim).
  return redactSecrets(parsed.toString());
}
