// One device's recent events ("Open Recent Events"): the ids of its last N events in the store's event
// journal, not copies of them. While an event is still in the journal that is all it costs (one number); when
// the journal lets go of an event the device still wants (a quiet device's events outlive the busy devices'
// flood), its bytes are copied into the device's own small journal first. So each event's text is written once
// at arrival, and copied again only for devices whose window reaches back further than the shared journal's.
import type { DssEvent } from '../ayla/events';
import { EventJournal, type RecordKeeper, type RecordNames } from './eventJournal';

export class DeviceEvents implements RecordKeeper {
  /** Ring of the ids of this device's last `capacity` events, oldest first. */
  private ids: Float64Array;
  private start = 0;
  private count = 0;
  /** This device's events that left the shared journal while still in its window; created when first needed. */
  private kept: EventJournal | undefined = undefined;

  constructor(capacity: number) {
    this.ids = new Float64Array(capacity);
  }

  get capacity(): number {
    return this.ids.length;
  }

  get size(): number {
    return this.count;
  }

  /** Bytes allocated for the texts this device keeps itself (outside the JavaScript heap). */
  get allocatedBytes(): number {
    return this.kept?.allocatedBytes ?? 0;
  }

  /**
   * Records this device's event `id` (what `journal.push(event, this, names)` returned). A journal that keeps
   * nothing (capacity 0) cannot hand the event over later, so then the device keeps its text now.
   */
  add(id: number, event: DssEvent, journal: EventJournal, names?: RecordNames): void {
    const capacity = this.ids.length;
    if (capacity === 0) return;
    if (this.count === capacity) {
      this.start = this.start + 1 === capacity ? 0 : this.start + 1;
      this.count--;
    }
    const slot = this.start + this.count;
    this.ids[slot >= capacity ? slot - capacity : slot] = id;
    this.count++;
    if (journal.capacity === 0) this.keptJournal().push(event, undefined, names, id);
    this.kept?.dropBefore(this.ids[this.start]!);
  }

  /** Whether event `id` is still in this device's window (the journal asks before it lets the event go). */
  wants(id: number): boolean {
    return this.count > 0 && id >= this.ids[this.start]!;
  }

  /** Keeps its own copy of record `slot` of `journal`, which is about to leave it. */
  keep(journal: EventJournal, slot: number): void {
    this.keptJournal().pushCopy(journal, slot);
  }

  /** Up to `limit` of this device's newest events, oldest → newest, decoded from wherever they are kept. */
  newest(limit: number, journal: EventJournal): DssEvent[] {
    const out: DssEvent[] = [];
    const capacity = this.ids.length;
    for (let i = this.count - 1; i >= 0 && out.length < limit; i--) {
      const at = this.start + i;
      const id = this.ids[at >= capacity ? at - capacity : at]!;
      let slot = journal.slotOfId(id);
      if (slot >= 0) {
        out.push(journal.eventAt(slot));
        continue;
      }
      slot = this.kept?.slotOfId(id) ?? -1;
      if (slot >= 0) out.push(this.kept!.eventAt(slot));
    }
    return out.reverse();
  }

  /** Changes the window, keeping the newest ids that fit. */
  resize(capacity: number): void {
    if (capacity === this.ids.length) return;
    const keep = Math.min(this.count, capacity);
    const ids = new Float64Array(capacity);
    for (let i = 0; i < keep; i++) {
      const at = this.start + this.count - keep + i;
      ids[i] = this.ids[at >= this.ids.length ? at - this.ids.length : at]!;
    }
    this.ids = ids;
    this.start = 0;
    this.count = keep;
    this.kept?.resize(capacity);
    if (keep > 0) this.kept?.dropBefore(ids[0]!);
  }

  private keptJournal(): EventJournal {
    return (this.kept ??= new EventJournal(this.ids.length));
  }
}
