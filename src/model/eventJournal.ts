// Recent events kept for "Pick Event…", export and the event log: a fixed number of them, each stored as the
// UTF-8 bytes of its raw text in one reused byte array, beside typed columns for what filters read (type,
// device, property, arrival time), instead of as event objects.
//
// Why not a ring of DssEvent objects: at a high rate, every kept event (its object, its raw string, its boxed
// numbers) outlives the young generation, so the garbage collector copies it, promotes it and marks it again
// until it leaves the buffer. That was the largest cost of ingesting events (benchmark B1: 0.18 of its ratio).
// Bytes in a reused array cost one copy per event and nothing for the collector.
//
// Reading decodes the text again (`decodeEvent` is deterministic: the same text and arrival time give the same
// event), so a read returns equal events, not the same objects. Reads are rare (a command; the event log's
// newest lines, ten times a second); writes are per event. Filters read the columns and decode nothing but the
// raw text, and only when they ask for it.
import { decodeEvent, isDssEvent } from '../ayla/decode';
import type { DssEvent, UnknownDssEvent } from '../ayla/events';
import { readUtf8, writeUtf8 } from '../ayla/utf8';
import { wholeCount } from './count';
import { propertyNameOf, type EventHeader, type EventPredicate } from './eventFilter';

/** Record slots allocated at first; they double on demand up to the capacity (most devices send few events). */
const INITIAL_RECORDS = 16;
/** Bytes allocated at first (and the unit of growth); they grow on demand to half as much again as the kept texts take. */
const INITIAL_BYTES = 4096;
/** UTF-8 takes at most 3 bytes per UTF-16 code unit, so this much room always holds a string of n units. */
const MAX_BYTES_PER_UNIT = 3;

/**
 * The events after a reader's cursor (see `EventJournal.after`): counted at once, decoded only when read,
 * newest first, so a reader that shows the newest few of thousands decodes a few. Read it before more events
 * arrive: it reads the journal's slots, which new events reuse (a late read throws).
 */
export interface JournalTail {
  /** Events after the cursor, still held, that pass the filter. */
  readonly matched: number;
  /** Events after the cursor, still held, whether or not they pass the filter. */
  readonly total: number;
  /** Events after the cursor that had already left the journal (the reader fell behind). */
  readonly skipped: number;
  /** Pass this to the next `after` call. */
  readonly cursor: number;
  /** The `i`-th newest matching event (0 = the newest), decoded; undefined past `matched`. */
  newest(i: number): DssEvent | undefined;
  /** Every matching event, oldest → newest (decodes them all). */
  readonly events: DssEvent[];
}

/**
 * Who else wants a record after it leaves the journal (a device's window of recent events): asked when the
 * record is about to leave, while its slot can still be read and copied.
 */
export interface RecordKeeper {
  wants(id: number): boolean;
  keep(journal: EventJournal, slot: number): void;
}

/**
 * What a record is filed under, for filters: the store passes its own device's and property's strings (one
 * scratch object, read at once), so the columns share them and keep no strings of each event's own.
 */
export interface RecordNames {
  readonly dsn: string;
  readonly dsns: readonly string[];
  readonly property: string | undefined;
}

/**
 * A fixed-capacity FIFO of events stored as text. Every record has an id: by default its position in the
 * order of pushes (1, 2, 3 …, never reused); a record copied from another journal keeps that journal's id.
 */
