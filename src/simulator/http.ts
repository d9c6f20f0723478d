// HTTP plumbing shared by every service: routes, replies, errors and JSON bodies.
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

/**
 * How a service words its errors. The user service answers `{"error":"…"}` (seen in client bug
 * reports); the device service, DSS REST and the control plane answer `{"error":{"message":"…"}}`
 * (the simulator's documented pick, ayla-protocol.md §3).
 */
export type ErrorStyle = 'user' | 'api';

export type Method = 'GET' | 'POST' | 'DELETE';

export interface Reply {
  status: number;
  /** Serialized as compact JSON; omitted for 204. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** A refusal a handler throws; the server turns it into a JSON error in the route's style. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface RequestContext {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body; 400 when the body is not JSON. Empty bodies parse as `undefined`. */
  json(): unknown;
}

export interface Route {
  method: Method;
  /** Matched against the path with any `.json` suffix removed; capture groups become params. */
  pattern: RegExp;
  style: ErrorStyle;
  handle(ctx: RequestContext, params: string[]): Reply | Promise<Reply>;
}

export function errorBody(style: ErrorStyle, message: string): unknown {
  return style === 'user' ? { error: message } : { error: { message } };
}

export function writeJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (status === 204 || body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Parses a request body as JSON (400 on anything else). */
export function parseJsonBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON.');
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body as a JSON object, or 400. */
export function requireObjectBody(ctx: RequestContext): Record<string, unknown> {
  const body = ctx.json();
  if (!isRecord(body)) throw new HttpError(400, 'The request body must be a JSON object.');
  return body;
}

/** `GET /a/b.json` and `GET /a/b` are the same call. */
export function routePath(pathname: string): string {
  const path = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
  return path.endsWith('.json') ? path.slice(0, -'.json'.length) : path;
}
