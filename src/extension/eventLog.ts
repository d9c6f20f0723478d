// EventLog: the "Ayla DSS Events" output channel. Every received event, one entry each (eventLines.ts
// decides the text), appended in batches at most 10 times a second — one `append` per batch, never one per
// event. It reads the store's event buffer with a cursor, so a burst costs nothing until the next batch;
// a batch that would be too long shows the newest events and one line saying how many it skipped (they are
// still in memory for Export Recent Events and Pick Event…). Undecodable frames are shown raw with why.
//
// Pause freezes the channel like the other views: nothing is appended while paused, and on Resume one
// batch catches up with the newest events and says how many it skipped. The filter applies from the
// moment it is set. No stream key or token reaches the channel: events are shown as the server sent them,
// and everything else written here (frames, notes) goes through redactSecrets.
import * as vscode from 'vscode';
import type { UndecodableFrame } from '../ayla/events';
import { redactSecrets } from '../ayla/redact';
import { eventFilter, type EventCriteria, type EventPredicate } from '../model/eventFilter';
import { Coalescer } from './coalescer';
import { EVENT_FORMATS, MAX_BATCH_CHARS, formatBatch, type EventFormat } from './eventLines';
import { formatEventFilter, isActiveFilter, normalizeCriteria } from './eventFilterText';
import type { Explorer } from './explorer';

/** Appends per second at most. */
const MAX_APPENDS_PER_SECOND = 10;
/** Undecodable frames kept for the next batch; further ones are counted. */
const MAX_QUEUED_FRAMES = 100;
/**
 * Text the channel holds at most before it is cleared (with a note): VS Code keeps a copy of the channel's
 * whole text in the extension host, and other extensions read it all on every append, so an unbounded channel
 * makes every append slower and the memory grow (B3's profile). Recording and export keep every event.
 */
export const MAX_CHANNEL_CHARS = 1024 * 1024;
/** Text kept for the integration tests (only in the test host). */
const CAPTURE_CHARS = 4 * 1024 * 1024;

export interface EventLogStats {
  /** Calls to the channel's `append`. */
  appends: number;
  /** Lines appended (event lines, pretty-printed JSON lines, notes). */
  lines: number;
  /** Events written to the channel. */
  shown: number;
  /** Events that matched the filter but were not written (too many at once, or received while paused). */
  skipped: number;
  /** Events that left the buffer before the channel got to them. */
  lost: number;
  /** Events the filter left out. */
  filteredOut: number;
  /** Undecodable frames shown. */
  undecodable: number;
  /** Undecodable frames only counted in a note line (too many at once). */
  undecodableNotShown: number;
  format: EventFormat;
  /** The filter as the status bar shows it; empty when none. */
  filter: string;
  /** Times the channel was cleared because it held MAX_CHANNEL_CHARS. */
  clears: number;
  /** Characters appended so far: a mark for `textSince`. */
  chars: number;
}

export function eventFormatSetting(): EventFormat {
  const value = vscode.workspace.getConfiguration('aylaDss.events').get<string>('format', 'summary');
  return (EVENT_FORMATS as readonly string[]).includes(value) ? (value as EventFormat) : 'summary';
}

