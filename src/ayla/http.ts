// The one place that calls undici. JSON in, JSON out; every failure becomes an AylaApiError whose message
// is one sentence saying what happened and what to do, and never carries a token, password, app secret or
// stream key. Only idempotent calls (GET, DELETE) are retried after the server may have seen them: a
// repeated POST could lock an account (five failed sign-ins) or set a value twice. A call that never
// reached a server (connection refused, host name not found) is retried whatever its method.
import type * as NodeHttp from 'node:http';
import type * as Undici from 'undici';
import type { Dispatcher } from 'undici';
import { AylaApiError, type AylaErrorKind, type AylaService } from './errors';
import { redactSecrets, redactUrl } from './redact';

/**
 * undici, loaded on the first request rather than when the extension loads: evaluating it is most of the
 * bundle's load time (benchmark B6), and activation must not wait for a network stack it does not use yet.
 */
let undiciModule: typeof Undici | undefined;
function undici(): typeof Undici {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (undiciModule ??= require('undici') as typeof Undici);
}

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface HttpClientOptions {
  /** Per attempt, from sending to the last body byte; default 15000. */
  timeoutMs?: number;
  /** Extra attempts for GET/DELETE on 5xx, 429, timeout or reset, and for any call that never reached a server (refused, DNS); default 2. */
  retries?: number;
  /** First backoff step; doubles per retry, with jitter; default 300. */
  retryBaseDelayMs?: number;
  /** Cap on a backoff step and on an honoured `Retry-After` (a longer one ends the retries); default 10000. */
  retryMaxDelayMs?: number;
  /** Larger answers are refused as invalid; default 32 MiB. */
  maxResponseBytes?: number;
  /** undici dispatcher (Agent, ProxyAgent, …); default the global one. */
  dispatcher?: Dispatcher;
  /** Called after every attempt; sees only redacted URLs and safe messages. */
  onRequest?: (trace: HttpTrace) => void;
}

export type HttpOutcome = 'ok' | AylaErrorKind;

export interface HttpTrace {
  service: AylaService;
  method: HttpMethod;
  /** Redacted. */
  url: string;
  /** 1 for the first try. */
  attempt: number;
  status: number | undefined;
  outcome: HttpOutcome;
  durationMs: number;
  /** Set when another attempt follows after this many ms. */
  retryInMs: number | undefined;
  /** The error message of a failed attempt (safe to show). */
  message: string | undefined;
}

/** One log line for a trace, e.g. `GET https://ads-dev…/apiv1/devices.json → 200 (12 ms)`. */
export function formatTrace(trace: HttpTrace): string {
  const result = trace.status !== undefined ? String(trace.status) : trace.outcome;
  const retry = trace.retryInMs !== undefined ? `, retrying in ${trace.retryInMs} ms` : '';
  const attempt = trace.attempt > 1 ? ` [attempt ${trace.attempt}]` : '';
  return `${trace.method} ${trace.url} → ${result} (${trace.durationMs} ms${retry})${attempt}`;
}

/** What the service modules get to word a failure their own way. */
export interface HttpFailure {
  status: number;
  serverMessage: string | undefined;
  /** How many times the call was repeated before giving up. */
  retried: number;
  retryAfterMs: number | undefined;
}

export interface JsonRequest {
  service: AylaService;
  method: HttpMethod;
  /** `https://host[:port][/prefix]`, no trailing slash. */
  origin: string;
  /** Path and query, starting with `/`. */
  path: string;
  /** Sent as `Authorization: auth_token <token>`. */
  token?: string;
  /** Serialized as JSON. */
  body?: unknown;
  /** What the call does, in the user's words, for messages ("list devices"). */
  action: string;
  /** A message for an HTTP error status, or undefined for the default one. */
  explain?: (failure: HttpFailure) => string | undefined;
  /** false: any 2xx body is accepted and ignored (sign-out, delete). Default true. */
  expectJson?: boolean;
  /** Overrides the client's timeout for this call. */
  timeoutMs?: number;
}

