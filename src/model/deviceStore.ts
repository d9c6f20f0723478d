// The live model: devices and properties from the device service, kept current by DSS events, with bounded
// buffers of recent events and of numeric history. No vscode, no I/O, no timers: the session feeds it,
// the views read it, and each view learns what changed from its own ChangeTracker on its own clock.
//
// Cost per event: a few Map lookups, field writes, one copy of the event's text into the event journal (and
// its id into the device's window), one typed-array point for numeric properties, a Set.add per change
// tracker. No sorting (lists are sorted on read, cached until they change) and nothing kept on the JavaScript
// heap per event, except when a device or property is seen for the first time.
import type { DatapointAckDssEvent, DatapointDssEvent, DssEvent } from '../ayla/events';
import type { DatapointValue, Device, Property } from '../ayla/wireTypes';
import { ChangeTracker, splitPropertyKey, type ChangeFeed, type Disposable, type ModelChanges } from './changeSet';
import { DeviceEntry, applyConnectivity, applyListedDevice, applyLocation, applyRegistration, type DeviceState } from './deviceState';
import { WriteEntry, type PendingWrite } from './pendingWrite';
import { PropertyEntry, applyListedProperty, historyValue, sameValue, text, wireValue, type PropertyState } from './propertyState';
import { wholeCount } from './count';
import { DeviceEvents } from './deviceEvents';
import { propertyNameOf, type EventPredicate } from './eventFilter';
import { EventJournal, type JournalTail, type RecordNames } from './eventJournal';
import { TimeSeriesRing, type ReadonlyTimeSeries } from './ringBuffer';

export interface DeviceStoreOptions {
  /** Points kept per numeric (or boolean) property. Default 1000. */
  historySize?: number;
  /** Recent events kept across all devices (event log, "Pick Event…", export). Default 10 000. */
  eventBufferSize?: number;
  /** Recent events kept per device ("Open Recent Events"). Default 100; 0 reads them from the global buffer. */
  eventsPerDevice?: number;
  /** Devices tracked; events about further devices only reach the event buffers. Default 10 000. */
  maxDevices?: number;
  /** Properties tracked per device, likewise. Default 1000. */
  maxPropertiesPerDevice?: number;
  /** To-device writes remembered (settled or not); the oldest is dropped past this, failing it if unsettled. Default 256. */
  maxWrites?: number;
  /** Changed keys a change tracker lists before it collapses to `structure: true`. Default 100 000. */
  maxChangedKeys?: number;
  /** Local clock (ms since the epoch) for writes and listings; events carry their own `receivedAt`. */
  now?: () => number;
}

/** Buffer sizes that can change while running (settings). */
export type BufferSizes = Pick<DeviceStoreOptions, 'historySize' | 'eventBufferSize' | 'eventsPerDevice'>;

export type DssEventType = DssEvent['type'];

export interface EventCounts {
  /** Events applied since the store was created (never reset). */
  readonly total: number;
  readonly byType: Readonly<Record<DssEventType, number>>;
  /** Events whose device or property could not be tracked (`maxDevices` / `maxPropertiesPerDevice` reached). */
  readonly untracked: number;
}

/** Events applied after a reader's cursor (see `eventsAfter`): counted at once, decoded when read, newest first. */
export type EventTail = JournalTail;

/** What a device-service listing did to the store. */
export interface LoadResult {
  readonly added: number;
  readonly updated: number;
  readonly removed: number;
  /** Not tracked: over `maxDevices` / `maxPropertiesPerDevice`, or without a name. */
  readonly skipped: number;
}

/** Sizes of everything the store retains: for tests of its bounds and for a diagnostics command. */
export interface StoreStats {
  readonly devices: number;
  readonly properties: number;
  readonly historySeries: number;
  readonly historyPoints: number;
  /** Typed-array slots allocated across all series (grows on demand up to historySize each). */
  readonly historyAllocated: number;
  readonly events: number;
  readonly deviceEvents: number;
  /** Bytes allocated for the buffered events' text, shared and per device (outside the JavaScript heap). */
  readonly eventBytes: number;
  readonly writes: number;
  readonly openWrites: number;
  readonly changeTrackers: number;
}

