// Stream framing (ayla-protocol.md §5): every server message is one text frame `<N>|<payload>`, where
// the payload is compact JSON and N its length in UTF-8 bytes.

export const HEARTBEAT_FRAME = '1|Z';
export const KEEP_ALIVE_FRAME = '1|X';

/** Frames a payload, counting its UTF-8 bytes. */
export function frame(payload: string): string {
  return `${Buffer.byteLength(payload, 'utf8')}|${payload}`;
}

/**
 * Frames an event whose JSON (without `seq`) was serialized once and is shared by every subscription:
 * `tail` is that JSON minus its opening `{`, `tailBytes` its UTF-8 length. Only the seq differs per
 * subscription, so no JSON is serialized per socket.
 */
export function frameEvent(seq: number, tail: string, tailBytes: number): string {
  const seqText = String(seq);
  // `{"seq":"` (8 bytes) + seq (ASCII digits) + `",` (2 bytes) + tail
  return `${10 + seqText.length + tailBytes}|{"seq":"${seqText}",${tail}`;
}

/** Whether a message from a subscriber answers a heartbeat: Ayla's samples send `Z`, its SDKs `1|Z`. */
export function isHeartbeatAnswer(text: string): boolean {
  return text === 'Z' || text === HEARTBEAT_FRAME;
}
