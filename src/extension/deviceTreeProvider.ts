// The Devices view: every device of the signed-in account, and under each its properties, live.
//
// What the view shows is a snapshot held in the nodes (`node.view`), updated only when the refresh
// scheduler flushes: at most 4 times a second, only for the nodes that changed (the store's change
// tracker says which), never while the view is hidden or the explorer is paused. It catches up as soon as
// the view is shown or resumed. Once a second (while visible) the ages of shown values ("3s ago") are
// re-rendered, and only the nodes whose text actually changed are refreshed. Node objects are stable per
// DSN and property, so `onDidChangeTreeData.fire(node)` refreshes exactly that row.
//
// While signed out the view has no rows, so VS Code shows its welcome content (package.json `viewsWelcome`).
import * as vscode from 'vscode';
import type { ChangeFeed, ModelChanges } from '../model/changeSet';
import { Coalescer, type Timers } from './coalescer';
import { deviceItem, propertyDescription, propertyItem, type TreeItemView } from './deviceTreeItems';
import type { Explorer } from './explorer';
import { markdownTooltip, rowOf, toTreeItem, type TreeItemRow } from './treeItem';

export interface DeviceNode {
  readonly kind: 'device';
  readonly dsn: string;
  /** What the view shows now; undefined until first rendered or after a full refresh. */
  view: TreeItemView | undefined;
  /** Its property nodes as last listed; undefined until asked or after a full refresh. */
  children: PropertyNode[] | undefined;
  /** Expanded in the view (its properties' ages are kept current). */
  expanded: boolean;
}

export interface PropertyNode {
  readonly kind: 'property';
  readonly dsn: string;
  readonly name: string;
  /** `propertyKey(dsn, name)`. */
  readonly key: string;
  readonly parent: DeviceNode;
  view: TreeItemView | undefined;
}

export type DeviceTreeNode = DeviceNode | PropertyNode;

/** Counters for tests and diagnostics. */
export interface DeviceTreeStats {
  /** Times the scheduler flushed (changes drained, ages checked). */
  flushes: number;
  /** `onDidChangeTreeData` fires. */
  refreshes: number;
  /** Nodes named in those fires (a full refresh counts as 0 nodes). */
  nodesRefreshed: number;
  /** Fires of `undefined` (the whole tree: devices or properties added, removed or reordered). */
  fullRefreshes: number;
  /** Model changes drained, in events applied. */
  eventsSeen: number;
}

/** One row of `snapshot()`: what the view shows, read through getChildren/getTreeItem. */
export interface DeviceTreeRow extends TreeItemRow {
  children?: DeviceTreeRow[];
}

export interface DeviceTreeOptions {
  /** Refreshes per second at most (default 4). */
  maxPerSecond?: number;
  /** How often the ages of shown values are brought up to date (default 1000 ms). */
  ageRefreshMs?: number;
  timers?: Timers;
}