export interface JsonResponse {
  status: number;
  /** Parsed JSON; undefined for an empty body (or any body when `expectJson` is false). */
  body: unknown;
}

const SERVICE_NAMES: Record<AylaService, string> = {
  user: 'user service',
  device: 'device service',
  dss: 'Datastream Service (DSS)',
  stream: 'DSS stream service',
};

export function serviceName(service: AylaService): string {
  return SERVICE_NAMES[service];
}

/** Network error codes → the words a message uses; all of them mean 'unreachable'. */
const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed for now',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed by the other side',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_CLOSED: 'connection closed',
};

/** Codes after which a GET/DELETE may be repeated (the request may never have been handled). */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Codes that mean no connection was ever made, so the server never saw the request: any call may be repeated,
 * even a POST (a sign-in that never arrived cannot count towards the lock-out). A host that is down for a
 * moment, or a DNS answer that failed for now, is then bridged with backoff instead of failing at once.
 */
const NEVER_CONNECTED_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

function isTlsCode(code: string): boolean {
  return /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$|HOSTNAME_MISMATCH)/.test(code);
}

/** The reason words for a network error code (exported for tests of codes a socket cannot easily produce). */
export function networkReason(code: string | undefined): string {
  if (code === undefined) return 'network error';
  if (isTlsCode(code)) return `TLS failure, ${code}`;
  return NETWORK_REASONS[code] ?? `network error ${code}`;
}

interface Failure {
  kind: AylaErrorKind;
  status: number | undefined;
  serverMessage: string | undefined;
  code: string | undefined;
  retryAfterMs: number | undefined;
  /** Why the body was not acceptable (invalid-response). */
  problem: string | undefined;
  cause: unknown;
}

type Attempt = { ok: true; response: JsonResponse } | { ok: false; failure: Failure };

/** Thrown into the abort signal so a timeout can be told apart from any other abort. */
class AttemptTimeout extends Error {}

const DEFAULTS = {
  timeoutMs: 15_000,
  retries: 2,
  retryBaseDelayMs: 300,
  retryMaxDelayMs: 10_000,
  maxResponseBytes: 32 * 1024 * 1024,
};

export class HttpClient {
  private readonly options: typeof DEFAULTS & Pick<HttpClientOptions, 'dispatcher' | 'onRequest'>;

  constructor(options: HttpClientOptions = {}) {
    this.options = {
      timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
      retries: Math.max(0, Math.floor(options.retries ?? DEFAULTS.retries)),
      retryBaseDelayMs: options.retryBaseDelayMs ?? DEFAULTS.retryBaseDelayMs,
      retryMaxDelayMs: options.retryMaxDelayMs ?? DEFAULTS.retryMaxDelayMs,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULTS.maxResponseBytes,
      dispatcher: options.dispatcher,
      onRequest: options.onRequest,
    };
  }