export class EventJournal {
  private cap: number;
  /** Slot of the oldest record. */
  private start = 0;
  private count = 0;
  private pushedTotal = 0;
  // One slot per record, in parallel arrays (made by `allocate`). `type`, `dsn`, `dsns` and `property` hold
  // strings (and one-DSN lists) that the decoder shares between events, so keeping them keeps nothing new.
  private ids!: Float64Array;
  private receivedAt!: Float64Array;
  private offset!: Int32Array;
  private length!: Int32Array;
  private type!: DssEvent['type'][];
  private dsn!: string[];
  private dsns!: (readonly string[])[];
  private property!: (string | undefined)[];
  private keeper!: (RecordKeeper | undefined)[];
  /** The raw texts, back to back; a record never wraps around the end (the next one starts at 0 instead). */
  private bytes: Buffer;
  /** Where the next record's bytes go. */
  private head = 0;
  /** Whether the newest records start again from byte 0, below the oldest ones. */
  private wrapped = false;
  /** A filter's view of one record (one object, pointed at each record in turn: filters must not keep it). */
  private readonly header = this.makeHeader();

  constructor(capacity: number) {
    checkCapacity(capacity);
    this.cap = capacity;
    this.allocate(Math.min(capacity, INITIAL_RECORDS));
    this.bytes = Buffer.alloc(capacity === 0 ? 0 : INITIAL_BYTES);
  }

  get capacity(): number {
    return this.cap;
  }

  get size(): number {
    return this.count;
  }

  /** Events pushed since construction (never reset, not even by `clear`): a cursor for readers that poll. */
  get pushed(): number {
    return this.pushedTotal;
  }

  /** Bytes allocated for raw texts (outside the JavaScript heap): for memory statistics. */
  get allocatedBytes(): number {
    return this.bytes.length;
  }

  /**
   * Keeps `event` (the oldest record leaves when full, offered to its keeper first) and returns its id: the
   * number of pushes so far, unless `id` gives one (a journal that keeps another's records, in their order).
   * `names` (equal to the event's own) are what the record is filed under; without them, the event's own.
   */
  push(event: DssEvent, keeper?: RecordKeeper, names?: RecordNames, id: number = this.pushedTotal + 1): number {
    this.pushedTotal++;
    if (this.cap === 0) return id;
    const slot = this.reserve();
    const raw = event.raw;
    const at = this.place(raw.length * MAX_BYTES_PER_UNIT);
    const written = raw.length === 0 ? 0 : writeUtf8(this.bytes, raw, at);
    if (names !== undefined) {
      this.fill(slot, id, event.receivedAt, at, written, event.type, names.dsn, names.dsns, names.property, keeper);
    } else {
      this.fill(slot, id, event.receivedAt, at, written, event.type, event.dsn, event.dsns, propertyNameOf(event), keeper);
    }
    return id;
  }

  /** Keeps a copy of record `slot` of `from` (its bytes copied as they are), with its id. */
  pushCopy(from: EventJournal, slot: number): void {
    this.pushedTotal++;
    if (this.cap === 0) return;
    const target = this.reserve();
    const length = from.length[slot]!;
    const at = this.place(length);
    const source = from.offset[slot]!;
    from.bytes.copy(this.bytes, at, source, source + length);
    this.fill(target, from.ids[slot]!, from.receivedAt[slot]!, at, length, from.type[slot]!, from.dsn[slot]!, from.dsns[slot]!, from.property[slot], undefined);
  }

