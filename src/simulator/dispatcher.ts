// Every subscription, and the path of an event to them: match the filters, number the event in each
// matching subscription's replay buffer, then wake the sockets that stream those subscriptions (once
// per batch of events, not once per event).
import type { PreparedEvent } from './events';
import type { Subscription } from './subscription';

/** What a subscription has numbered so far (tests compare it with what a client received). */
export interface SubscriptionSequence {
  id: number;
  name: string;
  /** `subscription_type` as created (one type, or a comma list). */
  subscriptionType: string;
  /** The last seq given to an event (0 when none yet); events are numbered 1…lastSeq. */
  lastSeq: number;
  /** The subscription was deleted (its numbers are kept for the record). */
  deleted: boolean;
}

/** Deleted subscriptions whose sequence is remembered, at most. */
const RETIRED_KEPT = 1000;

export class Dispatcher {
  private readonly byId = new Map<number, Subscription>();
  private readonly byKey = new Map<string, Subscription>();
  private readonly toWake = new Set<Subscription>();
  private flushQueued = false;
  eventsPublished = 0;

  add(subscription: Subscription): void {
    this.byId.set(subscription.id, subscription);
    this.byKey.set(subscription.streamKey, subscription);
  }

  private readonly retired: SubscriptionSequence[] = [];

  remove(subscription: Subscription): void {
    if (this.byId.get(subscription.id) === subscription) {
      this.retired.push({ ...sequenceOf(subscription), deleted: true });
      if (this.retired.length > RETIRED_KEPT) this.retired.shift();
    }
    this.byId.delete(subscription.id);
    this.byKey.delete(subscription.streamKey);
    this.toWake.delete(subscription);
  }

  get(id: number): Subscription | undefined {
    return this.byId.get(id);
  }

  byStreamKey(key: string): Subscription | undefined {
    return this.byKey.get(key);
  }

  all(): IterableIterator<Subscription> {
    return this.byId.values();
  }

  /** Every subscription's sequence so far, deleted ones included, oldest first. */
  sequences(): SubscriptionSequence[] {
    return [...this.retired, ...[...this.byId.values()].map(sequenceOf)].sort((a, b) => a.id - b.id);
  }

  get size(): number {
    return this.byId.size;
  }

  publish(event: PreparedEvent): void {
    this.eventsPublished++;
    for (const subscription of this.byId.values()) {
      if (!subscription.matches(event)) continue;
      subscription.replay.append(event);
      if (subscription.socket) this.toWake.add(subscription);
    }
    if (this.toWake.size > 0 && !this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** Sends what was published to every socket that has something new (also runs by itself after publish). */
  flush(): void {
    this.flushQueued = false;
    const subscriptions = [...this.toWake];
    this.toWake.clear();
    for (const subscription of subscriptions) subscription.socket?.pump();
  }
}

function sequenceOf(subscription: Subscription): SubscriptionSequence {
  const s = subscription.setup;
  return { id: s.id, name: s.name, subscriptionType: s.subscriptionType, lastSeq: subscription.replay.nextSeq - 1, deleted: false };
}
