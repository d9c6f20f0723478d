// Stream framing (ayla-protocol.md §5): every server message is one text frame `<N>|<payload>`.
// Split on the FIRST `|` only: payload strings may contain `|`. N is the payload's UTF-8 byte length
// on the simulator and on every captured frame, but a real server may count characters instead, so a
// length that matches neither is only flagged, never a reason to drop the frame.

/**
 * What the client answers to a `1|Z` heartbeat. Ayla's JavaScript samples answer a bare `Z`, its
 * mobile SDKs `1|Z`, and the service accepts both (so does the simulator). We send `Z`: it is what
 * Ayla's own web-client sample sends, and it is the shorter message.
 */
export const HEARTBEAT_ANSWER = 'Z';

export type ParsedFrame =
  /** `1|Z`: the server wants an answer (HEARTBEAT_ANSWER) or it closes the socket. */
  | { kind: 'heartbeat' }
  /** `1|X`: keep-alive, needs no answer. */
  | { kind: 'keepalive' }
  | {
      kind: 'payload';
      payload: string;
      declaredLength: number;
      /** N matches neither the payload's UTF-8 byte length nor its character count. */
      lengthMismatch: boolean;
    }
  | { kind: 'malformed'; reason: string };

/** A length prefix: 1 to 15 ASCII digits (15 keeps Number() exact). */
const LENGTH_PREFIX = /^\d{1,15}$/;

export function parseFrame(text: string): ParsedFrame {
  if (text.length === 0) return { kind: 'malformed', reason: 'The frame is empty.' };
  const bar = text.indexOf('|');
  if (bar < 0) return { kind: 'malformed', reason: 'The frame has no "N|" length prefix.' };
  const prefix = text.slice(0, bar);
  if (!LENGTH_PREFIX.test(prefix)) {
    return { kind: 'malformed', reason: bar === 0 ? 'The frame has an empty length prefix.' : 'The frame\'s length prefix is not a number.' };
  }
  const payload = text.slice(bar + 1);
  // Heartbeat and keep-alive are recognised by their payload, whatever N says.
  if (payload === 'Z') return { kind: 'heartbeat' };
  if (payload === 'X') return { kind: 'keepalive' };
  const declaredLength = Number(prefix);
  // Fast path: N equal to the character count is either an ASCII payload or a character-counting
  // server, both fine; only otherwise is it worth counting UTF-8 bytes.
  const lengthMismatch = declaredLength !== payload.length && declaredLength !== Buffer.byteLength(payload, 'utf8');
  return { kind: 'payload', payload, declaredLength, lengthMismatch };
}
