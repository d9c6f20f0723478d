// The CLI's exit codes, so scripts can tell a bad call from a bad password from a dead stream.
import { AylaApiError } from '../ayla/errors';

export const EXIT = {
  ok: 0,
  /** Anything else: the host unreachable, a server error, a refused value. */
  failure: 1,
  badArguments: 2,
  authentication: 3,
  streamFailed: 4,
} as const;

/** A failure of sign-in or of the tokens is an authentication failure; the rest are plain failures. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof AylaApiError) {
    if (error.service === 'user' && error.kind === 'http') return EXIT.authentication;
    if (error.status === 401) return EXIT.authentication;
    if (error.kind === 'invalid-request') return EXIT.badArguments;
  }
  return EXIT.failure;
}
