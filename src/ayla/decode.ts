// Decodes one DSS event payload into the typed DssEvent union (events.ts), tolerating everything
// ayla-protocol.md §5 "Tolerance the client owes real servers" lists: unknown event types and fields,
// a missing resource_tags, a comma list in metadata.dsn, seq as a string or a number, numbers as
// strings, a datapointack body under `datapoint` or `datapointack`. None of those drops the event.
// Only a payload that is not JSON, not an object, has no metadata object, or lacks the body its
// (known) event type needs becomes an UndecodableFrame, with a one-sentence reason.
//
// Hot path (one call per event): one JSON.parse, no re-serialisation — `raw` is the payload text.
import { EVENT_TYPES, type DssEvent, type JsonObject, type UndecodableFrame } from './events';
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
  const n = numeric(value);
  return n !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
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

/** `metadata.dsn` may be a comma list; falls back to the body's own `dsn` (location, registration). */
function dsnList(metadata: JsonObject, body: JsonObject | undefined): string[] {
  const source = text(metadata.dsn) ?? text(body?.dsn);
  if (source === undefined) return [];
  if (!source.includes(',')) return source === '' ? [] : [source];
  return source
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '');
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

/** An event object that cannot be decoded; a readable `seq` it carries is kept (it arrived: no gap, and a replay of it is a duplicate). */
function undecodableEvent(parsed: JsonObject, payload: string, reason: string, receivedAt: number): UndecodableFrame {
  const seq = sequence(parsed.seq);
  return seq === undefined ? { raw: payload, reason, receivedAt } : { raw: payload, reason, receivedAt, seq };
}

export function decodeEvent(payload: string, receivedAt: number): DssEvent | UndecodableFrame {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return { raw: payload, reason: 'The payload is not JSON.', receivedAt };
  }
  if (!isObject(parsed)) return { raw: payload, reason: 'The payload is JSON but not an event object.', receivedAt };
  const metadata = parsed.metadata;
  if (!isObject(metadata)) return undecodableEvent(parsed, payload, 'The event has no metadata object.', receivedAt);

  const eventType = text(metadata.event_type) ?? '';
  let body: JsonObject | undefined;
  if (KNOWN_TYPES.has(eventType)) {
    for (const key of BODY_KEYS[eventType as EventType]) {
      const candidate = parsed[key];
      if (isObject(candidate)) {
        body = candidate;
        break;
      }
    }
    if (body === undefined) {
      return undecodableEvent(parsed, payload, `The ${eventType} event has no "${BODY_KEYS[eventType as EventType][0]}" object.`, receivedAt);
    }
  } else {
    body = guessBody(parsed, eventType);
  }

  const dsns = dsnList(metadata, body);
  // The fields every event has, spelled out in each literal below (not spread from a shared object): an
  // object spread costs more than the JSON.parse before it, and the same literal per type gives every
  // event of that type one shape, so the store's and the views' property reads stay monomorphic.
  const seq = sequence(parsed.seq);
  const dsn = dsns[0] ?? '';
  const oemId = text(metadata.oem_id);
  const oemModel = text(metadata.oem_model);
  const raw = payload;

  switch (eventType) {
    case 'connectivity':
      return { seq, dsn, dsns, oemId, oemModel, metadata, body, raw, receivedAt, type: 'connectivity', status: text(body.status) ?? '', eventTime: text(body.event_time) };
    case 'datapoint': {
      const baseType = text(metadata.base_type);
      return {
        seq, dsn, dsns, oemId, oemModel, metadata, body, raw, receivedAt,
        type: 'datapoint',
        property: text(metadata.property_name) ?? text(body.name) ?? '',
        displayName: text(metadata.display_name),
        baseType,
        value: datapointValue(body.value, baseType),
        updatedAt: text(body.updated_at),
        echo: flag(body.echo),
      };
    }
    case 'datapointack': {
      const baseType = text(metadata.base_type);
      const ackMessage = body.ack_message;
      return {
        seq, dsn, dsns, oemId, oemModel, metadata, body, raw, receivedAt,
        type: 'datapointack',
        property: text(metadata.property_name) ?? text(body.name) ?? '',
        displayName: text(metadata.display_name),
        baseType,
        value: datapointValue(body.value, baseType),
        updatedAt: text(body.updated_at),
        ackStatus: numeric(body.ack_status),
        ackMessage: typeof ackMessage === 'number' || typeof ackMessage === 'string' ? ackMessage : undefined,
        ackId: text(body.ack_id),
        ackedAt: text(body.acked_at),
      };
    }
    case 'location':
      return {
        seq, dsn, dsns, oemId, oemModel, metadata, body, raw, receivedAt,
        type: 'location',
        lat: numeric(body.lat),
        lng: numeric(body.long) ?? numeric(body.lng),
        provider: text(body.provider),
      };
    case 'registration':
      return {
        seq, dsn, dsns, oemId, oemModel, metadata, body, raw, receivedAt,
        type: 'registration',
        registered: flag(body.registered),
        registrationType: text(body.registration_type),
      };
    default:
      return { seq, dsn, dsns, oemId, oemModel, metadata, body, raw, receivedAt, type: 'unknown', eventType };
  }
}

/** Whether a decode result is an event (as opposed to an UndecodableFrame). */
export function isDssEvent(result: DssEvent | UndecodableFrame): result is DssEvent {
  return 'type' in result;
}
