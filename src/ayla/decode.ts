// Decodes one DSS event payload into the typed DssEvent union (events.ts), tolerating everything
// ayla-protocol.md §5 "Tolerance the client owes real servers" lists: unknown event types and fields,
// a missing resource_tags, a comma list in metadata.dsn, seq as a string or a number, numbers as
// strings, a datapointack body under `datapoint` or `datapointack`. None of those drops the event.
// Only a payload that is not JSON, not an object, has no metadata object, or lacks the body its
// (known) event type needs becomes an UndecodableFrame, with a one-sentence reason.
//
// Hot path (one call per event): one JSON.parse (of less than the payload, see payloadJson.ts), no
// re-serialisation — `raw` is the payload text — and nothing of the parsed tree is kept (see "The decoded
// events" below).
import {
  EVENT_TYPES,
  type ConnectivityDssEvent,
  type DatapointAckDssEvent,
  type DatapointDssEvent,
  type DssEvent,
  type JsonObject,
  type LocationDssEvent,
  type RegistrationDssEvent,
  type UndecodableFrame,
  type UnknownDssEvent,
} from './events';
import { parsePayload } from './payloadJson';
import type { EventType } from './wireTypes';

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A finite number from a number or a numeric string (leading/trailing spaces allowed, e.g. `" 44.769500"`). */
function numeric(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** A sequence number: a non-negative integer, from a number or a string of digits. */
function sequence(value: unknown): number | undefined {
  // Every event's seq is a short string of digits: read it here, which costs less than trim() and Number().
  if (typeof value === 'string') {
    const n = digits(value);
    if (n >= 0) return n;
  }
  const n = numeric(value);
  return n !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** The number that 1 to 15 ASCII digits spell (15 keep it exact), or -1 for any other text. */
function digits(text: string): number {
  const length = text.length;
  if (length === 0 || length > 15) return -1;
  let n = 0;
  for (let i = 0; i < length; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}

function flag(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 1) return true;
  if (value === 'false' || value === 0) return false;
  return undefined;
}

const NUMERIC_BASE_TYPES = new Set(['boolean', 'integer', 'decimal']);

/**
 * A datapoint value: numbers for boolean/integer/decimal (a boolean `true` becomes 1, a numeric
 * string its number), strings as sent for the other types, null when absent or not a scalar.
 */
function datapointValue(value: unknown, baseType: string | undefined): number | string | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    if (baseType !== undefined && NUMERIC_BASE_TYPES.has(baseType)) return numeric(value) ?? value;
    return value;
  }
  return null;
}

const NO_DSNS: readonly string[] = Object.freeze([]);

/** `metadata.dsn` may be a comma list; falls back to the body's own `dsn` (location, registration). */
function dsnList(metadata: JsonObject, body: JsonObject | undefined): readonly string[] {
  const source = text(metadata.dsn) ?? text(body?.dsn);
  if (source === undefined || source === '') return NO_DSNS;
  if (!source.includes(',')) return [source];
  const dsns = source
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '');
  return dsns.length === 0 ? NO_DSNS : dsns;
}

/** The body key(s) of each known event type, in order of preference. */
const BODY_KEYS: Record<EventType, readonly string[]> = {
  connectivity: ['connection'],
  datapoint: ['datapoint'],
  // Ayla documents `datapoint`; one of its own samples reads `datapointack`. Accept both.
  datapointack: ['datapoint', 'datapointack'],
  location: ['location_event'],
  registration: ['registration_event'],
};

const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

/** For an unknown event type: the object under a key named like the type, else the first object besides metadata. */
function guessBody(event: JsonObject, eventType: string): JsonObject {
  const named = event[eventType];
  if (isObject(named)) return named;
  for (const key in event) {
    if (key === 'metadata') continue;
    const value = event[key];
    if (isObject(value)) return value;
  }
  return {};
}