const DEFAULTS = {
  historySize: 1000,
  eventBufferSize: 10_000,
  eventsPerDevice: 100,
  maxDevices: 10_000,
  maxPropertiesPerDevice: 1000,
  maxWrites: 256,
  maxChangedKeys: 100_000,
} as const;

type Limits = { -readonly [K in keyof typeof DEFAULTS]: number };

const NO_PROPERTIES: readonly PropertyState[] = Object.freeze([]);

/** Lists sort like people read them: "Sensor 2" before "Sensor 10", case ignored. */
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Devices by the label the tree shows (product name, else DSN), then DSN so the order is total. */
function compareDevices(a: DeviceEntry, b: DeviceEntry): number {
  return collator.compare(a.productName || a.dsn, b.productName || b.dsn) || compareCodeUnits(a.dsn, b.dsn);
}

/** Properties by display name, then name. */
function comparePropertyEntries(a: PropertyEntry, b: PropertyEntry): number {
  return collator.compare(a.displayName, b.displayName) || compareCodeUnits(a.name, b.name);
}

/** Whether an ack is for this write: same value; an ack without a value confirms whatever was applied. */
function ackConfirms(event: DatapointAckDssEvent, write: WriteEntry): boolean {
  return event.value === null ? write.status === 'applied' : sameValue(write.value, event.value);
}

function checkLimit(name: string, value: number): number {
  return wholeCount(`DeviceStore option ${name}`, value);
}

export class DeviceStore {
  private readonly limits: Limits;
  private readonly now: () => number;
  private readonly devicesByDsn = new Map<string, DeviceEntry>();
  private sortedDevices: DeviceEntry[] | undefined = undefined;
  /** The recent events of every device, as text (see eventJournal.ts); per-device windows point into it. */
  private readonly events: EventJournal;
  /** See recordNames. */
  private readonly names: { dsn: string; dsns: readonly string[]; property: string | undefined } = { dsn: '', dsns: [], property: undefined };
  /** Every remembered write by id, in the order begun (a Map iterates in insertion order: oldest first). */
  private readonly writes = new Map<number, WriteEntry>();
  private nextWriteId = 1;
  private readonly eventCounts: { total: number; byType: Record<DssEventType, number>; untracked: number } = {
    total: 0,
    byType: { connectivity: 0, datapoint: 0, datapointack: 0, location: 0, registration: 0, unknown: 0 },
    untracked: 0,
  };
  private readonly trackers: ChangeTracker[] = [];
  /** The tracker behind the store's own `takeChanges` / `onDidChange`. */
  private readonly mainTracker: ChangeTracker;

  constructor(options: DeviceStoreOptions = {}) {
    this.limits = { ...DEFAULTS };
    for (const name of Object.keys(DEFAULTS) as (keyof Limits)[]) {
      const value = options[name];
      if (value !== undefined) this.limits[name] = checkLimit(name, value);
    }
    this.now = options.now ?? Date.now;
    this.events = new EventJournal(this.limits.eventBufferSize);
    this.mainTracker = this.newTracker();
  }

  // ── Feeding: device-service listings ──────────────────────────────────────────────────────────────

