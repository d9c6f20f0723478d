// The text the "Ayla DSS Events" output channel shows, built from events in batches. Pure (no vscode, no
// clock, no I/O): the EventLog decides when to write; this decides what. Every event keeps the exact JSON
// the server sent (`raw`): `summary` puts a quick-read prefix before it, `pretty` re-indents it token by
// token (so no number, key or escape is changed the way JSON.parse + stringify would), `raw` shows it alone.
import type { DssEvent, UndecodableFrame } from '../ayla/events';
import { redactSecrets } from '../ayla/redact';
import { prettyJson } from './eventJson';

/**
 * Characters one append of the events channel carries at most (≈ 50 summary lines; at 10 appends a second,
 * ≈ 500 lines a second, more than anyone reads). Past that a batch shows the newest events and says how many
 * it skipped. VS Code compresses, mirrors and lets other extensions rescan every append, so what the channel
 * is sent is what the extension host pays for at high rates (benchmark B3); recording keeps every event.
 */
export const MAX_BATCH_CHARS = 16 * 1024;

export type EventFormat = 'raw' | 'summary' | 'pretty';

export const EVENT_FORMATS: readonly EventFormat[] = ['raw', 'summary', 'pretty'];

/** An event longer than this is cut in the channel (with a note); copy and export keep it whole. */
export const MAX_EVENT_CHARS = 16_384;
/** An undecodable frame is shown up to this many characters. */
export const MAX_FRAME_CHARS = 2_000;
/** A string value in the summary prefix is shortened to this many characters. */
const MAX_VALUE_CHARS = 60;
/** Width of the event-type column (`datapointack`). */
const TYPE_WIDTH = 12;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad3(n: number): string {
  return n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n);
}

/** `2024-01-31 13:05:09.042` in local time, to the millisecond. */
export function localTimestamp(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '????-??-?? ??:??:??.???';
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${pad3(d.getMilliseconds())}`;
}

// Control characters, the two Unicode line separators and the bidirectional overrides: they would break a
// line, hide text or show it in another order than it is (a name like "\u202Egnp.exe").
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  switch (c) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    default:
      return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  }
}

/** A device-provided name on one line: control characters and line separators escaped. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escapeChar);
}

/** At most `max` UTF-16 units of `text` (never half a surrogate pair), with `…` when cut. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--; // do not split a surrogate pair
  return `${text.slice(0, end)}…`;
}

/** A datapoint value for the prefix: numbers as-is, strings quoted (escapes visible) and shortened, null as `null`. */
export function valueText(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return String(value);
  const quoted = printable(JSON.stringify(value));
  return quoted.length <= MAX_VALUE_CHARS ? quoted : `${shorten(quoted, MAX_VALUE_CHARS - 1)}"`;
}

/** What the event says, in a few words: `temp = 21.5`, `Online`, `44.7, -69.4 (gps)`, … */
export function eventDetail(event: DssEvent): string {
  switch (event.type) {
    case 'datapoint':
      return `${printable(event.property)} = ${valueText(event.value)}`;
    case 'datapointack': {
      const ack = event.ackStatus === undefined ? 'ack' : `ack ${event.ackStatus}`;
      const message = event.ackMessage === undefined ? '' : ` (${printable(String(event.ackMessage))})`;
      return `${printable(event.property)} = ${valueText(event.value)} ${ack}${message}`;
    }
    case 'connectivity':
      return printable(event.status);
    case 'location': {
      const where = `${event.lat ?? '?'}, ${event.lng ?? '?'}`;
      return event.provider ? `${where} (${printable(event.provider)})` : where;
    }
    case 'registration': {
      const state = event.registered === undefined ? 'registration' : event.registered ? 'registered' : 'unregistered';
      return event.registrationType ? `${state} (${printable(event.registrationType)})` : state;
    }
    case 'unknown':
      return `event_type ${valueText(event.eventType)}`;
  }
}

/** The quick-read prefix: local time, type, DSN and what happened. */
export function eventPrefix(event: DssEvent): string {
  const type = event.type === 'unknown' ? 'unknown' : event.type;
  return `${localTimestamp(event.receivedAt)} ${type.padEnd(TYPE_WIDTH)} ${printable(event.dsn || '-')}  ${eventDetail(event)}`;
}

/** Valid JSON has raw line breaks only between tokens: replacing them keeps it the same JSON, on one line. */
export function oneLine(raw: string): string {
  return raw.includes('\n') || raw.includes('\r') ? raw.replace(/[\r\n]+/g, ' ') : raw;
}

function cutNote(raw: string): string {
  return ` … (${raw.length - MAX_EVENT_CHARS} more characters; Copy Last Event JSON or Export Recent Events has all of it)`;
}

/** The raw JSON on one line, cut past MAX_EVENT_CHARS with a note saying so. */
function rawLine(raw: string): string {
  const line = oneLine(raw);
  return line.length <= MAX_EVENT_CHARS ? line : `${shorten(line, MAX_EVENT_CHARS)}${cutNote(line)}`;
}

/** One event as the channel shows it, ending with a line break (`pretty`: several lines). */
export function formatEvent(event: DssEvent, format: EventFormat): string {
  switch (format) {
    case 'raw':
      return `${rawLine(event.raw)}\n`;
    case 'summary':
      return `${eventPrefix(event)}  ${rawLine(event.raw)}\n`;
    case 'pretty': {
      const body = event.raw.length <= MAX_EVENT_CHARS ? prettyJson(event.raw) : rawLine(event.raw);
      return `${eventPrefix(event)}\n${body}\n`;
    }
  }
}

