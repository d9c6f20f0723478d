// JSON.parse for DSS payloads, parsing each property's metadata text once instead of once per event.
//
// A datapoint payload is `{"seq":"<n>","metadata":{…},"datapoint":{…}}`, and its metadata object (OEM, DSN,
// property, base type: about 40 % of the text) is the same text in every event of one property. So the payload
// is cut at the members' boundaries, the metadata text is looked up among those already parsed, and only the
// datapoint object is parsed. JSON.parse was the largest single cost of ingesting an event (benchmark B1).
//
// Exact, or it declines to the plain JSON.parse: the cut is trusted only when it is proved right.
//   - The metadata text is taken up to the first `},"datapoint":` after `"metadata":`. If that is not where
//     the object ends (a string in it holds that text), the piece is not a complete JSON object: JSON.parse
//     rejects it, and it is never among the parsed ones. If the piece is a complete object, a parser reading
//     the whole payload ends the object exactly there too (it reads left to right and cannot read past a
//     complete value). So a piece found, or parsed, is the metadata member exactly.
//   - The datapoint piece runs from after `"datapoint":` to just before the payload's last character, which must
//     be `}`: JSON.parse of it succeeds only when it is exactly one JSON value.
//   - The seq must be a string of digits, and there must be nothing else in the payload (no whitespace between
//     members, no other member): anything else goes to the plain JSON.parse.
// Then the result equals JSON.parse(payload): the same three members in the same order with the same values;
// the metadata object is shared between events (frozen: the decoder only reads it).
// test/unit/ayla/payloadJson.test.ts holds both to one result on the fixtures and on mutated payloads.
import type { JsonObject } from './events';

const SEQ_OPEN = '{"seq":"';
const METADATA_KEY = '","metadata":';
const DATAPOINT_KEY = ',"datapoint":';
const METADATA_END = '}' + DATAPOINT_KEY;

/**
 * Metadata objects parsed so far, by their exact text. A pure cache, emptied when it reaches LIMIT (more
 * properties than that streaming at once only cost the parse this saves).
 */
const parsedMetadata = new Map<string, JsonObject>();
const LIMIT = 4096;

/** JSON.parse(payload), faster for a DSS payload whose metadata was seen before; throws as JSON.parse does. */
export function parsePayload(payload: string): unknown {
  return parseCut(payload) ?? JSON.parse(payload);
}

/** The payload parsed from its cut (see the top of this file), or undefined to leave it to JSON.parse. */
function parseCut(payload: string): JsonObject | undefined {
  if (!payload.startsWith(SEQ_OPEN)) return undefined;
  let at = SEQ_OPEN.length;
  while (isDigit(payload.charCodeAt(at))) at++;
  if (at === SEQ_OPEN.length || !payload.startsWith(METADATA_KEY, at)) return undefined;
  const seq = payload.slice(SEQ_OPEN.length, at);
  const metadataAt = at + METADATA_KEY.length;
  const metadataEnd = payload.indexOf(METADATA_END, metadataAt) + 1;
  const last = payload.length - 1;
  if (metadataEnd === 0 || payload.charCodeAt(last) !== CLOSE_BRACE) return undefined;
  const metadata = metadataObject(payload.slice(metadataAt, metadataEnd));
  if (metadata === undefined) return undefined;
  let datapoint: unknown;
  try {
    datapoint = JSON.parse(payload.slice(metadataEnd + DATAPOINT_KEY.length, last));
  } catch {
    return undefined;
  }
  return { seq, metadata, datapoint };
}

/** The parsed metadata object with exactly this text, or undefined when the text is not one JSON object. */
function metadataObject(text: string): JsonObject | undefined {
  const known = parsedMetadata.get(text);
  if (known !== undefined) return known;
  if (text.charCodeAt(0) !== OPEN_BRACE) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  // Starting with `{`, a text that parses is one object.
  if (parsedMetadata.size >= LIMIT) parsedMetadata.clear();
  const metadata = deepFreeze(parsed as JsonObject);
  parsedMetadata.set(text, metadata);
  return metadata;
}

/** How many metadata texts are remembered now (for the test of the bound). */
export function rememberedMetadata(): number {
  return parsedMetadata.size;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