  /** Sends a JSON request; resolves on 2xx, rejects with an AylaApiError otherwise. */
  async request(req: JsonRequest): Promise<JsonResponse> {
    const idempotent = req.method === 'GET' || req.method === 'DELETE';
    const maxAttempts = this.options.retries + 1;
    const url = `${req.origin}${req.path}`;
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      const result = await this.attempt(req, url);
      const durationMs = Date.now() - started;
      if (result.ok) {
        this.trace(req, url, attempt, result.response.status, 'ok', durationMs, undefined, undefined);
        return result.response;
      }
      const failure = result.failure;
      const retryInMs = attempt < maxAttempts ? this.retryDelay(failure, attempt, idempotent) : undefined;
      const error = retryInMs === undefined ? this.toError(req, failure, attempt - 1, idempotent) : undefined;
      this.trace(req, url, attempt, failure.status, failure.kind, durationMs, retryInMs, error?.message ?? describeBriefly(failure));
      if (error) throw error;
      await sleep(retryInMs!);
    }
  }

  private trace(req: JsonRequest, url: string, attempt: number, status: number | undefined, outcome: HttpOutcome, durationMs: number, retryInMs: number | undefined, message: string | undefined): void {
    const hook = this.options.onRequest;
    if (!hook) return;
    try {
      hook({ service: req.service, method: req.method, url: redactUrl(url), attempt, status, outcome, durationMs, retryInMs, message });
    } catch {
      // A tracing hook must never break a call.
    }
  }

  /** ms to wait before the next attempt, or undefined when this failure is not worth repeating. */
  private retryDelay(failure: Failure, attempt: number, idempotent: boolean): number | undefined {
    const neverConnected = failure.kind === 'unreachable' && failure.code !== undefined && NEVER_CONNECTED_CODES.has(failure.code);
    const retryable =
      neverConnected ||
      (idempotent &&
        (failure.kind === 'timeout' ||
          (failure.kind === 'http' && failure.status !== undefined && (failure.status >= 500 || failure.status === 429)) ||
          (failure.kind === 'unreachable' && failure.code !== undefined && RESET_CODES.has(failure.code))));
    if (!retryable) return undefined;
    const cap = this.options.retryMaxDelayMs;
    if (failure.retryAfterMs !== undefined) return failure.retryAfterMs <= cap ? failure.retryAfterMs : undefined;
    // Exponential backoff with "equal jitter": half fixed, half random, so many clients do not retry in step.
    const step = Math.min(cap, this.options.retryBaseDelayMs * 2 ** (attempt - 1));
    return Math.round(step / 2 + Math.random() * (step / 2));
  }

  private async attempt(req: JsonRequest, url: string): Promise<Attempt> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'ayla-dss-explorer' };
    if (req.token !== undefined) headers.authorization = `auth_token ${req.token}`;
    let body: string | undefined;
    if (req.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.body);
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new AttemptTimeout()), req.timeoutMs ?? this.options.timeoutMs);
    try {
      const response = await undici().request(url, { method: req.method, headers, body, signal: controller.signal, dispatcher: this.options.dispatcher });
      const text = await readText(response.body, this.options.maxResponseBytes);
      const status = response.statusCode;
      if (text === undefined) return fail({ kind: 'invalid-response', status, problem: `an answer larger than ${this.options.maxResponseBytes} bytes` });
      if (status >= 200 && status < 300) {
        if (req.expectJson === false || text.trim() === '') return { ok: true, response: { status, body: undefined } };
        try {
          return { ok: true, response: { status, body: JSON.parse(text) as unknown } };
        } catch (cause) {
          return fail({ kind: 'invalid-response', status, problem: 'something that is not JSON', cause });
        }
      }
      return fail({ kind: 'http', status, serverMessage: errorBodyMessage(text), retryAfterMs: retryAfter(response.headers['retry-after']) });
    } catch (cause) {
      if (controller.signal.aborted && controller.signal.reason instanceof AttemptTimeout) return fail({ kind: 'timeout' });
      const code = errorCode(cause);
      return fail({ kind: 'unreachable', code, cause: scrubCause(cause) });
    } finally {
      clearTimeout(timer);
    }
  }

  private toError(req: JsonRequest, failure: Failure, retried: number, idempotent: boolean): AylaApiError {
    const name = serviceName(req.service);
    const host = hostOf(req.origin);
    let message: string;
    switch (failure.kind) {
      case 'http': {
        const status = failure.status!;
        const custom = req.explain?.({ status, serverMessage: failure.serverMessage, retried, retryAfterMs: failure.retryAfterMs });
        message = custom ?? defaultHttpMessage(req, status, failure, retried, idempotent);
        break;
      }
      case 'timeout': {
        const seconds = (req.timeoutMs ?? this.options.timeoutMs) / 1000;
        message = `The Ayla ${name} at ${host} did not answer within ${seconds} s when asked to ${req.action}${retriedPhrase(retried, idempotent)}; check the network, or raise the timeout.`;
        break;
      }
      case 'unreachable':
        message = `Could not reach the Ayla ${name} at ${host} to ${req.action} (${networkReason(failure.code)}${retried > 0 ? `, tried ${retried + 1} times` : ''}); check the network connection and the host settings.`;
        break;
      default:
        message = `The ${name} at ${host} answered with ${failure.problem ?? 'something unexpected'} when asked to ${req.action}; check that the host setting points at the Ayla ${name}.`;
    }
    return new AylaApiError(req.service, failure.kind, failure.status, redactSecrets(message), {
      cause: failure.cause,
      serverMessage: failure.serverMessage,
      code: failure.code,
      retryAfterMs: failure.retryAfterMs,
    });
  }
}