  /** The slot holding record `id`, or -1. Ids ascend from oldest to newest, so this is a binary search. */
  slotOfId(id: number): number {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.ids[this.slotOf(mid)]! < id) low = mid + 1;
      else high = mid;
    }
    if (low === this.count) return -1;
    const slot = this.slotOf(low);
    return this.ids[slot] === id ? slot : -1;
  }

  /** The event in `slot`, decoded from its text as it was when it arrived. */
  eventAt(slot: number): DssEvent {
    const raw = this.rawAt(slot);
    const receivedAt = this.receivedAt[slot]!;
    const event = decodeEvent(raw, receivedAt);
    if (isDssEvent(event)) return event;
    // Only an event that did not come from the decoder (built by hand) can fail here: keep what is known.
    return undecodedEvent(raw, receivedAt, this.dsn[slot]!, this.dsns[slot]!, this.type[slot]!);
  }

  /** Drops the oldest records whose id is below `id` (they went out of a device's window). */
  dropBefore(id: number): void {
    while (this.count > 0 && this.ids[this.start]! < id) this.dropOldest();
  }

  /**
   * Up to `limit` of the newest events that pass `filter`, oldest → newest. Walks back from the newest and
   * stops as soon as it has enough; only the events returned are decoded.
   */
  newest(limit: number = this.count, filter?: EventPredicate): DssEvent[] {
    const out: DssEvent[] = [];
    for (let i = this.count - 1; i >= 0 && out.length < limit; i--) {
      const slot = this.slotOf(i);
      if (filter === undefined || filter(this.headerAt(slot))) out.push(this.eventAt(slot));
    }
    return out.reverse();
  }

  /**
   * The events pushed after `cursor` (a `pushed` value the reader saw, or 0) that pass `filter`: counted now,
   * decoded when read (see JournalTail). Events that left before the read count as `skipped`.
   */
  after(cursor: number, filter?: EventPredicate): JournalTail {
    const firstHeld = this.pushedTotal - this.count;
    const from = Math.max(Math.min(cursor, this.pushedTotal), firstHeld);
    const total = this.pushedTotal - from;
    // With a filter, the slots of the matching events, newest first; without one, every event after the
    // cursor matches and its slot is computed when read (no list of thousands built ten times a second).
    let slots: number[] | undefined;
    if (filter !== undefined) {
      slots = [];
      for (let i = this.count - 1; i >= from - firstHeld; i--) {
        const slot = this.slotOf(i);
        if (filter(this.headerAt(slot))) slots.push(slot);
      }
    }
    const matched = slots?.length ?? total;
    const pushedAt = this.pushedTotal;
    const newest = (i: number): DssEvent | undefined => {
      if (this.pushedTotal !== pushedAt) throw new Error('EventJournal: a tail was read after more events arrived.');
      if (!(i >= 0 && i < matched)) return undefined;
      return this.eventAt(slots !== undefined ? slots[i]! : this.slotOf(this.count - 1 - i));
    };
    return {
      matched,
      total,
      skipped: Math.max(0, from - Math.max(cursor, 0)),
      cursor: this.pushedTotal,
      newest,
      get events() {
        const events: DssEvent[] = [];
        for (let i = matched - 1; i >= 0; i--) events.push(newest(i)!);
        return events;
      },
    };
  }

  /** Forgets every record (without offering them to their keepers) and gives back the memory. */
  clear(): void {
    this.start = 0;
    this.count = 0;
    this.head = 0;
    this.wrapped = false;
    this.allocate(Math.min(this.cap, INITIAL_RECORDS));
    this.bytes = Buffer.alloc(this.cap === 0 ? 0 : INITIAL_BYTES);
  }

  /** Changes the capacity, keeping the newest records that fit (those that leave are offered to their keepers). */
  resize(capacity: number): void {
    checkCapacity(capacity);
    if (capacity === this.cap) return;
    while (this.count > capacity) this.dropOldest();
    this.cap = capacity;
    if (capacity === 0) {
      this.clear();
      return;
    }
    this.regrow(Math.max(this.count, Math.min(capacity, INITIAL_RECORDS)));
    this.compact(grownSize(0, 1.5 * this.liveBytes()));
  }

  // ── Internals ─────────────────────────────────────────────────────────────────────────────────────

  /** Makes room for one more record (evicting the oldest when full) and returns its slot. */
  private reserve(): number {
    if (this.count === this.cap) this.dropOldest();
    else if (this.count === this.ids.length) this.regrow(Math.min(this.cap, this.ids.length * 2));
    return this.slotOf(this.count);
  }

  private fill(
    slot: number, id: number, receivedAt: number, at: number, length: number,
    type: DssEvent['type'], dsn: string, dsns: readonly string[], property: string | undefined, keeper: RecordKeeper | undefined,
  ): void {
    this.ids[slot] = id;
    this.receivedAt[slot] = receivedAt;
    this.offset[slot] = at;
    this.length[slot] = length;
    this.type[slot] = type;
    this.dsn[slot] = dsn;
    this.dsns[slot] = dsns;
    this.property[slot] = property;
    this.keeper[slot] = keeper;
    // At least one byte per record, so two records never start at one offset (`place` relies on it).
    this.head = at + Math.max(length, 1);
    this.count++;
  }

  private headerAt(slot: number): EventHeader {
    this.header.slot = slot;
    return this.header;
  }

  /** The slot of logical index `i` (0 = oldest). */
  private slotOf(i: number): number {
    const slot = this.start + i;
    const slots = this.ids.length;
    return slot >= slots ? slot - slots : slot;
  }

  private dropOldest(): void {
    const slot = this.start;
    const keeper = this.keeper[slot];
    if (keeper !== undefined) {
      this.keeper[slot] = undefined;
      if (keeper.wants(this.ids[slot]!)) keeper.keep(this, slot);
    }
    this.start = slot + 1 === this.ids.length ? 0 : slot + 1;
    this.count--;
    if (this.count === 0) {
      this.head = 0;
      this.wrapped = false;
    } else if (this.wrapped && this.offset[this.start]! < this.offset[slot]!) {
      this.wrapped = false; // the oldest record is now one of those that started again from 0
    }
  }

  /**
   * A byte offset where `room` bytes are free: after the newest record, else from the start of the array (when
   * the oldest record is far enough in), else in a bigger array with the kept records moved to its front.
   */
  private place(room: number): number {
    const need = room > 0 ? room : 1;
    if (this.count === 0) {
      this.head = 0;
      this.wrapped = false;
      if (this.bytes.length < need) this.bytes = Buffer.alloc(grownSize(this.bytes.length, need));
      return 0;
    }
    const tail = this.offset[this.start]!;
    if (!this.wrapped) {
      // Free after the head to the end, and before the oldest record.
      if (this.bytes.length - this.head >= need) return this.head;
      if (tail >= need) {
        this.wrapped = true;
        return 0;
      }
    } else if (tail - this.head >= need) {
      return this.head; // free between the head and the oldest record
    }
    // Half as much again as is needed: then the oldest records are far enough in when the head reaches the
    // end, and the ring wraps instead of compacting again (a compaction copies every kept record).
    this.compact(grownSize(this.bytes.length, 1.5 * (this.liveBytes() + need)));
    return this.head;
  }

  /**
   * Where the kept records lie: back to back from the oldest one's offset up to `upperEnd`, and, when wrapped,
   * from 0 up to the head as well, starting with record `firstLower` (logical index; `count` when not wrapped).
   */
  private runs(): { upperEnd: number; firstLower: number } {
    if (!this.wrapped) return { upperEnd: this.head, firstLower: this.count };
    const tail = this.offset[this.start]!;
    let firstLower = 1;
    while (firstLower < this.count && this.offset[this.slotOf(firstLower)]! >= tail) firstLower++;
    const lastUpper = this.slotOf(firstLower - 1);
    return { upperEnd: this.offset[lastUpper]! + Math.max(this.length[lastUpper]!, 1), firstLower };
  }

  /** Bytes the kept records take (without the gap a wrap leaves at the end). */
  private liveBytes(): number {
    if (this.count === 0) return 0;
    const { upperEnd } = this.runs();
    return upperEnd - this.offset[this.start]! + (this.wrapped ? this.head : 0);
  }

  /**
   * Moves the kept records' bytes, oldest first, to the front of a new array of `size` bytes: one copy per run
   * (two at most), so growing a journal of thousands of events is a couple of memory copies, not a pause.
   */
  private compact(size: number): void {
    const bytes = Buffer.alloc(size);
    let head = 0;
    if (this.count > 0) {
      const tail = this.offset[this.start]!;
      const { upperEnd, firstLower } = this.runs();
      this.bytes.copy(bytes, 0, tail, upperEnd);
      const shift = upperEnd - tail;
      if (this.wrapped) this.bytes.copy(bytes, shift, 0, this.head);
      for (let i = 0; i < this.count; i++) {
        const slot = this.slotOf(i);
        this.offset[slot] = i < firstLower ? this.offset[slot]! - tail : this.offset[slot]! + shift;
      }
      head = this.wrapped ? shift + this.head : shift;
    }
    this.bytes = bytes;
    this.head = head;
    this.wrapped = false;
  }

  private allocate(slots: number): void {
    this.ids = new Float64Array(slots);
    this.receivedAt = new Float64Array(slots);
    this.offset = new Int32Array(slots);
    this.length = new Int32Array(slots);
    this.type = new Array<DssEvent['type']>(slots).fill('unknown');
    this.dsn = new Array<string>(slots).fill('');
    this.dsns = new Array<readonly string[]>(slots).fill(NO_DSNS);
    this.property = new Array<string | undefined>(slots).fill(undefined);
    this.keeper = new Array<RecordKeeper | undefined>(slots).fill(undefined);
  }

  /** Reallocates the record slots to `slots` (≥ count), the kept records first, in order. */
  private regrow(slots: number): void {
    if (slots === this.ids.length && this.start === 0) return;
    const old = { ids: this.ids, receivedAt: this.receivedAt, offset: this.offset, length: this.length, type: this.type, dsn: this.dsn, dsns: this.dsns, property: this.property, keeper: this.keeper };
    const { start, count } = this;
    this.allocate(slots);
    for (let i = 0; i < count; i++) {
      const slot = (start + i) % old.ids.length;
      this.ids[i] = old.ids[slot]!;
      this.receivedAt[i] = old.receivedAt[slot]!;
      this.offset[i] = old.offset[slot]!;
      this.length[i] = old.length[slot]!;
      this.type[i] = old.type[slot]!;
      this.dsn[i] = old.dsn[slot]!;
      this.dsns[i] = old.dsns[slot]!;
      this.property[i] = old.property[slot];
      this.keeper[i] = old.keeper[slot];
    }
    this.start = 0;
  }

  private rawAt(slot: number): string {
    const from = this.offset[slot]!;
    return readUtf8(this.bytes, from, from + this.length[slot]!);
  }

  /** The filters' view of a record; `raw` is decoded only when a filter reads it. */
  private makeHeader(): EventHeader & { slot: number } {
    // An object literal in here, not a class of its own, so its getters can read the private columns.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const journal = this;
    return {
      slot: 0,
      get type() {
        return journal.type[this.slot]!;
      },
      get dsn() {
        return journal.dsn[this.slot]!;
      },
      get dsns() {
        return journal.dsns[this.slot]!;
      },
      get property() {
        return journal.property[this.slot];
      },
      get raw() {
        return journal.rawAt(this.slot);
      },
      get receivedAt() {
        return journal.receivedAt[this.slot]!;
      },
    };
  }
}

const NO_DSNS: readonly string[] = Object.freeze([]);

/** An event whose text does not decode: shown as an unknown event of its recorded type, its text intact. */
function undecodedEvent(raw: string, receivedAt: number, dsn: string, dsns: readonly string[], type: DssEvent['type']): UnknownDssEvent {
  return { type: 'unknown', eventType: type, seq: undefined, dsn, dsns, oemId: undefined, oemModel: undefined, metadata: {}, body: {}, raw, receivedAt };
}

/** At least `size` and `need`, in whole pages of INITIAL_BYTES. */
function grownSize(size: number, need: number): number {
  return Math.ceil(Math.max(size, need, INITIAL_BYTES) / INITIAL_BYTES) * INITIAL_BYTES;
}

function checkCapacity(capacity: number): void {
  wholeCount('Event buffer capacity', capacity);
}