  /**
   * Replaces the set of devices with a device-service listing. Devices still listed keep their state
   * (properties, history, events, writes); devices no longer listed are removed, including ones known from
   * events only. Connection and location that events reported after `asOf` (when the listing was
   * requested) are newer than the listing and kept.
   */
  loadDevices(devices: readonly Device[], asOf: number = this.now()): LoadResult {
    const listed = new Map<string, Device>();
    let skipped = 0;
    for (const device of devices) {
      const dsn = text(device?.dsn);
      if (dsn && !listed.has(dsn)) listed.set(dsn, device);
      else skipped++;
    }
    let removed = 0;
    for (const dsn of this.devicesByDsn.keys()) {
      if (listed.has(dsn)) continue;
      this.devicesByDsn.delete(dsn); // deleting the current key while iterating a Map is safe
      this.markDevice(dsn);
      removed++;
    }
    let added = 0;
    let updated = 0;
    let reorder = removed > 0;
    for (const [dsn, device] of listed) {
      let entry = this.devicesByDsn.get(dsn);
      if (entry === undefined) {
        if (this.devicesByDsn.size >= this.limits.maxDevices) {
          skipped++;
          continue;
        }
        entry = new DeviceEntry(dsn);
        this.devicesByDsn.set(dsn, entry);
        added++;
        reorder = true;
      } else {
        updated++;
      }
      if (entry.productName !== text(device.product_name)) reorder = true;
      applyListedDevice(entry, device, asOf);
      this.markDevice(dsn);
    }
    if (reorder) {
      this.sortedDevices = undefined;
      this.markStructure();
    }
    this.notify();
    return { added, updated, removed, skipped };
  }

  /**
   * Replaces the properties of a known device with a device-service listing (same rules as `loadDevices`;
   * values that events reported after `asOf` are kept). Returns undefined, changing nothing, when the
   * device is not in the store (a listing that lost a race with a refresh that removed it).
   */
  loadProperties(dsn: string, properties: readonly Property[], asOf: number = this.now()): LoadResult | undefined {
    const device = this.devicesByDsn.get(dsn);
    if (device === undefined) return undefined;
    const listed = new Map<string, Property>();
    let skipped = 0;
    for (const property of properties) {
      const name = text(property?.name);
      if (name && !listed.has(name)) listed.set(name, property);
      else skipped++;
    }
    let removed = 0;
    for (const [name, entry] of device.properties) {
      if (listed.has(name)) continue;
      device.properties.delete(name);
      this.markProperty(entry.key);
      removed++;
    }
    let added = 0;
    let updated = 0;
    let reorder = removed > 0;
    for (const [name, property] of listed) {
      let entry = device.properties.get(name);
      if (entry === undefined) {
        if (device.properties.size >= this.limits.maxPropertiesPerDevice) {
          skipped++;
          continue;
        }
        entry = new PropertyEntry(dsn, name);
        device.properties.set(name, entry);
        added++;
        reorder = true;
      } else {
        updated++;
      }
      const displayName = text(property.display_name) || name;
      if (entry.displayName !== displayName) reorder = true;
      entry.displayName = displayName;
      applyListedProperty(entry, property, asOf, this.limits.historySize);
      this.markProperty(entry.key);
    }
    this.markDevice(dsn);
    if (reorder) {
      device.sortedProperties = undefined;
      this.markStructure();
    }
    this.notify();
    return { added, updated, removed, skipped };
  }

  // ── Feeding: events ───────────────────────────────────────────────────────────────────────────────

  /**
   * Applies one decoded event. Every event goes into the event buffers and the counts; events of a known
   * type also update (and if need be create) their device and property. Unknown types stay in the buffers.
   */
  apply(event: DssEvent): void {
    const counts = this.eventCounts;
    counts.total++;
    counts.byType[event.type]++;
    const device = this.deviceFor(event);
    const property = device !== undefined && (event.type === 'datapoint' || event.type === 'datapointack') ? this.propertyFor(device, event) : undefined;
    if (device !== undefined && device.events === undefined && this.limits.eventsPerDevice > 0) device.events = new DeviceEvents(this.limits.eventsPerDevice);
    // The device's window is the record's keeper: when the shared buffer lets go of it, the device may keep it.
    const names = device !== undefined ? this.recordNames(event, device, property) : undefined;
    const id = this.events.push(event, device?.events, names);
    if (device !== undefined) {
      device.events?.add(id, event, this.events, names);
      device.eventCount++;
      if (event.type !== 'unknown') device.lastEvent = event;
      switch (event.type) {
        case 'connectivity':
          applyConnectivity(device, event);
          this.markDevice(device.dsn);
          break;
        case 'datapoint':
          if (property !== undefined) this.applyDatapoint(property, event);
          break;
        case 'datapointack':
          if (property !== undefined) this.applyAck(property, event);
          break;
        case 'location':
          applyLocation(device, event);
          this.markDevice(device.dsn);
          break;
        case 'registration':
          applyRegistration(device, event);
          this.markDevice(device.dsn);
          break;
        case 'unknown':
          break;
      }
    }
    const trackers = this.trackers;
    for (let i = 0; i < trackers.length; i++) trackers[i]!.markEvent();
    this.notify();
  }

