// Event JSON as the user copies it: the server's own text, re-indented token by token. Nothing is parsed
// into JavaScript values on the way, so no field is lost, key order and duplicate keys stay, big integers
// (12345678901234567890) keep every digit, and strings keep their escapes (`\/`, `\u00e9`) exactly as sent.
// Free of `vscode`: unit-tested in plain Node.
import type { DatapointValue } from '../ayla/wireTypes';

/** One JSON value as written: objects and arrays keep their members in order; scalars keep their exact text. */
export type JsonToken =
  | { readonly kind: 'object'; readonly members: readonly JsonMember[] }
  | { readonly kind: 'array'; readonly items: readonly JsonToken[] }
  /** A string (with its quotes and escapes), number, `true`, `false` or `null`, exactly as written. */
  | { readonly kind: 'scalar'; readonly text: string };

export interface JsonMember {
  /** The key's token as written, quotes and escapes included. */
  readonly key: string;
  readonly value: JsonToken;
}

/** Deeper nesting than this is not event JSON: such text is left as it is rather than risk the stack. */
const MAX_DEPTH = 512;

// Unrolled ("normal* (special normal*)*") so a 512 KB message string is one cheap loop, not a deep backtrack.
const STRING = /"[^"\\\u0000-\u001f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\u0000-\u001f]*)*"/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;
const SPACE = /[ \t\n\r]*/y;

class Tokenizer {
  pos = 0;
  constructor(private readonly text: string) {}

  value(depth: number): JsonToken {
    if (depth > MAX_DEPTH) throw new SyntaxError('nested too deeply');
    this.space();
    const c = this.text[this.pos];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    const text = c === '"' ? this.match(STRING) : c === 't' || c === 'f' || c === 'n' ? this.match(LITERAL) : this.match(NUMBER);
    if (text === undefined) throw new SyntaxError(`unexpected ${c === undefined ? 'end' : `"${c}"`} at ${this.pos}`);
    return { kind: 'scalar', text };
  }

  end(): void {
    this.space();
    if (this.pos !== this.text.length) throw new SyntaxError(`unexpected text after the value at ${this.pos}`);
  }

  private object(depth: number): JsonToken {
    this.pos++; // {
    const members: JsonMember[] = [];
    if (this.take('}')) return { kind: 'object', members };
    do {
      this.space();
      const key = this.match(STRING);
      if (key === undefined) throw new SyntaxError(`expected a key at ${this.pos}`);
      if (!this.take(':')) throw new SyntaxError(`expected ":" at ${this.pos}`);
      members.push({ key, value: this.value(depth + 1) });
    } while (this.take(','));
    if (!this.take('}')) throw new SyntaxError(`expected "," or "}" at ${this.pos}`);
    return { kind: 'object', members };
  }

  private array(depth: number): JsonToken {
    this.pos++; // [
    const items: JsonToken[] = [];
    if (this.take(']')) return { kind: 'array', items };
    do items.push(this.value(depth + 1));
    while (this.take(','));
    if (!this.take(']')) throw new SyntaxError(`expected "," or "]" at ${this.pos}`);
    return { kind: 'array', items };
  }

  /** Skips whitespace, then consumes `char` if it is next. */
  private take(char: string): boolean {
    this.space();
    if (this.text[this.pos] !== char) return false;
    this.pos++;
    return true;
  }

  private space(): void {
    SPACE.lastIndex = this.pos;
    SPACE.test(this.text);
    this.pos = SPACE.lastIndex;
  }

  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.pos;
    const found = pattern.exec(this.text);
    if (found === null) return undefined;
    this.pos = pattern.lastIndex;
    return found[0];
  }
}

/** The tokens of a JSON text (RFC 8259, strict), or undefined when it is not valid JSON. */
export function parseJsonTokens(text: string): JsonToken | undefined {
  try {
    const tokenizer = new Tokenizer(text);
    const value = tokenizer.value(0);
    tokenizer.end();
    return value;
  } catch {
    return undefined;
  }
}

/** Writes tokens indented by two spaces per level, laid out as `JSON.stringify(value, null, 2)` lays them out. */
export function formatJsonTokens(token: JsonToken, indent = ''): string {
  switch (token.kind) {
    case 'scalar':
      return token.text;
    case 'array': {
      if (token.items.length === 0) return '[]';
      const inner = `${indent}  `;
      return `[\n${token.items.map((item) => inner + formatJsonTokens(item, inner)).join(',\n')}\n${indent}]`;
    }
    case 'object': {
      if (token.members.length === 0) return '{}';
      const inner = `${indent}  `;
      return `{\n${token.members.map((m) => `${inner}${m.key}: ${formatJsonTokens(m.value, inner)}`).join(',\n')}\n${indent}}`;
    }
  }
}

/** The server's JSON re-indented (every token exactly as sent); text that is not valid JSON comes back unchanged. */
export function prettyJson(raw: string): string {
  const token = parseJsonTokens(raw);
  return token === undefined ? raw : formatJsonTokens(token);
}

/**
 * A JSON array of events, each exactly as the server sent it, re-indented ("Open Recent Events"). A text that
 * is not valid JSON (never seen: events are decoded from it) goes in as a JSON string, so the array stays valid.
 */
export function prettyJsonArray(raws: readonly string[]): string {
  const items = raws.map((raw): JsonToken => parseJsonTokens(raw) ?? { kind: 'scalar', text: JSON.stringify(raw) });
  return formatJsonTokens({ kind: 'array', items });
}

/** The member of an object token whose key reads `name` (keys compared after decoding their escapes); the last one wins, as in JSON.parse. */
export function memberOf(token: JsonToken | undefined, name: string): JsonToken | undefined {
  if (token?.kind !== 'object') return undefined;
  let found: JsonToken | undefined;
  for (const member of token.members) {
    const key = member.key.includes('\\') ? (JSON.parse(member.key) as string) : member.key.slice(1, -1);
    if (key === name) found = member.value;
  }
  return found;
}

/** The text of a scalar token as a user would paste it: a string's content (escapes decoded), a number exactly as written. */
export function scalarText(token: JsonToken | undefined): string | undefined {
  if (token?.kind !== 'scalar' || token.text === 'null') return undefined;
  return token.text.startsWith('"') ? (JSON.parse(token.text) as string) : token.text;
}

/** The datapoint value token of a datapoint or datapointack event's raw JSON (its body under `datapoint`, or `datapointack`). */
export function datapointValueToken(raw: string): JsonToken | undefined {
  const event = parseJsonTokens(raw);
  return memberOf(memberOf(event, 'datapoint') ?? memberOf(event, 'datapointack'), 'value');
}

/**
 * What "Copy Value" copies: the property's current value as text (a string's content, without quotes; a
 * number as the server wrote it, so `23.50` and `12345678901234567890` stay as they are; booleans as their
 * wire value 0/1). `raw` is the last event about the property: its token is used when it holds this value.
 * Undefined when there is no value.
 */
export function valueToCopy(value: DatapointValue | null, raw?: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (raw !== undefined) {
    const token = datapointValueToken(raw);
    const text = scalarText(token);
    if (text !== undefined && token?.kind === 'scalar' && sameWireValue(value, token.text)) return text;
  }
  return typeof value === 'string' ? value : String(value);
}

/** Whether a value (as the model holds it) is the one a token spells. */
function sameWireValue(value: DatapointValue, tokenText: string): boolean {
  if (tokenText.startsWith('"')) return typeof value === 'string' && value === (JSON.parse(tokenText) as string);
  if (typeof value !== 'number') return false;
  const n = Number(tokenText);
  return n === value || (Number.isNaN(n) && Number.isNaN(value));
}