/** A frame that was not an event: shown raw (quoted, so nothing in it can break the line) with why. */
export function formatUndecodable(frame: UndecodableFrame): string {
  const text = frame.raw.length <= MAX_FRAME_CHARS ? frame.raw : `${shorten(frame.raw, MAX_FRAME_CHARS)}`;
  const more = frame.raw.length > MAX_FRAME_CHARS ? ` … (${frame.raw.length - MAX_FRAME_CHARS} more characters)` : '';
  return redactSecrets(`${localTimestamp(frame.receivedAt)} ${'undecodable'.padEnd(TYPE_WIDTH)} ${printable(frame.reason)}: ${JSON.stringify(text)}${more}\n`);
}

/** The line that stands for events the channel did not show because they came too fast. */
export function skippedLine(count: number): string {
  return `… ${count} event${count === 1 ? '' : 's'} skipped here (still in memory: use Export Recent Events or Pick Event…)\n`;
}

/** The line that stands for events that left the in-memory buffer before the channel got to them. */
export function lostLine(count: number): string {
  return `… ${count} event${count === 1 ? '' : 's'} skipped here (no longer in memory; Record Events to File keeps every event)\n`;
}

/**
 * Events for one batch, read newest first and only as far as the batch goes: the store decodes each event it
 * hands out, and a batch shows the newest few of what may be thousands (`DeviceStore.eventsAfter`).
 */
export interface NewestFirst {
  /** How many there are. */
  readonly matched: number;
  /** The `i`-th newest (0 = the newest). */
  newest(i: number): DssEvent | undefined;
}

/** Events in an array (oldest → newest), read newest first. */
export function newestFirst(events: readonly DssEvent[]): NewestFirst {
  return { matched: events.length, newest: (i) => events[events.length - 1 - i] };
}

export interface BatchInput {
  /** Events received since the previous batch that pass the log's filter. */
  readonly events: NewestFirst;
  /** Events received since the previous batch that the filter left out (counted only). */
  readonly filteredOut?: number;
  /** Undecodable frames received since the previous batch, oldest → newest. */
  readonly undecodable?: readonly UndecodableFrame[];
  /** Events that left the buffer before this batch read them (`DeviceStore.eventsAfter(…).skipped`). */
  readonly lost?: number;
  /** Undecodable frames not kept (their queue was full). */
  readonly lostFrames?: number;
}

export interface BatchOptions {
  readonly format: EventFormat;
  /** The batch's text stops growing past this: older entries give way to newer ones and are counted as skipped. */
  readonly maxChars: number;
}

export interface Batch {
  /** Empty when there is nothing to show. */
  readonly text: string;
  readonly lines: number;
  /** Events written. */
  readonly shown: number;
  /** Events that matched the filter but did not fit (still in the buffer). */
  readonly skipped: number;
  /** Events gone from the buffer before they could be shown (filter unknown). */
  readonly lost: number;
  /** Events the filter left out. */
  readonly filteredOut: number;
  readonly undecodable: number;
  /** Undecodable frames counted in the note but not shown (too many at once). */
  readonly undecodableNotShown: number;
}

function countLines(text: string): number {
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

/**
 * The text for one append: the newest entries that fit in `maxChars` (events passing the filter and
 * undecodable frames, in arrival order), preceded by a line saying how many were skipped. Only the
 * entries shown are formatted, so a burst of 100 000 events costs a filter pass and a few hundred lines.
 */
export function formatBatch(input: BatchInput, options: BatchOptions): Batch {
  const { format, maxChars } = options;
  const events = input.events;
  const frames = input.undecodable ?? [];
  const parts: string[] = [];
  let chars = 0;
  let event = events.newest(0);
  let f = frames.length - 1;
  let shown = 0;
  let framesShown = 0;
  // Newest first, merging events and frames by arrival time, until the text is full.
  while (event !== undefined || f >= 0) {
    const takeFrame = f >= 0 && (event === undefined || frames[f]!.receivedAt > event.receivedAt);
    const text = takeFrame ? formatUndecodable(frames[f]!) : formatEvent(event!, format);
    if (chars + text.length > maxChars && parts.length > 0) break;
    parts.push(text);
    chars += text.length;
    if (takeFrame) {
      f--;
      framesShown++;
    } else {
      shown++;
      event = events.newest(shown);
    }
  }
  const skipped = events.matched - shown;
  const lost = input.lost ?? 0;
  const lostFrames = (input.lostFrames ?? 0) + (f + 1);
  const notes: string[] = [];
  if (lost > 0) notes.push(lostLine(lost));
  if (skipped > 0) notes.push(skippedLine(skipped));
  if (lostFrames > 0) notes.push(`… ${lostFrames} undecodable frame${lostFrames === 1 ? '' : 's'} not shown here (too many at once)\n`);
  parts.reverse();
  const text = notes.join('') + parts.join('');
  return {
    text,
    lines: countLines(text),
    shown,
    skipped,
    lost,
    filteredOut: input.filteredOut ?? 0,
    undecodable: framesShown,
    undecodableNotShown: lostFrames,
  };
}
