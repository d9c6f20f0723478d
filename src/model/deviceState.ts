// A device as the model knows it: what the device service listed, updated live by connectivity, location
// and registration events. Fields are flat (no nested objects) so applying an event allocates nothing.
import type { ConnectivityDssEvent, DssEvent, LocationDssEvent, RegistrationDssEvent } from '../ayla/events';
import type { Device } from '../ayla/wireTypes';
import { text, type PropertyEntry, type ValueSource } from './propertyState';
import type { DeviceEvents } from './deviceEvents';

export interface DeviceState {
  readonly dsn: string;
  /** The device as the device service returned it ("Copy Device JSON"); undefined if known from events only. */
  readonly device: Readonly<Device> | undefined;
  /** Seen in events (e.g. a registration) but not (yet) in a device-service listing. */
  readonly knownFromEventsOnly: boolean;
  readonly productName: string | undefined;
  readonly oemModel: string | undefined;
  readonly oemId: string | undefined;
  /** `Online`, `Offline`, or whatever else the server said (shown as-is); undefined when never told. */
  readonly connectionStatus: string | undefined;
  /** Server time of the last connectivity change (`event_time`; from a listing, `connected_at`). */
  readonly connectionChangedAt: string | undefined;
  /** Local time (ms) the status arrived, or when the listing was requested. */
  readonly connectionReceivedAt: number | undefined;
  readonly connectionSource: ValueSource | undefined;
  /** Degrees; undefined when unknown or unreadable. */
  readonly lat: number | undefined;
  readonly lng: number | undefined;
  /** e.g. `ip-based` (location events only). */
  readonly locationProvider: string | undefined;
  readonly locationReceivedAt: number | undefined;
  readonly locationSource: ValueSource | undefined;
  /** undefined until a registration event says. */
  readonly registered: boolean | undefined;
  /** `AP-Mode`, `Button-Push`, `Display`, `Dsn`, `Same-LAN`, `None`, or what the server sent. */
  readonly registrationType: string | undefined;
  /** Server time of the (un)registration (`registered_at` / `unregistered_at`), as sent. */
  readonly registrationChangedAt: string | undefined;
  readonly registrationReceivedAt: number | undefined;
  /** The last event of a known type about this device (any of the five, datapoints included). */
  readonly lastEvent: DssEvent | undefined;
  /** Events applied to this device, of every type. */
  readonly eventCount: number;
}

/** The store's mutable record behind a `DeviceState`. */
export class DeviceEntry implements DeviceState {
  device: Readonly<Device> | undefined = undefined;
  knownFromEventsOnly = true;
  productName: string | undefined = undefined;
  oemModel: string | undefined = undefined;
  oemId: string | undefined = undefined;
  connectionStatus: string | undefined = undefined;
  connectionChangedAt: string | undefined = undefined;
  connectionReceivedAt: number | undefined = undefined;
  connectionSource: ValueSource | undefined = undefined;
  lat: number | undefined = undefined;
  lng: number | undefined = undefined;
  locationProvider: string | undefined = undefined;
  locationReceivedAt: number | undefined = undefined;
  locationSource: ValueSource | undefined = undefined;
  registered: boolean | undefined = undefined;
  registrationType: string | undefined = undefined;
  registrationChangedAt: string | undefined = undefined;
  registrationReceivedAt: number | undefined = undefined;
  lastEvent: DssEvent | undefined = undefined;
  eventCount = 0;
  readonly properties = new Map<string, PropertyEntry>();
  /** Properties in display order; rebuilt on read after a property is added, removed or renamed. */
  sortedProperties: PropertyEntry[] | undefined = undefined;
  /** This device's recent events ("Open Recent Events"); created on its first event. */
  events: DeviceEvents | undefined = undefined;

  /** `[dsn]`, made once: what this device's single-DSN events are filed under in the event journal. */
  readonly dsns: readonly string[];

  constructor(readonly dsn: string) {
    this.dsns = Object.freeze([dsn]);
  }
}

/** A coordinate from the wire: a number, or a string that may carry spaces (`" 44.769500"`); undefined when unreadable. */
export function parseCoordinate(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const n = Number(value.trim());
  return Number.isFinite(n) ? n : undefined;
}

// ── Updates: field writes only; the store finds the entry, marks the change and announces it. ─────────

/**
 * Takes a device-service listing. Connection and location that events reported after `asOf` (when the
 * listing was requested) are newer than the listing and kept.
 */
export function applyListedDevice(entry: DeviceEntry, device: Device, asOf: number): void {
  entry.device = device;
  entry.knownFromEventsOnly = false;
  entry.productName = text(device.product_name);
  entry.oemModel = text(device.oem_model) ?? entry.oemModel;
  entry.oemId = text(device.oem) ?? entry.oemId;
  if (!(entry.connectionReceivedAt !== undefined && entry.connectionReceivedAt > asOf)) {
    entry.connectionStatus = text(device.connection_status);
    entry.connectionChangedAt = text(device.connected_at);
    entry.connectionReceivedAt = asOf;
    entry.connectionSource = 'rest';
  }
  const lat = parseCoordinate(device.lat);
  const lng = parseCoordinate(device.lng);
  if ((lat !== undefined || lng !== undefined) && !(entry.locationReceivedAt !== undefined && entry.locationReceivedAt > asOf)) {
    entry.lat = lat;
    entry.lng = lng;
    entry.locationReceivedAt = asOf;
    entry.locationSource = 'rest';
  }
}

export function applyConnectivity(entry: DeviceEntry, event: ConnectivityDssEvent): void {
  entry.connectionStatus = event.status;
  entry.connectionChangedAt = event.eventTime;
  entry.connectionReceivedAt = event.receivedAt;
  entry.connectionSource = 'event';
}

export function applyLocation(entry: DeviceEntry, event: LocationDssEvent): void {
  // An unreadable coordinate does not erase a known one.
  if (event.lat !== undefined) entry.lat = event.lat;
  if (event.lng !== undefined) entry.lng = event.lng;
  entry.locationProvider = event.provider;
  entry.locationReceivedAt = event.receivedAt;
  entry.locationSource = 'event';
}

export function applyRegistration(entry: DeviceEntry, event: RegistrationDssEvent): void {
  if (event.registered !== undefined) entry.registered = event.registered;
  entry.registrationType = event.registrationType;
  const body = event.body;
  entry.registrationChangedAt = event.registered
    ? text(body['registered_at']) ?? text(body['unregistered_at'])
    : text(body['unregistered_at']) ?? text(body['registered_at']);
  entry.registrationReceivedAt = event.receivedAt;
}