/** The body of a parsed event with a metadata object: undefined when its known event type's body is missing. */
function findBody(event: JsonObject, eventType: string): JsonObject | undefined {
  if (!KNOWN_TYPES.has(eventType)) return guessBody(event, eventType);
  for (const key of BODY_KEYS[eventType as EventType]) {
    const candidate = event[key];
    if (isObject(candidate)) return candidate;
  }
  return undefined;
}

/** An event object that cannot be decoded; a readable `seq` it carries is kept (it arrived: no gap, and a replay of it is a duplicate). */
function undecodableEvent(parsed: JsonObject, payload: string, reason: string, receivedAt: number): UndecodableFrame {
  const seq = sequence(parsed.seq);
  return seq === undefined ? { raw: payload, reason, receivedAt } : { raw: payload, reason, receivedAt, seq };
}

// ── The decoded events ────────────────────────────────────────────────────────────────────────────
// The store keeps thousands of recent events (aylaDss.events.bufferSize, 10 000 by default). Keeping each
// one's parsed JSON tree (metadata and body objects, a dozen strings) made the garbage collector the largest
// cost of ingesting events (benchmark B1). So an event keeps only `raw` — the exact text, the one source of
// truth — and the typed fields the views read; `metadata` and `body` are parsed from `raw` when read (rare:
// a registration's dates, tests), never cached, so each read is a fresh copy and nothing extra is retained.
// One class per type gives every event of a type one shape (monomorphic property reads in the store and views).
// Nothing is interned: the store keeps recent events as text (model/eventJournal.ts), its columns holding the
// store's own device and property names, so an event's strings die with the event. (Sharing them through a
// Map cost a quarter of a microsecond per event, as much as all of the store's own bookkeeping.)

/** The parts every event has, decoded once. */
interface Common {
  seq: number | undefined;
  dsn: string;
  dsns: readonly string[];
  oemId: string | undefined;
  oemModel: string | undefined;
  raw: string;
  receivedAt: number;
}

abstract class DecodedEvent {
  readonly seq: number | undefined;
  readonly dsn: string;
  readonly dsns: readonly string[];
  readonly oemId: string | undefined;
  readonly oemModel: string | undefined;
  readonly raw: string;
  readonly receivedAt: number;
  // Set here, after the common fields, so every type has its fields in one order; each class narrows it.
  readonly type: DssEvent['type'];

  constructor(common: Common, type: DssEvent['type']) {
    this.seq = common.seq;
    this.dsn = common.dsn;
    this.dsns = common.dsns;
    this.oemId = common.oemId;
    this.oemModel = common.oemModel;
    this.raw = common.raw;
    this.receivedAt = common.receivedAt;
    this.type = type;
  }

  /** The whole `metadata` object as received, parsed from `raw` on each read (a fresh copy). */
  get metadata(): JsonObject {
    return (JSON.parse(this.raw) as JsonObject).metadata as JsonObject;
  }

  /** The body object as received, parsed from `raw` on each read (a fresh copy). */
  get body(): JsonObject {
    const event = JSON.parse(this.raw) as JsonObject;
    // decodeEvent only made this event from a payload with a metadata object and (for a known type) its body.
    return findBody(event, text((event.metadata as JsonObject).event_type) ?? '') ?? {};
  }
}

class Connectivity extends DecodedEvent implements ConnectivityDssEvent {
  declare readonly type: 'connectivity';
  readonly status: string;
  readonly eventTime: string | undefined;
  constructor(common: Common, body: JsonObject) {
    super(common, 'connectivity');
    this.status = text(body.status) ?? '';
    this.eventTime = text(body.event_time);
  }
}

/** What a datapoint and its ack both say about the property. */
abstract class PropertyEvent extends DecodedEvent {
  readonly property: string;
  readonly displayName: string | undefined;
  readonly baseType: string | undefined;
  readonly value: number | string | null;
  readonly updatedAt: string | undefined;
  constructor(common: Common, type: 'datapoint' | 'datapointack', metadata: JsonObject, body: JsonObject) {
    super(common, type);
    const baseType = text(metadata.base_type);
    this.property = text(metadata.property_name) ?? text(body.name) ?? '';
    this.displayName = text(metadata.display_name);
    this.baseType = baseType;
    this.value = datapointValue(body.value, baseType);
    this.updatedAt = text(body.updated_at);
  }
}

