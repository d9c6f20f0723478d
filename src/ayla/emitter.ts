// A tiny typed event emitter (the shape of vscode's EventEmitter, without importing vscode): one per
// kind of event, so every listener is typed exactly. Subscriptions are kept in an array replaced on each
// (un)subscription, so firing — which happens once per stream event, thousands of times a second —
// allocates nothing and is safe against listeners that subscribe or dispose while it runs.

export interface Disposable {
  dispose(): void;
}

export type Listener<T> = (value: T) => void;

/** One subscription: its own object, so the same function subscribed twice is two subscriptions, each disposed on its own. */
interface Subscription<T> {
  readonly listener: Listener<T>;
}

export class Emitter<T> {
  private subscriptions: readonly Subscription<T>[] = [];

  /** @param onListenerError called when a listener throws; a throwing listener never stops the others or the emitter's owner. */
  constructor(private readonly onListenerError?: (error: unknown) => void) {}

  /** Subscribes `listener`; dispose the result to unsubscribe (twice is harmless). */
  readonly event = (listener: Listener<T>): Disposable => {
    const subscription: Subscription<T> = { listener };
    this.subscriptions = [...this.subscriptions, subscription];
    return { dispose: () => (this.subscriptions = this.subscriptions.filter((s) => s !== subscription)) };
  };

  get listenerCount(): number {
    return this.subscriptions.length;
  }

  fire(value: T): void {
    const subscriptions = this.subscriptions;
    for (let i = 0; i < subscriptions.length; i++) {
      try {
        subscriptions[i]!.listener(value);
      } catch (error) {
        this.onListenerError?.(error);
      }
    }
  }

  /** Drops every listener. */
  dispose(): void {
    this.subscriptions = [];
  }
}