function fail(partial: Partial<Failure> & { kind: AylaErrorKind }): Attempt {
  return {
    ok: false,
    failure: {
      status: undefined,
      serverMessage: undefined,
      code: undefined,
      retryAfterMs: undefined,
      problem: undefined,
      cause: undefined,
      ...partial,
    },
  };
}

/** A short description of a failure that will be retried (the final error has the full sentence). */
function describeBriefly(failure: Failure): string {
  if (failure.kind === 'http') return `answered ${failure.status}${failure.serverMessage ? `: ${failure.serverMessage}` : ''}`;
  if (failure.kind === 'unreachable') return networkReason(failure.code);
  return failure.kind;
}

function retriedPhrase(retried: number, idempotent: boolean): string {
  if (retried > 0) return ` (tried ${retried + 1} times)`;
  return idempotent ? '' : ' (not repeated automatically, as repeating it is not safe)';
}

function statusText(status: number): string {
  // node:http read when a status needs a name, not at load (it pulls in net and streams).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return ((require('node:http') as typeof NodeHttp).STATUS_CODES[status] ?? 'error').toLowerCase();
}

/** `: <server message>` for inclusion in a sentence, or nothing. */
function detail(failure: Pick<Failure, 'serverMessage'>): string {
  return failure.serverMessage ? `: ${failure.serverMessage.replace(/[.\s]+$/, '')}` : '';
}

function defaultHttpMessage(req: JsonRequest, status: number, failure: Failure, retried: number, idempotent: boolean): string {
  const name = serviceName(req.service);
  if (status === 401) return `The ${name} rejected the access token (401): sign in again.`;
  if (status === 403) return `The ${name} refused to ${req.action} (403${detail(failure)}); this account is not allowed to do that.`;
  if (status === 404) return `The ${name} could not ${req.action}: not found (404${detail(failure)}); check the name or id, and that the region is right.`;
  if (status === 422) return `The ${name} refused to ${req.action}: invalid request (422${detail(failure)}); check the values sent.`;
  if (status === 429) {
    const wait = failure.retryAfterMs !== undefined ? `wait ${Math.ceil(failure.retryAfterMs / 1000)} s` : 'wait a minute';
    return `The Ayla ${name} is limiting requests (429) and refused to ${req.action}${retriedPhrase(retried, idempotent)}; ${wait} and try again.`;
  }
  if (status >= 500) {
    const how = retried > 0 ? `; it was retried automatically ${retried} time${retried === 1 ? '' : 's'} without success —` : `${retriedPhrase(0, idempotent)};`;
    return `The Ayla ${name} answered ${status} (${statusText(status)}) when asked to ${req.action}${how} try again later.`;
  }
  return `The ${name} answered ${status} (${statusText(status)}) when asked to ${req.action}${detail(failure)}.`;
}

/** `host[:port]` of an origin: what messages name (never the path, which a caller might have built from secrets). */
export function hostOf(origin: string): string {
  try {
    return new URL(origin).host;
  } catch {
    return redactSecrets(origin);
  }
}