export class EventLog implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Ayla DSS Events');
  private readonly coalescer: Coalescer;
  private readonly listeners: vscode.Disposable[];
  private cursor: number;
  private format: EventFormat;
  private criteria: EventCriteria = {};
  private predicate: EventPredicate | undefined;
  private frames: UndecodableFrame[] = [];
  private lostFrames = 0;
  private paused: boolean;
  private readonly counters = { appends: 0, lines: 0, shown: 0, skipped: 0, lost: 0, filteredOut: 0, undecodable: 0, undecodableNotShown: 0, clears: 0, chars: 0 };
  /** Characters in the channel now (since it was last cleared). */
  private channelChars = 0;
  private captured = '';
  private readonly filterEmitter = new vscode.EventEmitter<EventCriteria>();

  /** The filter changed (the status bar shows it). */
  readonly onDidChangeFilter = this.filterEmitter.event;

  constructor(
    private readonly explorer: Explorer,
    private readonly options: { capture: boolean },
  ) {
    this.cursor = explorer.store.eventsAfter(Number.MAX_SAFE_INTEGER).cursor;
    this.format = eventFormatSetting();
    this.paused = explorer.isPaused;
    this.coalescer = new Coalescer(() => this.flush(), { maxPerSecond: MAX_APPENDS_PER_SECOND, paused: this.paused });
    this.listeners = [
      // Cheap per event: the batch reads the store later.
      explorer.onEvent(() => {
        if (!this.coalescer.pending) this.coalescer.request();
      }),
      explorer.onUndecodable((frame) => {
        if (this.frames.length < MAX_QUEUED_FRAMES) this.frames.push(frame);
        else this.lostFrames++;
        if (!this.coalescer.pending) this.coalescer.request();
      }),
      explorer.onDidChangeState(() => this.pausedChanged(explorer.isPaused)),
      vscode.workspace.onDidChangeConfiguration((change) => {
        if (change.affectsConfiguration('aylaDss.events.format')) this.format = eventFormatSetting();
      }),
    ];
  }

  /** Reveals the channel without taking the focus. */
  show(): void {
    this.channel.show(true);
  }

  get filter(): EventCriteria {
    return this.criteria;
  }

  /** Filters what the channel shows from now on (events already shown stay). */
  setFilter(criteria: EventCriteria): void {
    const before = formatEventFilter(this.criteria);
    if (!this.paused) this.flush(); // what arrived before the change is shown under the old filter
    this.criteria = normalizeCriteria(criteria);
    this.predicate = isActiveFilter(this.criteria) ? eventFilter(this.criteria) : undefined;
    const after = formatEventFilter(this.criteria);
    if (after !== before) {
      this.write(after ? `── filter: ${after} (events that do not match are not shown from here on)\n` : '── filter cleared: every event is shown from here on\n');
      this.filterEmitter.fire(this.criteria);
    }
  }

  get stats(): EventLogStats {
    return { ...this.counters, format: this.format, filter: formatEventFilter(this.criteria) };
  }

  /**
   * What was appended after the mark `chars` (from `stats`). Only in the test host, where the channel's
   * text is kept (the last 4 MB; the output channel itself cannot be read through the API).
   */
  textSince(chars: number): string {
    if (!this.options.capture) throw new Error('The events channel text is only kept in the extension test host.');
    const first = this.counters.chars - this.captured.length;
    if (chars < first) throw new Error(`The events channel text from character ${chars} on is no longer kept (it starts at ${first}).`);
    return this.captured.slice(chars - first);
  }

  dispose(): void {
    for (const listener of this.listeners) listener.dispose();
    this.coalescer.dispose();
    this.filterEmitter.dispose();
    this.channel.dispose();
  }

  private pausedChanged(paused: boolean): void {
    if (paused === this.paused) return;
    if (paused) {
      this.flush();
      this.write('── paused: nothing is appended here until Resume (events are still received, kept and recorded)\n');
    } else {
      this.write('── resumed\n');
      this.coalescer.request(); // catch up at once
    }
    this.paused = paused;
    this.coalescer.setPaused(paused);
  }

  /** Appends everything received since the last batch that fits, as one append. */
  private flush(): void {
    const tail = this.explorer.store.eventsAfter(this.cursor, this.predicate);
    this.cursor = tail.cursor;
    const frames = this.frames;
    const lostFrames = this.lostFrames;
    this.frames = [];
    this.lostFrames = 0;
    if (tail.total === 0 && tail.skipped === 0 && frames.length === 0 && lostFrames === 0) return;
    const batch = formatBatch(
      { events: tail, filteredOut: tail.total - tail.matched, undecodable: frames, lost: tail.skipped, lostFrames },
      { format: this.format, maxChars: MAX_BATCH_CHARS },
    );
    this.counters.shown += batch.shown;
    this.counters.skipped += batch.skipped;
    this.counters.lost += batch.lost;
    this.counters.filteredOut += batch.filteredOut;
    this.counters.undecodable += batch.undecodable;
    this.counters.undecodableNotShown += batch.undecodableNotShown;
    if (batch.text) this.append(batch.text, batch.lines);
  }

  /** A note of our own (not an event): redacted like anything else that is not the server's event JSON. */
  private write(note: string): void {
    this.append(redactSecrets(note), 1);
  }

  private append(text: string, lines: number): void {
    if (this.channelChars + text.length > MAX_CHANNEL_CHARS && this.channelChars > 0) {
      this.channel.clear();
      this.channelChars = 0;
      this.counters.clears++;
      text = `… earlier lines were cleared to keep VS Code responsive (the channel keeps about ${MAX_CHANNEL_CHARS / 1024 / 1024} MB); "Record Events to File…" keeps every event.\n${text}`;
      lines++;
    }
    this.channel.append(text);
    this.channelChars += text.length;
    this.counters.appends++;
    this.counters.lines += lines;
    this.counters.chars += text.length;
    if (this.options.capture) {
      this.captured += text;
      if (this.captured.length > CAPTURE_CHARS) this.captured = this.captured.slice(-CAPTURE_CHARS / 2);
    }
  }
}