  // ── Feeding: to-device writes ─────────────────────────────────────────────────────────────────────

  /**
   * Records a to-device write the caller is about to send (booleans as 0/1) and returns its id. The
   * property shows it as its `write` until it settles: on the datapoint with this value, or for
   * ack-enabled properties on the ack; or on `failWrite`.
   */
  beginWrite(dsn: string, property: string, value: DatapointValue | boolean): number {
    const now = this.now();
    const write = new WriteEntry(this.nextWriteId++, dsn, property, wireValue(value), now);
    this.writes.set(write.id, write);
    if (this.writes.size > this.limits.maxWrites) {
      const oldest = this.writes.values().next().value as WriteEntry;
      this.writes.delete(oldest.id);
      if (!oldest.settled) this.settleOutOfBand(oldest, now, 'No confirmation from the device before newer writes replaced it.');
    }
    const entry = this.devicesByDsn.get(dsn)?.properties.get(property);
    if (entry !== undefined && !write.settled) {
      entry.write = write;
      (entry.openWrites ??= []).push(write);
      this.markProperty(entry.key);
    }
    this.notify();
    return write.id;
  }

  /** Marks an unsettled write as failed (REST error, timeout on the caller's clock). False if unknown or already settled. */
  failWrite(id: number, message: string): boolean {
    const write = this.writes.get(id);
    if (write === undefined || write.settled) return false;
    this.settleOutOfBand(write, this.now(), message);
    this.notify();
    return true;
  }

  /** Points each property's numeric history keeps (the `aylaDss.history.size` setting). */
  get historySize(): number {
    return this.limits.historySize;
  }

  // ── Reading ───────────────────────────────────────────────────────────────────────────────────────

  /** All devices, by product name (else DSN), then DSN. The same array until the set or the order changes. */
  devices(): readonly DeviceState[] {
    return (this.sortedDevices ??= [...this.devicesByDsn.values()].sort(compareDevices));
  }

  device(dsn: string): DeviceState | undefined {
    return this.devicesByDsn.get(dsn);
  }

  /** A device's properties, by display name, then name. The same array until the set or the order changes. */
  properties(dsn: string): readonly PropertyState[] {
    const device = this.devicesByDsn.get(dsn);
    if (device === undefined) return NO_PROPERTIES;
    return (device.sortedProperties ??= [...device.properties.values()].sort(comparePropertyEntries));
  }

  property(dsn: string, name: string): PropertyState | undefined {
    return this.devicesByDsn.get(dsn)?.properties.get(name);
  }

  /** The property behind a key of `ModelChanges.properties`. */
  propertyByKey(key: string): PropertyState | undefined {
    const parts = splitPropertyKey(key);
    return parts && this.property(parts.dsn, parts.name);
  }

  /**
   * The numeric history of a property: times are the local `receivedAt` of each datapoint (ms precision and
   * in arrival order; the server's `updated_at` has whole seconds only). Undefined until a numeric value arrived.
   */
  history(dsn: string, name: string): ReadonlyTimeSeries | undefined {
    return this.devicesByDsn.get(dsn)?.properties.get(name)?.history;
  }

