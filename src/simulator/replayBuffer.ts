// The bounded per-subscription buffer that numbers events and keeps the newest ones for `seq_start`
// replay (and for subscribers that are briefly disconnected or slow).
import type { PreparedEvent } from './events';

export class ReplayBuffer {
  private readonly slots: (PreparedEvent | undefined)[];
  /** Oldest seq still held. */
  private first = 1;
  /** Seq the next event gets. */
  private next = 1;

  constructor(readonly capacity: number) {
    this.slots = new Array<PreparedEvent | undefined>(capacity);
  }

  get firstSeq(): number {
    return this.first;
  }

  get nextSeq(): number {
    return this.next;
  }

  /** Numbers an event and keeps it, forgetting the oldest when full; returns its seq. */
  append(event: PreparedEvent): number {
    const seq = this.next++;
    this.slots[seq % this.capacity] = event;
    if (this.next - this.first > this.capacity) this.first = this.next - this.capacity;
    return seq;
  }

  get(seq: number): PreparedEvent | undefined {
    if (seq < this.first || seq >= this.next) return undefined;
    return this.slots[seq % this.capacity];
  }
}
