// A device property as the model knows it: what the device service listed, updated live by datapoint and
// datapointack events. Also the value rules shared by the store: which values go into the numeric history,
// and when a datapoint's value is the one a pending write sent.
import type { DatapointAckDssEvent, DatapointDssEvent } from '../ayla/events';
import type { DatapointValue, Property, PropertyDirection } from '../ayla/wireTypes';
import { propertyKey } from './changeSet';
import type { PendingWrite, WriteEntry } from './pendingWrite';
import { TimeSeriesRing } from './ringBuffer';

/** Where the current value came from. */
export type ValueSource = 'rest' | 'event';

export interface PropertyState {
  readonly dsn: string;
  readonly name: string;
  /** `propertyKey(dsn, name)`, computed once. */
  readonly key: string;
  /** The property as the device service returned it (for tooltips and copying); undefined if known from events only. */
  readonly property: Readonly<Property> | undefined;
  /** Seen in events but not (yet) in a device-service listing. */
  readonly knownFromEventsOnly: boolean;
  /** `display_name`, else the event's `display_name`, else `name`. */
  readonly displayName: string;
  /** A `BaseType`, or whatever unknown type the server named (show it as a string); undefined when never told. */
  readonly baseType: string | undefined;
  /** `input` = to device, `output` = from device; undefined if known from events only. */
  readonly direction: PropertyDirection | undefined;
  readonly readOnly: boolean | undefined;
  /** Writes settle on the ack, not the datapoint. Learned from the listing, or from an ack event. */
  readonly ackEnabled: boolean;
  /** A number for boolean (0/1), integer and decimal; a string for the others; null when unknown. */
  readonly value: DatapointValue | null;
  /** Server time of the value (`updated_at` / `data_updated_at`), as sent. */
  readonly updatedAt: string | undefined;
  /** Local time (ms) the value arrived: the event's `receivedAt`, or when the listing was requested. */
  readonly valueReceivedAt: number | undefined;
  readonly valueSource: ValueSource | undefined;
  /** The last datapoint or datapointack event about this property (its `raw` is what "Copy Last Event JSON" copies). */
  readonly lastEvent: DatapointDssEvent | DatapointAckDssEvent | undefined;
  readonly ackStatus: number | undefined;
  readonly ackMessage: number | string | undefined;
  /** Server time of the last ack, as sent. */
  readonly ackedAt: string | undefined;
  /** Local time (ms) the last ack arrived (or the listing was requested). */
  readonly ackReceivedAt: number | undefined;
  /** The latest to-device write started on this property, settled or not. */
  readonly write: PendingWrite | undefined;
  /** Datapoint and datapointack events applied to this property. */
  readonly eventCount: number;
}

/** The store's mutable record behind a `PropertyState`. */
export class PropertyEntry implements PropertyState {
  readonly key: string;
  property: Readonly<Property> | undefined = undefined;
  knownFromEventsOnly = true;
  displayName: string;
  baseType: string | undefined = undefined;
  direction: PropertyDirection | undefined = undefined;
  readOnly: boolean | undefined = undefined;
  ackEnabled = false;
  value: DatapointValue | null = null;
  updatedAt: string | undefined = undefined;
  valueReceivedAt: number | undefined = undefined;
  valueSource: ValueSource | undefined = undefined;
  lastEvent: DatapointDssEvent | DatapointAckDssEvent | undefined = undefined;
  ackStatus: number | undefined = undefined;
  ackMessage: number | string | undefined = undefined;
  ackedAt: string | undefined = undefined;
  ackReceivedAt: number | undefined = undefined;
  write: WriteEntry | undefined = undefined;
  eventCount = 0;
  /** Numeric history; created on the first numeric point (string properties never get one). */
  history: TimeSeriesRing | undefined = undefined;
  /** Writes still waiting for their datapoint or ack, oldest first; undefined (not []) when none, the usual case. */
  openWrites: WriteEntry[] | undefined = undefined;

  constructor(readonly dsn: string, readonly name: string) {
    this.key = propertyKey(dsn, name);
    this.displayName = name;
  }
}

/** A string from a wire object, or undefined: listings from real servers may lack fields their type promises. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Takes a device-service listing (the display name is set by the caller, which watches it for reordering).
 * A value that an event reported after `asOf` (when the listing was requested) is newer and kept.
 */
export function applyListedProperty(entry: PropertyEntry, property: Property, asOf: number, historySize: number): void {
  entry.property = property;
  entry.knownFromEventsOnly = false;
  entry.baseType = text(property.base_type) ?? entry.baseType;
  entry.direction = property.direction;
  entry.readOnly = property.read_only;
  entry.ackEnabled = property.ack_enabled === true;
  if (!(entry.valueReceivedAt !== undefined && entry.valueReceivedAt > asOf)) {
    entry.value = property.value ?? null;
    entry.updatedAt = text(property.data_updated_at);
    entry.valueReceivedAt = asOf;
    entry.valueSource = 'rest';
    // Seed an empty history with the listed value, so a chart opened now starts from something. Stamped no
    // later than the listing, so a server clock ahead of ours cannot hold back the points that follow.
    if (entry.history === undefined || entry.history.size === 0) {
      const point = historyValue(entry.baseType, entry.value);
      const at = Math.min(entry.updatedAt !== undefined ? Date.parse(entry.updatedAt) : NaN, asOf);
      if (point !== undefined && Number.isFinite(at)) (entry.history ??= new TimeSeriesRing(historySize)).push(at, point);
    }
  }
  const hasAck = property.ack_status != null || property.acked_at != null;
  if (hasAck && !(entry.ackReceivedAt !== undefined && entry.ackReceivedAt > asOf)) {
    entry.ackStatus = property.ack_status ?? undefined;
    entry.ackMessage = property.ack_message ?? undefined;
    entry.ackedAt = property.acked_at ?? undefined;
    entry.ackReceivedAt = asOf;
  }
}

const NUMERIC_BASE_TYPES: ReadonlySet<string> = new Set(['boolean', 'integer', 'decimal']);

/**
 * The number a value adds to the history, or undefined when it is not charted: boolean → 0/1, integer and
 * decimal as numbers (numeric strings accepted, the wire is not always typed); string, file, message and
 * unknown types are skipped. With no base type known, a finite number (or numeric string) is taken as is.
 */
export function historyValue(baseType: string | undefined, value: DatapointValue | null): number | undefined {
  if (value === null) return undefined;
  if (baseType !== undefined && !NUMERIC_BASE_TYPES.has(baseType)) return undefined;
  let n: number;
  if (typeof value === 'number') {
    n = value;
  } else if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return undefined;
    if (baseType === 'boolean' && (text === 'true' || text === 'false')) return text === 'true' ? 1 : 0;
    n = Number(text);
  } else {
    return undefined; // not a wire value (a decoder fed us something odd): never crash, never chart
  }
  if (!Number.isFinite(n)) return undefined;
  if (baseType === 'boolean') return n !== 0 ? 1 : 0;
  return n;
}

/** Normalises a value to send: booleans travel as 0/1. */
export function wireValue(value: DatapointValue | boolean): DatapointValue {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

/** Whether a datapoint's value is the value a write sent: numerically when both read as numbers (23.5 = "23.50"), else as text. */
export function sameValue(sent: DatapointValue, seen: DatapointValue | null): boolean {
  if (seen === null) return false;
  if (sent === seen) return true;
  const a = asNumber(sent);
  const b = asNumber(seen);
  if (Number.isFinite(a) && Number.isFinite(b)) return a === b;
  return String(sent) === String(seen);
}

function asNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return NaN;
}