/** Reads a body as UTF-8 text, or undefined when it is larger than `limit` bytes. */
async function readText(body: AsyncIterable<Buffer | Uint8Array> & { destroy(): unknown }, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      return undefined;
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

const MAX_SERVER_MESSAGE = 200;

/**
 * The message inside an error body, in every shape ayla-protocol.md lists: `{"error":"…"}`,
 * `{"error":{"message":"…"}}`, `{"errors":…}` as an array, object or string, `{"message":"…"}`; a short
 * plain-text body as-is; nothing for an empty, HTML or unreadable body. Redacted and shortened.
 */
export function errorBodyMessage(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed) as unknown;
  } catch {
    // A proxy's HTML page says nothing useful; a one-line plain text might.
    return /^[^<\n]{1,200}$/.test(trimmed) ? shorten(trimmed) : undefined;
  }
  const found = messageOf(parsed, 0);
  return found ? shorten(found) : undefined;
}

function messageOf(value: unknown, depth: number): string | undefined {
  if (depth > 4 || value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const parts = value.map((v) => messageOf(v, depth + 1)).filter((m): m is string => m !== undefined);
    return parts.length > 0 ? parts.join('; ') : undefined;
  }
  if (typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  for (const key of ['error', 'errors', 'message', 'msg', 'error_description', 'description']) {
    if (key in record) {
      const inner = messageOf(record[key], depth + 1);
      if (inner) return inner;
    }
  }
  if (depth === 0) return undefined;
  // Rails-style validation errors: {"value":["is invalid"],"name":["can't be blank"]}.
  const parts = Object.entries(record)
    .map(([field, v]) => {
      const m = messageOf(v, depth + 1);
      return m ? `${field} ${m}` : undefined;
    })
    .filter((m): m is string => m !== undefined);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

function shorten(message: string): string {
  const oneLine = redactSecrets(message.replace(/\s+/g, ' ').trim());
  return oneLine.length > MAX_SERVER_MESSAGE ? `${oneLine.slice(0, MAX_SERVER_MESSAGE - 1)}…` : oneLine;
}

/** `Retry-After` in ms: seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfter(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** Keeps the cause for debugging, with its message redacted (it may name a URL). */
function scrubCause(error: unknown): unknown {
  if (error instanceof Error) {
    const scrubbed = new Error(redactSecrets(error.message));
    scrubbed.name = error.name;
    const code = errorCode(error);
    if (code !== undefined) (scrubbed as Error & { code?: string }).code = code;
    return scrubbed;
  }
  return undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ── Calls that need an access token ───────────────────────────────────────────────────────────────

/** How a service gets its access token and how it asks the session to renew it. */
export interface Authorization {
  /** The current access token (the session may refresh it before answering). */
  accessToken: () => string | Promise<string>;
  /**
   * Called once when a call answers 401, with the token that call sent; the session refreshes the token
   * there (unless it already has since). If it throws, the call fails with that error.
   */
  onUnauthorized?: (rejectedToken: string) => void | Promise<void>;
}

/** `http.request` with the access token; on a 401, calls `onUnauthorized` once and repeats the call once. */
export async function authorizedRequest(http: HttpClient, auth: Authorization, req: Omit<JsonRequest, 'token'>): Promise<JsonResponse> {
  const token = await auth.accessToken();
  try {
    return await http.request({ ...req, token });
  } catch (error) {
    if (!(error instanceof AylaApiError && error.kind === 'http' && error.status === 401 && auth.onUnauthorized)) throw error;
    await auth.onUnauthorized(token);
    // A 401 means the server did not act, so even a POST is safe to send again here.
    return await http.request({ ...req, token: await auth.accessToken() });
  }
}

/** The error for an answer whose JSON does not have the documented shape. */
export function invalidResponse(service: AylaService, origin: string, action: string, expected: string): AylaApiError {
  const name = serviceName(service);
  return new AylaApiError(
    service,
    'invalid-response',
    undefined,
    redactSecrets(`The ${name} at ${hostOf(origin)} answered the request to ${action} without ${expected}; check that the host setting points at the Ayla ${name}.`),
  );
}
