// What changed in the model since a consumer last looked. The store marks keys as events arrive; each sink
// (tree at ~4 Hz, output channel at ~10 Hz, chart per frame) drains its own ChangeTracker on its own clock,
// so views refresh only the nodes that changed and are never called once per event.

/** Something to stop: a listener registration, a tracker. */
export interface Disposable {
  dispose(): void;
}

/** What changed since the previous `takeChanges()` of the same tracker. */
export interface ModelChanges {
  /**
   * DSNs of devices whose own state changed (connection, location, registration, data from the device
   * service), that were added or removed, or whose list of properties changed.
   */
  readonly devices: ReadonlySet<string>;
  /** `propertyKey(dsn, name)` of properties whose state changed (value, ack, write, metadata), added or removed. */
  readonly properties: ReadonlySet<string>;
  /**
   * Devices or properties were added or removed, or the order of devices changed: re-read the lists. When
   * true, re-read everything shown: the key sets may then be incomplete (a tracker not drained for a long
   * time stops listing keys past its limit rather than grow).
   */
  readonly structure: boolean;
  /** Events applied. */
  readonly events: number;
}

/** NUL cannot occur in a DSN or a property name, so the key splits back unambiguously. */
const SEPARATOR = '\u0000';

/** The key of a property in `ModelChanges.properties` and `DeviceStore.propertyByKey`. */
export function propertyKey(dsn: string, name: string): string {
  return dsn + SEPARATOR + name;
}

/** The DSN and property name a `propertyKey` was made of; undefined for anything else. */
export function splitPropertyKey(key: string): { dsn: string; name: string } | undefined {
  const at = key.indexOf(SEPARATOR);
  return at < 0 ? undefined : { dsn: key.slice(0, at), name: key.slice(at + 1) };
}

const NO_CHANGES: ModelChanges = Object.freeze({
  devices: new Set<string>(),
  properties: new Set<string>(),
  structure: false,
  events: 0,
});

/** What a consumer of changes sees: drain, listen, dispose. */
export interface ChangeFeed extends Disposable {
  /** Changes are waiting to be taken. */
  readonly hasChanges: boolean;
  /** Returns what changed since the previous call and starts a new batch. */
  takeChanges(): ModelChanges;
  /** `listener` runs once per batch, synchronously at the end of the store call that began the batch. */
  onDidChange(listener: () => void): Disposable;
}

/**
 * One consumer's view of what changed. `onDidChange` listeners fire once per batch: on the transition from
 * "nothing pending" to "something pending", and again only after `takeChanges()` drained the batch.
 */
export class ChangeTracker implements ChangeFeed {
  private devices = new Set<string>();
  private properties = new Set<string>();
  private structure = false;
  private events = 0;
  private pending = false;
  private notified = false;
  /** Set when more than `maxKeys` keys piled up: the sets were dropped and `structure` stands for everything. */
  private overflow = false;
  private readonly listeners: Array<() => void> = [];
  private disposed = false;

  /**
   * @param maxKeys  past this many changed keys the tracker stops listing them and reports `structure`
   *                 instead, so a tracker nobody drains stays bounded.
   * @param onDispose called once when the tracker is disposed (the store forgets it).
   */
  constructor(private readonly maxKeys: number, private readonly onDispose?: (tracker: ChangeTracker) => void) {}

  get hasChanges(): boolean {
    return this.pending;
  }

  /** Returns what changed since the previous call and starts a new batch. */
  takeChanges(): ModelChanges {
    if (!this.pending) return NO_CHANGES;
    const changes: ModelChanges = { devices: this.devices, properties: this.properties, structure: this.structure, events: this.events };
    this.devices = new Set<string>();
    this.properties = new Set<string>();
    this.structure = false;
    this.events = 0;
    this.pending = false;
    this.notified = false;
    this.overflow = false;
    return changes;
  }

  /** `listener` runs once per batch (see the class comment), synchronously at the end of the change that began it. */
  onDidChange(listener: () => void): Disposable {
    this.listeners.push(listener);
    return {
      dispose: () => {
        const at = this.listeners.indexOf(listener);
        if (at >= 0) this.listeners.splice(at, 1);
      },
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.listeners.length = 0;
    this.onDispose?.(this);
  }

  // ── Marking: called by the store. Cheap: a Set.add of a key that is usually already there. ──────────

  /** @internal */
  markDevice(dsn: string): void {
    this.pending = true;
    if (this.overflow) return;
    this.devices.add(dsn);
    if (this.devices.size + this.properties.size > this.maxKeys) this.collapse();
  }

  /** @internal */
  markProperty(key: string): void {
    this.pending = true;
    if (this.overflow) return;
    this.properties.add(key);
    if (this.devices.size + this.properties.size > this.maxKeys) this.collapse();
  }

  /** @internal */
  markStructure(): void {
    this.pending = true;
    this.structure = true;
  }

  /** @internal */
  markEvent(): void {
    this.pending = true;
    this.events++;
  }

  /** @internal Fires the listeners if this batch has not been announced yet. Called after a change is complete. */
  notify(): void {
    if (!this.pending || this.notified) return;
    this.notified = true;
    let failure: unknown;
    let failed = false;
    // A copy: a listener may dispose itself (or another) while we iterate.
    for (const listener of this.listeners.slice()) {
      try {
        listener();
      } catch (error) {
        // Every listener still runs; the first failure reaches the caller afterwards, the state being consistent.
        if (!failed) {
          failed = true;
          failure = error;
        }
      }
    }
    if (failed) throw failure;
  }

  /** Too many keys to list: say "re-read everything" instead, and stop collecting keys until drained. */
  private collapse(): void {
    this.overflow = true;
    this.structure = true;
    this.devices = new Set<string>();
    this.properties = new Set<string>();
  }
}
