// What "Ayla DSS: Pick Event…" lists: one row per recent event, newest first, with the event type, the
// property and value (or the connection, location, registration), the device and the local time of
// arrival — all in the label and description, which the quick pick filters on as the user types.
// Free of `vscode`: unit-tested in plain Node.
import type { DssEvent } from '../ayla/events';
import { formatValue } from './deviceTreeItems';

export interface EventPickRow {
  label: string;
  description: string;
}

/** Longest value shown in a row. */
const VALUE_LENGTH = 60;

/** The event type as the server named it (unknown types included). */
export function eventTypeName(event: DssEvent): string {
  return event.type === 'unknown' ? event.eventType : event.type;
}

/** A value as a row shows it: numbers as they are, strings quoted (so `""` and `"0"` read right), shortened. */
export function shortValue(value: number | string | null): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value);
  return formatValue('string', JSON.stringify(value), VALUE_LENGTH);
}

/** `Blue_LED = 1`, `setpoint = 25 · ack 200`, `Online`, `44.7695, -69.4283 (ip-based)`, `registered (AP-Mode)`. */
export function eventSummary(event: DssEvent): string {
  switch (event.type) {
    case 'datapoint':
      return `${event.property} = ${shortValue(event.value)}`;
    case 'datapointack':
      return `${event.property} = ${shortValue(event.value)} · ack ${event.ackStatus ?? 'without status'}`;
    case 'connectivity':
      return event.status;
    case 'location':
      return [`${event.lat ?? '?'}, ${event.lng ?? '?'}`, event.provider && `(${event.provider})`].filter(Boolean).join(' ');
    case 'registration':
      return [event.registered === undefined ? 'registration' : event.registered ? 'registered' : 'unregistered', event.registrationType && `(${event.registrationType})`]
        .filter(Boolean)
        .join(' ');
    case 'unknown':
      return '';
  }
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Local `HH:MM:SS.mmm`, with the local date in front when it is not the day of `now`. */
export function localTime(at: number, now: number): string {
  const date = new Date(at);
  const today = new Date(now);
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
  const sameDay = date.getFullYear() === today.getFullYear() && date.getMonth() === today.getMonth() && date.getDate() === today.getDate();
  return sameDay ? time : `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time}`;
}

/** One row: `datapoint · Blue_LED = 1` and `Kitchen Freezer · AC000W000340649 · 14:03:05.123`. */
export function eventPickRow(event: DssEvent, deviceName: string | undefined, now: number): EventPickRow {
  const summary = eventSummary(event);
  const device = deviceName && deviceName !== event.dsn ? `${deviceName} · ${event.dsn}` : event.dsn;
  return {
    label: summary === '' ? eventTypeName(event) : `${eventTypeName(event)} · ${summary}`,
    description: `${device} · ${localTime(event.receivedAt, now)}`,
  };
}
