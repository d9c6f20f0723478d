// UTF-8 to and from Buffers on the hot path (every event is read from its frame once and, when kept, written
// into the event journal once). Buffer#toString and Buffer#write check and convert their arguments before they
// call Node's own UTF-8 reader and writer, and for a 500-byte event that costs about half as much as the
// conversion itself; so the reader and writer are called directly, as methods, where they exist. They have been
// on Buffer.prototype since Node's first releases, but are not documented: the fallbacks keep this correct on a
// Node without them.

/** Node's own UTF-8 reader and writer behind Buffer#toString('utf8', …) and Buffer#write. */
interface NodeBuffer extends Buffer {
  utf8Slice(start: number, end: number): string;
  utf8Write(text: string, offset: number, length: number): number;
}

const prototype = Buffer.prototype as Partial<NodeBuffer>;
const HAS_UTF8_SLICE = typeof prototype.utf8Slice === 'function';
const HAS_UTF8_WRITE = typeof prototype.utf8Write === 'function';

/** `bytes.toString('utf8', start, end)`; invalid bytes read as U+FFFD. 0 ≤ start ≤ end ≤ bytes.length. */
export function readUtf8(bytes: Buffer, start: number, end: number): string {
  return HAS_UTF8_SLICE ? (bytes as NodeBuffer).utf8Slice(start, end) : readUtf8Portably(bytes, start, end);
}

/** Writes `text` as UTF-8 at `offset` (the caller made room for all of it); returns the bytes written. */
export function writeUtf8(bytes: Buffer, text: string, offset: number): number {
  return HAS_UTF8_WRITE ? (bytes as NodeBuffer).utf8Write(text, offset, bytes.length - offset) : writeUtf8Portably(bytes, text, offset);
}

/** readUtf8 with documented calls only (exported for the test that holds both to one result). */
export function readUtf8Portably(bytes: Buffer, start: number, end: number): string {
  return bytes.toString('utf8', start, end);
}

/** writeUtf8 with documented calls only (exported for the test that holds both to one result). */
export function writeUtf8Portably(bytes: Buffer, text: string, offset: number): number {
  return bytes.write(text, offset);
}
