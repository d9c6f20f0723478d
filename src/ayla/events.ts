// DSS events as the client hands them on: one typed union, decoded from a frame's payload, that always
// keeps the exact text the server sent (`raw`) so nothing is lost when it is shown or copied.
import type { EventType } from './wireTypes';

export const EVENT_TYPES: readonly EventType[] = ['connectivity', 'datapoint', 'datapointack', 'location', 'registration'];

/** A JSON object as received: fields beyond the documented ones are kept, never dropped. */
export type JsonObject = { [key: string]: unknown };

interface DssEventCommon {
  /** Per-subscription sequence number (`seq` arrives as a string or a number); undefined when missing or unreadable. */
  seq: number | undefined;
  /** The device the event is about: the first DSN when `metadata.dsn` holds a comma list. */
  dsn: string;
  /** Every DSN in `metadata.dsn`. */
  dsns: readonly string[];
  oemId: string | undefined;
  oemModel: string | undefined;
  /**
   * The whole `metadata` object as received. Decoded events parse it from `raw` on each read (a fresh copy,
   * nothing retained per event): read it once where it is needed, never per event on a hot path.
   */
  readonly metadata: JsonObject;
  /** The body object (`connection`, `datapoint`, `location_event`, `registration_event`, …) as received; parsed from `raw` on each read, like `metadata`. */
  readonly body: JsonObject;
  /** The frame's payload exactly as the server sent it. */
  raw: string;
  /** Local time (ms since the epoch) the frame arrived. */
  receivedAt: number;
}

export interface ConnectivityDssEvent extends DssEventCommon {
  type: 'connectivity';
  /** `Online`, `Offline`, or whatever else the server says (shown as-is). */
  status: string;
  eventTime: string | undefined;
}

export interface DatapointDssEvent extends DssEventCommon {
  type: 'datapoint';
  property: string;
  displayName: string | undefined;
  baseType: string | undefined;
  /** A number for boolean/integer/decimal, a string for string/file/message, null when absent. */
  value: number | string | null;
  updatedAt: string | undefined;
  echo: boolean | undefined;
}

export interface DatapointAckDssEvent extends DssEventCommon {
  type: 'datapointack';
  property: string;
  displayName: string | undefined;
  baseType: string | undefined;
  value: number | string | null;
  updatedAt: string | undefined;
  ackStatus: number | undefined;
  ackMessage: number | string | undefined;
  ackId: string | undefined;
  ackedAt: string | undefined;
}

export interface LocationDssEvent extends DssEventCommon {
  type: 'location';
  /** Parsed from the string on the wire (which may carry a leading space); undefined when unreadable. */
  lat: number | undefined;
  lng: number | undefined;
  provider: string | undefined;
}

export interface RegistrationDssEvent extends DssEventCommon {
  type: 'registration';
  registered: boolean | undefined;
  registrationType: string | undefined;
}

/** An event whose `metadata.event_type` the client does not know: shown raw, never dropped. */
export interface UnknownDssEvent extends DssEventCommon {
  type: 'unknown';
  eventType: string;
}

export type DssEvent =
  | ConnectivityDssEvent
  | DatapointDssEvent
  | DatapointAckDssEvent
  | LocationDssEvent
  | RegistrationDssEvent
  | UnknownDssEvent;

/** A frame that could not be decoded into an event: counted and surfaced raw, never fatal to the stream. */
export interface UndecodableFrame {
  /** The whole frame text as received (binary frames as UTF-8, lossy). */
  raw: string;
  /** One sentence saying why, e.g. "payload is not JSON". */
  reason: string;
  receivedAt: number;
  /**
   * The frame's `seq`, when it is an event object with a readable one (e.g. a known event type missing its
   * body): it arrived, so it is no gap in the sequence, and a replay of it is a duplicate.
   */
  seq?: number;
  /** The stream (event type) it came on; set by the session. */
  eventType?: EventType;
}
