// Every subscription, and the path of an event to them: match the filters, number the event in each
// matching subscription's replay buffer, then wake the sockets that stream those subscriptions (once
// per batch of events, not once per event).
import type { PreparedEvent } from './events';
import type { Subscription } from './subscription';

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

  remove(subscription: Subscription): void {
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