class Datapoint extends PropertyEvent implements DatapointDssEvent {
  declare readonly type: 'datapoint';
  readonly echo: boolean | undefined;
  constructor(common: Common, metadata: JsonObject, body: JsonObject) {
    super(common, 'datapoint', metadata, body);
    this.echo = flag(body.echo);
  }
}

class DatapointAck extends PropertyEvent implements DatapointAckDssEvent {
  declare readonly type: 'datapointack';
  readonly ackStatus: number | undefined;
  readonly ackMessage: number | string | undefined;
  readonly ackId: string | undefined;
  readonly ackedAt: string | undefined;
  constructor(common: Common, metadata: JsonObject, body: JsonObject) {
    super(common, 'datapointack', metadata, body);
    const ackMessage = body.ack_message;
    this.ackStatus = numeric(body.ack_status);
    this.ackMessage = typeof ackMessage === 'number' || typeof ackMessage === 'string' ? ackMessage : undefined;
    this.ackId = text(body.ack_id);
    this.ackedAt = text(body.acked_at);
  }
}

class Location extends DecodedEvent implements LocationDssEvent {
  declare readonly type: 'location';
  readonly lat: number | undefined;
  readonly lng: number | undefined;
  readonly provider: string | undefined;
  constructor(common: Common, body: JsonObject) {
    super(common, 'location');
    this.lat = numeric(body.lat);
    this.lng = numeric(body.long) ?? numeric(body.lng);
    this.provider = text(body.provider);
  }
}

class Registration extends DecodedEvent implements RegistrationDssEvent {
  declare readonly type: 'registration';
  readonly registered: boolean | undefined;
  readonly registrationType: string | undefined;
  constructor(common: Common, body: JsonObject) {
    super(common, 'registration');
    this.registered = flag(body.registered);
    this.registrationType = text(body.registration_type);
  }
}

class Unknown extends DecodedEvent implements UnknownDssEvent {
  declare readonly type: 'unknown';
  readonly eventType: string;
  constructor(common: Common, eventType: string) {
    super(common, 'unknown');
    this.eventType = eventType;
  }
}

export function decodeEvent(payload: string, receivedAt: number): DssEvent | UndecodableFrame {
  let parsed: unknown;
  try {
    parsed = parsePayload(payload);
  } catch {
    return { raw: payload, reason: 'The payload is not JSON.', receivedAt };
  }
  if (!isObject(parsed)) return { raw: payload, reason: 'The payload is JSON but not an event object.', receivedAt };
  const metadata = parsed.metadata;
  if (!isObject(metadata)) return undecodableEvent(parsed, payload, 'The event has no metadata object.', receivedAt);

  const eventType = text(metadata.event_type) ?? '';
  const body = findBody(parsed, eventType);
  if (body === undefined) {
    return undecodableEvent(parsed, payload, `The ${eventType} event has no "${BODY_KEYS[eventType as EventType][0]}" object.`, receivedAt);
  }
  const dsns = dsnList(metadata, body);
  const common: Common = {
    seq: sequence(parsed.seq),
    dsn: dsns[0] ?? '',
    dsns,
    oemId: text(metadata.oem_id),
    oemModel: text(metadata.oem_model),
    raw: payload,
    receivedAt,
  };
  switch (eventType) {
    case 'connectivity':
      return new Connectivity(common, body);
    case 'datapoint':
      return new Datapoint(common, metadata, body);
    case 'datapointack':
      return new DatapointAck(common, metadata, body);
    case 'location':
      return new Location(common, body);
    case 'registration':
      return new Registration(common, body);
    default:
      return new Unknown(common, eventType);
  }
}

/** Whether a decode result is an event (as opposed to an UndecodableFrame). */
export function isDssEvent(result: DssEvent | UndecodableFrame): result is DssEvent {
  return 'type' in result;
}