  /**
   * Up to `limit` of the newest buffered events passing `filter`, oldest → newest. Events are kept as text and
   * decoded again on each read: equal to the events applied, not the same objects.
   */
  recentEvents(limit?: number, filter?: EventPredicate): DssEvent[] {
    return this.events.newest(limit ?? this.events.size, filter);
  }

  /** Events in the shared buffer now (counted, not decoded). */
  get bufferedEvents(): number {
    return this.events.size;
  }

  /** Up to `limit` of a device's newest events, oldest → newest (decoded again, like `recentEvents`). */
  recentEventsOfDevice(dsn: string, limit?: number): DssEvent[] {
    const window = this.devicesByDsn.get(dsn)?.events;
    if (window !== undefined) return window.newest(limit ?? window.size, this.events);
    // No per-device window (eventsPerDevice 0, or an untracked device): what the shared buffer still holds.
    return this.events.newest(limit ?? (this.limits.eventsPerDevice || this.events.size), (event) => event.dsn === dsn);
  }

  /**
   * The events applied after `cursor` (a previous `cursor`, or 0): how the event log appends only what is new
   * on its own clock, and learns how many it missed if it fell behind the buffer. Events passing `filter` are
   * counted; only those the reader reads are decoded, so showing the newest few of thousands stays cheap.
   */
  eventsAfter(cursor: number, filter?: EventPredicate): EventTail {
    return this.events.after(cursor, filter);
  }

  /** The last event about a device (any known type), or about one of its properties (datapoint or ack). */
  lastEvent(dsn: string, property?: string): DssEvent | undefined {
    const device = this.devicesByDsn.get(dsn);
    return property === undefined ? device?.lastEvent : device?.properties.get(property)?.lastEvent;
  }

  /** Live counters (the same object each time; read, don't keep a copy). */
  get counts(): EventCounts {
    return this.eventCounts;
  }

  write(id: number): PendingWrite | undefined {
    return this.writes.get(id);
  }

  /** Writes still waiting for their datapoint or ack, oldest first (for a caller that times them out). */
  pendingWrites(): PendingWrite[] {
    return [...this.writes.values()].filter((write) => !write.settled);
  }

  stats(): StoreStats {
    let properties = 0;
    let historySeries = 0;
    let historyPoints = 0;
    let historyAllocated = 0;
    let deviceEvents = 0;
    let eventBytes = this.events.allocatedBytes;
    let openWrites = 0;
    for (const device of this.devicesByDsn.values()) {
      properties += device.properties.size;
      deviceEvents += device.events?.size ?? 0;
      eventBytes += device.events?.allocatedBytes ?? 0;
      for (const property of device.properties.values()) {
        if (property.history !== undefined) {
          historySeries++;
          historyPoints += property.history.size;
          historyAllocated += property.history.allocated;
        }
        openWrites += property.openWrites?.length ?? 0;
      }
    }
    return {
      devices: this.devicesByDsn.size,
      properties,
      historySeries,
      historyPoints,
      historyAllocated,
      events: this.events.size,
      deviceEvents,
      eventBytes,
      writes: this.writes.size,
      openWrites,
      changeTrackers: this.trackers.length,
    };
  }

  // ── Change reporting ──────────────────────────────────────────────────────────────────────────────

  /** What changed since the previous call (of the store's own tracker); starts a new batch. */
  takeChanges(): ModelChanges {
    return this.mainTracker.takeChanges();
  }

  get hasChanges(): boolean {
    return this.mainTracker.hasChanges;
  }

  /** Fires once per batch of the store's own tracker: when changes become pending after a `takeChanges`. */
  onDidChange(listener: () => void): Disposable {
    return this.mainTracker.onDidChange(listener);
  }

  /**
   * An independent tracker for one more consumer: sinks on different clocks (tree, event log, chart) each
   * drain their own, so none steals another's changes. Dispose it when the consumer goes away.
   */
  createChangeTracker(): ChangeFeed {
    return this.newTracker();
  }

