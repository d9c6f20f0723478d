// The views' work without vscode: what DeviceTreeProvider and EventLog do on their own clocks, built from
// the same vscode-free parts they use (Coalescer, the store's change trackers, deviceTreeItems, eventLines).
// Only the last step — handing TreeItems to VS Code, appending text to an output channel — is left out.
//
//   tree: a ChangeTracker drained by a Coalescer at 4/s (plus the 1 s age tick); every changed device and
//         property is rendered (deviceItem/propertyItem), as if every device were expanded and visible
//         (the worst case); a structural change renders every row.
//   event log: a Coalescer at 10/s reading the store's event buffer with a cursor and formatting one batch
//         (formatBatch, `summary` format, MAX_BATCH_CHARS at most per append, as EventLog does).
import { Emitter, type Disposable } from '../../../src/ayla/emitter';
import type { DssEvent } from '../../../src/ayla/events';
import { Coalescer } from '../../../src/extension/coalescer';
import { deviceItem, propertyDescription, propertyItem } from '../../../src/extension/deviceTreeItems';
import { MAX_BATCH_CHARS, formatBatch } from '../../../src/extension/eventLines';
import type { DeviceStore } from '../../../src/model/deviceStore';

const TREE_PER_SECOND = 4;
const TREE_AGE_REFRESH_MS = 1000;
const LOG_PER_SECOND = 10;

export interface ViewSinkStats {
  treeFlushes: number;
  treeRowsRendered: number;
  logFlushes: number;
  logEventsShown: number;
  logChars: number;
}

export interface ViewSinkOptions {
  /** Called at the end of every tree flush that rendered something (the moment `onDidChangeTreeData` would fire). */
  onTreeRefresh?: (eventsInBatch: number) => void;
}

export class ViewSinks implements Disposable {
  readonly stats: ViewSinkStats = { treeFlushes: 0, treeRowsRendered: 0, logFlushes: 0, logEventsShown: 0, logChars: 0 };
  private readonly tree: Coalescer;
  private readonly log: Coalescer;
  private readonly disposables: Disposable[] = [];
  private logCursor: number;
  private lastAgeCheck = -Infinity;
  /** Keeps the rendered rows reachable, as the tree's nodes keep their views. */
  private readonly rows = new Map<string, unknown>();

  constructor(
    private readonly store: DeviceStore,
    /** Subscribes to every event after the store applied it (Explorer.onEvent). */
    onEvent: (listener: (event: DssEvent) => void) => Disposable,
    private readonly options: ViewSinkOptions = {},
  ) {
    const feed = store.createChangeTracker();
    this.tree = new Coalescer(() => this.flushTree(feed.takeChanges()), { maxPerSecond: TREE_PER_SECOND, periodicMs: TREE_AGE_REFRESH_MS });
    this.disposables.push(feed, feed.onDidChange(() => this.tree.request()));
    if (feed.hasChanges) this.tree.request();
    this.logCursor = store.eventsAfter(Number.MAX_SAFE_INTEGER).cursor;
    this.log = new Coalescer(() => this.flushLog(), { maxPerSecond: LOG_PER_SECOND });
    this.disposables.push(
      onEvent(() => {
        if (!this.log.pending) this.log.request();
      }),
    );
  }

  dispose(): void {
    this.tree.dispose();
    this.log.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private flushTree(changes: ReturnType<DeviceStore['takeChanges']>): void {
    this.stats.treeFlushes++;
    const now = Date.now();
    let rendered = 0;
    if (changes.structure) {
      for (const device of this.store.devices()) {
        this.rows.set(device.dsn, deviceItem(device, now));
        rendered++;
        for (const property of this.store.properties(device.dsn)) {
          this.rows.set(`${device.dsn}/${property.name}`, propertyItem(property, now));
          rendered++;
        }
      }
      this.lastAgeCheck = now;
    } else {
      for (const dsn of changes.devices) {
        const device = this.store.device(dsn);
        if (device) this.rows.set(dsn, deviceItem(device, now));
        rendered++;
      }
      for (const key of changes.properties) {
        const property = this.store.propertyByKey(key);
        if (property) this.rows.set(`${property.dsn}/${property.name}`, propertyItem(property, now));
        rendered++;
      }
      if (now - this.lastAgeCheck >= TREE_AGE_REFRESH_MS * 0.9) {
        // The age tick: re-render rows whose "3s ago" reads differently now.
        this.lastAgeCheck = now;
        for (const device of this.store.devices()) {
          for (const property of this.store.properties(device.dsn)) {
            const key = `${device.dsn}/${property.name}`;
            const shown = this.rows.get(key) as { description?: string } | undefined;
            if (shown?.description === propertyDescription(property, now)) continue;
            this.rows.set(key, propertyItem(property, now));
            rendered++;
          }
        }
      }
    }
    this.stats.treeRowsRendered += rendered;
    if (rendered > 0) this.options.onTreeRefresh?.(changes.events);
  }

  private flushLog(): void {
    this.stats.logFlushes++;
    const tail = this.store.eventsAfter(this.logCursor);
    this.logCursor = tail.cursor;
    if (tail.total === 0 && tail.skipped === 0) return;
    const batch = formatBatch({ events: tail, lost: tail.skipped }, { format: 'summary', maxChars: MAX_BATCH_CHARS });
    this.stats.logEventsShown += batch.shown;
    this.stats.logChars += batch.text.length;
  }
}

/** The event hops as AylaSession and Explorer wire them, with the views' sinks on the explorer's events. */
export interface StorePipeline {
  /** AylaSession.onEvent: fire each decoded event here. */
  readonly sessionEvents: Emitter<DssEvent>;
  /** Explorer.onEvent: fires after the store applied the event. */
  readonly explorerEvents: Emitter<DssEvent>;
  readonly sinks: ViewSinks;
}

/** Wires `store` as the extension does: session event → store.apply → explorer event → the views' sinks. */
export function storePipeline(store: DeviceStore): StorePipeline {
  const sessionEvents = new Emitter<DssEvent>();
  const explorerEvents = new Emitter<DssEvent>();
  sessionEvents.event((event) => {
    store.apply(event);
    explorerEvents.fire(event);
  });
  return { sessionEvents, explorerEvents, sinks: new ViewSinks(store, explorerEvents.event) };
}
