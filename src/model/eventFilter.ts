// Event filters ("Ayla DSS: Filter Events…"): by type, device, property and free text. Built once into a
// predicate so reading a filtered window of the event buffer does no parsing per event.
import type { DssEvent } from '../ayla/events';

/**
 * What a filter may read of an event: the fields the event buffers keep without decoding the event again (see
 * eventJournal.ts). Every DssEvent is one; `property` is undefined for events that are not about a property.
 */
export interface EventHeader {
  readonly type: DssEvent['type'];
  readonly dsn: string;
  readonly dsns: readonly string[];
  readonly property?: string | undefined;
  readonly raw: string;
  readonly receivedAt: number;
}

export type EventPredicate = (event: EventHeader) => boolean;

/** The property an event is about (datapoints and acks), or undefined: what an EventHeader's `property` holds. */
export function propertyNameOf(event: DssEvent): string | undefined {
  return event.type === 'datapoint' || event.type === 'datapointack' ? event.property : undefined;
}

export interface EventCriteria {
  /** Event types to keep (`datapoint`, …, or `unknown`); all when absent or empty. */
  readonly types?: readonly DssEvent['type'][];
  /** Keep events about this DSN (also when it is one of a comma list in `metadata.dsn`). */
  readonly dsn?: string;
  /** Keep datapoint and datapointack events of this property name. */
  readonly property?: string;
  /** Keep events whose raw JSON contains this text, ignoring case. */
  readonly text?: string;
}

/** A predicate that keeps the events matching every given criterion. */
export function eventFilter(criteria: EventCriteria): EventPredicate {
  const types = criteria.types && criteria.types.length > 0 ? new Set<string>(criteria.types) : undefined;
  const { dsn, property } = criteria;
  const text = criteria.text ? criteria.text.toLowerCase() : undefined;
  return (event) => {
    if (types && !types.has(event.type)) return false;
    if (dsn !== undefined && event.dsn !== dsn && !event.dsns.includes(dsn)) return false;
    if (property !== undefined && event.property !== property) return false;
    if (text !== undefined && !event.raw.toLowerCase().includes(text)) return false;
    return true;
  };
}
