// One typed error for everything that can go wrong talking to Ayla. Its message is one sentence that
// says what happened and what to do, and never contains a token, password, app secret or stream key.

export type AylaService = 'user' | 'device' | 'dss' | 'stream';

export type AylaErrorKind =
  /** The server answered with an error status. */
  | 'http'
  /** No answer within the timeout. */
  | 'timeout'
  /** The host could not be reached (DNS failure, connection refused, TLS failure). */
  | 'unreachable'
  /** The server answered with something that is not the documented shape. */
  | 'invalid-response'
  /** The client refused the request before sending it (e.g. a value of the wrong type). */
  | 'invalid-request';

/** Optional details; every string in them is already redacted. */
export interface AylaApiErrorOptions {
  cause?: unknown;
  /** The message the server put in its error body (redacted, shortened), when there was one. */
  serverMessage?: string;
  /** The Node/undici error code behind an 'unreachable' or 'timeout' error (e.g. `ECONNREFUSED`). */
  code?: string;
  /** How long the server asked to wait (`Retry-After`), in ms. */
  retryAfterMs?: number;
}

export class AylaApiError extends Error {
  override readonly name = 'AylaApiError';
  readonly serverMessage: string | undefined;
  readonly code: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly service: AylaService,
    readonly kind: AylaErrorKind,
    /** HTTP status when the server answered; undefined otherwise. */
    readonly status: number | undefined,
    message: string,
    options?: AylaApiErrorOptions,
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.serverMessage = options?.serverMessage;
    this.code = options?.code;
    this.retryAfterMs = options?.retryAfterMs;
  }
}

export function isAylaApiError(error: unknown): error is AylaApiError {
  return error instanceof AylaApiError;
}