export class DeviceTreeProvider implements vscode.TreeDataProvider<DeviceTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DeviceTreeNode | DeviceTreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  private readonly feed: ChangeFeed;
  private readonly scheduler: Coalescer;
  private readonly ageRefreshMs: number;
  private readonly now: () => number;
  private readonly deviceNodes = new Map<string, DeviceNode>();
  private readonly propertyNodes = new Map<string, PropertyNode>();
  private roots: DeviceNode[] | undefined;
  private lastAgeCheck = -Infinity;
  private readonly subscriptions: { dispose(): void }[] = [];
  private readonly counters: DeviceTreeStats = { flushes: 0, refreshes: 0, nodesRefreshed: 0, fullRefreshes: 0, eventsSeen: 0 };

  constructor(
    private readonly explorer: Explorer,
    options: DeviceTreeOptions = {},
  ) {
    this.ageRefreshMs = options.ageRefreshMs ?? 1000;
    this.now = options.timers ? () => options.timers!.now() : Date.now;
    this.feed = explorer.store.createChangeTracker();
    // Hidden until a TreeView says otherwise (attach): nothing is rendered for a view nobody sees.
    this.scheduler = new Coalescer(() => this.flush(), {
      maxPerSecond: options.maxPerSecond ?? 4,
      periodicMs: this.ageRefreshMs,
      visible: false,
      paused: explorer.isPaused,
      ...(options.timers && { timers: options.timers }),
    });
    this.subscriptions.push(
      this.feed.onDidChange(() => this.scheduler.request()),
      explorer.onDidChangeState(() => this.scheduler.setPaused(explorer.isPaused)),
      explorer.onDidResume(() => this.scheduler.setPaused(false)),
    );
    if (this.feed.hasChanges) this.scheduler.request();
  }

  /** Follows the view's visibility and expansion. */
  attach(view: vscode.TreeView<DeviceTreeNode>): void {
    this.subscriptions.push(
      view.onDidChangeVisibility((e) => this.scheduler.setVisible(e.visible)),
      view.onDidExpandElement((e) => this.setExpanded(e.element, true)),
      view.onDidCollapseElement((e) => this.setExpanded(e.element, false)),
    );
    this.scheduler.setVisible(view.visible);
  }

  get stats(): DeviceTreeStats {
    return { ...this.counters, flushes: this.scheduler.flushes };
  }

  // ── TreeDataProvider ──────────────────────────────────────────────────────────────────────────────

  getTreeItem(node: DeviceTreeNode): vscode.TreeItem {
    return toTreeItem(this.viewOf(node), { withTooltip: false });
  }

  /** The tooltip, built when the row is hovered (not on every refresh). */
  resolveTreeItem(item: vscode.TreeItem, node: DeviceTreeNode): vscode.TreeItem {
    item.tooltip = markdownTooltip(this.viewOf(node).tooltip);
    return item;
  }

  getChildren(node?: DeviceTreeNode): DeviceTreeNode[] {
    if (node?.kind === 'device') node.expanded = true; // also when VS Code restores an expanded row
    return this.childrenOf(node);
  }

  /** The node of a device in the store (for TreeView.reveal), or undefined. */
  deviceNodeFor(dsn: string): DeviceNode | undefined {
    return this.explorer.store.device(dsn) === undefined ? undefined : this.deviceNode(dsn);
  }

  getParent(node: DeviceTreeNode): DeviceTreeNode | undefined {
    return node.kind === 'property' ? node.parent : undefined;
  }

  /** What the view shows, read through the provider's own getChildren/getTreeItem (devices' properties included). */
  snapshot(): DeviceTreeRow[] {
    const row = (node: DeviceTreeNode): DeviceTreeRow => {
      return {
        ...rowOf(this.resolveTreeItem(this.getTreeItem(node), node)),
        ...(node.kind === 'device' && { children: this.childrenOf(node).map(row) }),
      };
    };
    return this.childrenOf(undefined).map(row);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.subscriptions.length = 0;
    this.scheduler.dispose();
    this.feed.dispose();
    this.changed.dispose();
  }

  // ── Nodes ─────────────────────────────────────────────────────────────────────────────────────────

  private childrenOf(node: DeviceTreeNode | undefined): DeviceTreeNode[] {
    const store = this.explorer.store;
    if (node === undefined) {
      this.roots ??= store.devices().map((device) => this.deviceNode(device.dsn));
      return this.roots;
    }
    if (node.kind === 'property') return [];
    node.children ??= store.properties(node.dsn).map((property) => this.propertyNode(node, property.name, property.key));
    return node.children;
  }

  private deviceNode(dsn: string): DeviceNode {
    let node = this.deviceNodes.get(dsn);
    if (node === undefined) {
      node = { kind: 'device', dsn, view: undefined, children: undefined, expanded: false };
      this.deviceNodes.set(dsn, node);
    }
    return node;
  }

  private propertyNode(parent: DeviceNode, name: string, key: string): PropertyNode {
    let node = this.propertyNodes.get(key);
    if (node === undefined || node.parent !== parent) {
      node = { kind: 'property', dsn: parent.dsn, name, key, parent, view: undefined };
      this.propertyNodes.set(key, node);
    }
    return node;
  }

  private setExpanded(node: DeviceTreeNode, expanded: boolean): void {
    if (node.kind !== 'device') return;
    node.expanded = expanded;
    // Ages of properties that were hidden under a collapsed row may be stale: check them on the next tick.
    if (expanded) this.lastAgeCheck = -Infinity;
  }

  /** The node's snapshot, rendered from the store the first time it is asked for. */
  private viewOf(node: DeviceTreeNode): TreeItemView {
    node.view ??= this.render(node, this.now());
    return node.view;
  }

  private render(node: DeviceTreeNode, now: number): TreeItemView {
    const store = this.explorer.store;
    if (node.kind === 'device') {
      const device = store.device(node.dsn);
      return device ? deviceItem(device, now) : gone(`device:${node.dsn}`, node.dsn, 'collapsed');
    }
    const property = store.property(node.dsn, node.name);
    return property ? propertyItem(property, now) : gone(`property:${node.dsn}/${node.name}`, node.name, 'none');
  }

  // ── Refresh ───────────────────────────────────────────────────────────────────────────────────────

  private flush(): void {
    const changes = this.feed.takeChanges();
    this.counters.eventsSeen += changes.events;
    const now = this.now();
    if (changes.structure) {
      this.refreshAll();
      this.lastAgeCheck = now;
      return;
    }
    const nodes = new Set<DeviceTreeNode>();
    this.collectChanged(changes, now, nodes);
    // Ages move on their own clock: once per ageRefreshMs (a little early is fine, late is not).
    if (now - this.lastAgeCheck >= this.ageRefreshMs * 0.9) {
      this.lastAgeCheck = now;
      this.collectAged(now, nodes);
    }
    if (nodes.size === 0) return;
    this.counters.refreshes++;
    this.counters.nodesRefreshed += nodes.size;
    this.changed.fire([...nodes]);
  }

  /** Re-renders the shown nodes the model marked as changed. */
  private collectChanged(changes: ModelChanges, now: number, into: Set<DeviceTreeNode>): void {
    for (const dsn of changes.devices) {
      const node = this.deviceNodes.get(dsn);
      if (node?.view === undefined) continue; // never shown: rendered when first asked for
      node.view = this.render(node, now);
      into.add(node);
    }
    for (const key of changes.properties) {
      const node = this.propertyNodes.get(key);
      if (node?.view === undefined) continue;
      node.view = this.render(node, now);
      into.add(node);
    }
  }

  /** Re-renders shown properties of expanded devices whose description (its age) reads differently now. */
  private collectAged(now: number, into: Set<DeviceTreeNode>): void {
    const store = this.explorer.store;
    for (const device of this.roots ?? []) {
      if (!device.expanded || device.children === undefined) continue;
      for (const node of device.children) {
        if (node.view === undefined || into.has(node)) continue;
        const property = store.property(node.dsn, node.name);
        if (property === undefined || propertyDescription(property, now) === node.view.description) continue;
        node.view = propertyItem(property, now);
        into.add(node);
      }
    }
  }

  /** Devices or properties were added, removed or reordered: forget every snapshot and list anew. */
  private refreshAll(): void {
    const store = this.explorer.store;
    this.roots = undefined;
    for (const [dsn, node] of this.deviceNodes) {
      if (store.device(dsn) === undefined) {
        this.deviceNodes.delete(dsn);
        continue;
      }
      node.view = undefined;
      node.children = undefined;
    }
    for (const [key, node] of this.propertyNodes) {
      if (!this.deviceNodes.has(node.dsn) || store.property(node.dsn, node.name) === undefined) this.propertyNodes.delete(key);
      else node.view = undefined;
    }
    this.counters.refreshes++;
    this.counters.fullRefreshes++;
    this.changed.fire(undefined);
  }
}

/** A row whose device or property left the store between a refresh and VS Code asking for it. */
function gone(id: string, label: string, collapsible: TreeItemView['collapsible']): TreeItemView {
  return { id, label, description: 'removed', tooltip: '', icon: 'circle-slash', iconColor: 'disabledForeground', contextValue: 'removed', collapsible };
}