  private newTracker(): ChangeTracker {
    const tracker = new ChangeTracker(this.limits.maxChangedKeys, (gone) => {
      const at = this.trackers.indexOf(gone);
      if (at >= 0) this.trackers.splice(at, 1);
    });
    this.trackers.push(tracker);
    return tracker;
  }

  // ── Lifecycle ─────────────────────────────────────────────────────────────────────────────────────

  /** Changes buffer sizes (settings changed), keeping the newest entries that fit. */
  resize(sizes: BufferSizes): void {
    if (sizes.historySize !== undefined) {
      const size = checkLimit('historySize', sizes.historySize);
      this.limits.historySize = size;
      for (const device of this.devicesByDsn.values()) for (const property of device.properties.values()) property.history?.resize(size);
    }
    if (sizes.eventBufferSize !== undefined) {
      this.limits.eventBufferSize = checkLimit('eventBufferSize', sizes.eventBufferSize);
      this.events.resize(this.limits.eventBufferSize);
    }
    if (sizes.eventsPerDevice !== undefined) {
      const size = checkLimit('eventsPerDevice', sizes.eventsPerDevice);
      this.limits.eventsPerDevice = size;
      for (const device of this.devicesByDsn.values()) {
        if (size === 0) device.events = undefined;
        else device.events?.resize(size);
      }
    }
  }

  /** Forgets every device, event and write (sign-out). Counts and cursors keep counting. */
  clear(): void {
    for (const dsn of this.devicesByDsn.keys()) this.markDevice(dsn);
    this.devicesByDsn.clear();
    this.sortedDevices = undefined;
    this.events.clear();
    this.writes.clear();
    this.markStructure();
    this.notify();
  }

  // ── Internals ─────────────────────────────────────────────────────────────────────────────────────

  /** The event's device, created if new and of a known type; undefined when it has no DSN or is over the limit. */
  private deviceFor(event: DssEvent): DeviceEntry | undefined {
    const dsn = event.dsn;
    if (typeof dsn !== 'string' || dsn === '') return undefined;
    let device = this.devicesByDsn.get(dsn);
    if (device === undefined) {
      if (event.type === 'unknown') return undefined;
      if (this.devicesByDsn.size >= this.limits.maxDevices) {
        this.eventCounts.untracked++;
        return undefined;
      }
      device = new DeviceEntry(dsn);
      this.devicesByDsn.set(dsn, device);
      this.sortedDevices = undefined;
      this.markStructure();
      this.markDevice(dsn);
    }
    if (device.oemModel === undefined && event.oemModel !== undefined) device.oemModel = event.oemModel;
    if (device.oemId === undefined && event.oemId !== undefined) device.oemId = event.oemId;
    return device;
  }

  /** The event's property, created if new; undefined when the event names none or the device is full. */
  private propertyFor(device: DeviceEntry, event: DatapointDssEvent | DatapointAckDssEvent): PropertyEntry | undefined {
    const name = event.property;
    if (typeof name !== 'string' || name === '') return undefined;
    let property = device.properties.get(name);
    if (property === undefined) {
      if (device.properties.size >= this.limits.maxPropertiesPerDevice) {
        this.eventCounts.untracked++;
        return undefined;
      }
      property = new PropertyEntry(device.dsn, name);
      if (event.displayName) property.displayName = event.displayName;
      property.baseType = event.baseType;
      device.properties.set(name, property);
      device.sortedProperties = undefined;
      this.markStructure();
      this.markDevice(device.dsn);
    }
    return property;
  }

  /**
   * The store's own strings for what `event` names (equal to the event's): the event journal files the event
   * under these, so it keeps no strings of each event's own. One scratch object, read by the journal at once.
   */
  private recordNames(event: DssEvent, device: DeviceEntry, property: PropertyEntry | undefined): RecordNames {
    const names = this.names;
    names.dsn = device.dsn;
    // A comma list of DSNs is the event's own (rare); one DSN is the device's.
    names.dsns = event.dsns.length === 1 ? device.dsns : event.dsns;
    names.property = property !== undefined ? property.name : propertyNameOf(event);
    return names;
  }

