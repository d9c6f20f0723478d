// A tiny typed event emitter (the shape of vscode's EventEmitter, without importing vscode): one per
// kind of event, so every listener is typed exactly. Listeners are kept in an array replaced on each
// (un)subscription, so firing — which happens once per stream event, thousands of times a second —
// allocates nothing and is safe against listeners that subscribe or dispose while it runs.

export interface Disposable {
  dispose(): void;
}

export type Listener<T> = (value: T) => void;

export class Emitter<T> {
  private listeners: readonly Listener<T>[] = [];

  /** @param onListenerError called when a listener throws; a throwing listener never stops the others or the emitter's owner. */
  constructor(private readonly onListenerError?: (error: unknown) => void) {}

  /** Subscribes `listener`; dispose the result to unsubscribe (twice is harmless). */
  readonly event = (listener: Listener<T>): Disposable => {
    // Wrapped so the same function subscribed twice is two subscriptions, each disposed on its own.
    const entry: Listener<T> = (value) => listener(value);
    this.listeners = [...this.listeners, entry];
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== entry)) };
  };

  get listenerCount(): number {
    return this.listeners.length;
  }

  fire(value: T): void {
    const listeners = this.listeners;
    for (let i = 0; i < listeners.length; i++) {
      try {
        listeners[i]!(value);
      } catch (error) {
        this.onListenerError?.(error);
      }
    }
  }

  /** Drops every listener. */
  dispose(): void {
    this.listeners = [];
  }
}
