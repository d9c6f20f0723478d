// Stream framing (ayla-protocol.md §5): every server message is one text frame `<N>|<payload>`.
// Split on the FIRST `|` only: payload strings may contain `|`. N is the payload's UTF-8 byte length
// on the simulator and on every captured frame, but a real server may count characters instead, so a
// length that matches neither is only flagged, never a reason to drop the frame.
import { readUtf8 } from './utf8';

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

const BAR = 0x7c; // '|'
const MAX_PREFIX_DIGITS = 15;

/**
 * parseFrame for a text frame as the socket delivered it (UTF-8 bytes), giving the same result as
 * `parseFrame(bytes.toString('utf8'))` — the hot path of the stream. The payload is decoded from the bytes after
 * the prefix: one flat string, not a slice that keeps the whole frame text alive with every event the store
 * buffers. A `|` byte only ever encodes `|` in UTF-8, so the first one is the first `|` of the text. The prefix is
 * read byte by byte here: Buffer#indexOf is a native call that cost as much as reading the whole payload.
 * Anything but a well-formed prefix goes through parseFrame for its exact reason.
 */
export function parseFrameBytes(bytes: Buffer): ParsedFrame {
  const limit = Math.min(bytes.length, MAX_PREFIX_DIGITS + 1);
  let declaredLength = 0;
  let bar = 0;
  for (; bar < limit; bar++) {
    const c = bytes[bar]!;
    if (c === BAR) break;
    const digit = c - 0x30;
    if (digit < 0 || digit > 9) return parseFrame(bytes.toString('utf8'));
    declaredLength = declaredLength * 10 + digit;
  }
  if (bar === 0 || bar === limit) return parseFrame(bytes.toString('utf8'));
  const payload = readUtf8(bytes, bar + 1, bytes.length);
  if (payload === 'Z') return { kind: 'heartbeat' };
  if (payload === 'X') return { kind: 'keepalive' };
  const lengthMismatch = declaredLength !== payload.length && declaredLength !== Buffer.byteLength(payload, 'utf8');
  return { kind: 'payload', payload, declaredLength, lengthMismatch };
}