  private applyDatapoint(property: PropertyEntry, event: DatapointDssEvent): void {
    property.value = event.value;
    property.updatedAt = event.updatedAt;
    property.valueReceivedAt = event.receivedAt;
    property.valueSource = 'event';
    property.lastEvent = event;
    property.eventCount++;
    if (property.baseType === undefined && event.baseType !== undefined) property.baseType = event.baseType;
    const point = historyValue(property.baseType, event.value);
    if (point !== undefined) (property.history ??= new TimeSeriesRing(this.limits.historySize)).push(event.receivedAt, point);
    const open = property.openWrites;
    if (open !== undefined) {
      // Every write still waiting for this value got it (a value set twice is applied once).
      for (const write of open) if (sameValue(write.value, event.value)) write.apply(event.receivedAt, property.ackEnabled);
      this.dropSettled(property);
    }
    this.markProperty(property.key);
  }

  private applyAck(property: PropertyEntry, event: DatapointAckDssEvent): void {
    property.ackStatus = event.ackStatus;
    property.ackMessage = event.ackMessage;
    property.ackedAt = event.ackedAt;
    property.ackReceivedAt = event.receivedAt;
    property.lastEvent = event;
    property.eventCount++;
    // A property that sends acks is ack-enabled, whatever we knew (nothing, if known from events only).
    if (property.knownFromEventsOnly) property.ackEnabled = true;
    const open = property.openWrites;
    let settled = false;
    if (open !== undefined) {
      for (const write of open) {
        if (ackConfirms(event, write)) {
          write.ack(event.receivedAt, event.ackStatus, event.ackMessage);
          settled = true;
        }
      }
      this.dropSettled(property);
    }
    // The listing said "no acks" but the device acked anyway: show the ack on the write it confirms.
    const latest = property.write;
    if (!settled && latest !== undefined && latest.settled && latest.status === 'applied' && ackConfirms(event, latest)) {
      latest.ack(event.receivedAt, event.ackStatus, event.ackMessage);
    }
    this.markProperty(property.key);
  }

  /** Fails a write (caller's failure or eviction) and takes it off its property's open list. */
  private settleOutOfBand(write: WriteEntry, at: number, message: string): void {
    write.fail(at, message);
    const property = this.devicesByDsn.get(write.dsn)?.properties.get(write.property);
    if (property?.openWrites !== undefined) {
      this.dropSettled(property);
      this.markProperty(property.key);
    }
  }

  private dropSettled(property: PropertyEntry): void {
    const open = property.openWrites;
    if (open === undefined || !open.some((write) => write.settled)) return;
    const still = open.filter((write) => !write.settled);
    property.openWrites = still.length > 0 ? still : undefined;
  }

  private markDevice(dsn: string): void {
    const trackers = this.trackers;
    for (let i = 0; i < trackers.length; i++) trackers[i]!.markDevice(dsn);
  }

  private markProperty(key: string): void {
    const trackers = this.trackers;
    for (let i = 0; i < trackers.length; i++) trackers[i]!.markProperty(key);
  }

  private markStructure(): void {
    const trackers = this.trackers;
    for (let i = 0; i < trackers.length; i++) trackers[i]!.markStructure();
  }

  /** Announces new batches once the change is complete; a throwing listener cannot stop the others. */
  private notify(): void {
    let failure: unknown;
    let failed = false;
    // Indexed, no copy: this runs per event. A tracker disposed by a listener meanwhile may miss this
    // announcement; it is still pending and is announced on the next change.
    const trackers = this.trackers;
    for (let i = 0; i < trackers.length; i++) {
      try {
        trackers[i]!.notify();
      } catch (error) {
        if (!failed) {
          failed = true;
          failure = error;
        }
      }
    }
    if (failed) throw failure;
  }
}
