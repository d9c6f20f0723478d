// Event builders: each happening on a device becomes one PreparedEvent, serialized ONCE (everything
// but `seq`) and shared by every subscription and socket it reaches (framing.ts adds the seq).
// Shapes and field order follow ayla-protocol.md §5 and the captured frames.
import type {
  ConnectivityBody,
  DatapointAckBody,
  DatapointEventBody,
  DatapointMetadata,
  DatapointValue,
  EventMetadata,
  EventType,
  LocationBody,
  RegistrationBodyRegistered,
  RegistrationType,
  UnregistrationBody,
} from '../ayla/wireTypes';
import type { SimDevice, SimProperty } from './device';

export interface PreparedEvent {
  readonly type: EventType;
  readonly dsn: string;
  readonly oem: string;
  readonly oemModel: string;
  readonly propertyName: string | undefined;
  /** The event's JSON without `seq` and without its opening `{`. */
  readonly tail: string;
  /** UTF-8 byte length of `tail`. */
  readonly tailBytes: number;
}

/** `user_uuid` on things no user did. */
export const NO_USER = '00000000-0000-0000-0000-000000000000';

function metadata(device: SimDevice, type: EventType, property?: SimProperty): EventMetadata {
  if (!property) {
    return { oem_id: device.oem, oem_model: device.oemModel, dsn: device.dsn, resource_tags: [], event_type: type };
  }
  return {
    oem_id: device.oem,
    oem_model: device.oemModel,
    dsn: device.dsn,
    property_name: property.name,
    display_name: property.definition.displayName,
    base_type: property.definition.baseType,
    resource_tags: [],
    event_type: type,
  };
}

function prepare(device: SimDevice, type: EventType, bodyKey: string, body: unknown, property?: SimProperty): PreparedEvent {
  const json = JSON.stringify({ metadata: metadata(device, type, property), [bodyKey]: body });
  const tail = json.slice(1);
  return {
    type,
    dsn: device.dsn,
    oem: device.oem,
    oemModel: device.oemModel,
    propertyName: property?.name,
    tail,
    tailBytes: Buffer.byteLength(tail, 'utf8'),
  };
}

export function connectivityEvent(device: SimDevice, at: string): PreparedEvent {
  const body: ConnectivityBody = { event_time: at, user_uuid: device.ownerUuid, status: device.online ? 'Online' : 'Offline' };
  return prepare(device, 'connectivity', 'connection', body);
}

export interface DatapointFacts {
  id: string;
  at: string;
  userUuid: string;
  echo: boolean;
  value: DatapointValue;
  metadata: DatapointMetadata;
}

/** Metadata JSON per device, property and event type: the same for every datapoint of that property. */
const metadataCache = new WeakMap<SimDevice, Map<string, string>>();

function metadataJson(device: SimDevice, type: EventType, property: SimProperty): string {
  let perDevice = metadataCache.get(device);
  if (!perDevice) metadataCache.set(device, (perDevice = new Map()));
  const key = `${type}/${property.name}`;
  let json = perDevice.get(key);
  if (json === undefined) perDevice.set(key, (json = JSON.stringify(metadata(device, type, property))));
  return json;
}

/**
 * A datapoint event, built from cached pieces (this is the hot path of high rates and flood). The
 * result is byte for byte what JSON.stringify gives for the DatapointEventBody field order.
 */
export function datapointEvent(device: SimDevice, property: SimProperty, dp: DatapointFacts): PreparedEvent {
  const meta = Object.keys(dp.metadata).length === 0 ? '{}' : JSON.stringify(dp.metadata);
  const tail =
    `"metadata":${metadataJson(device, 'datapoint', property)},"datapoint":{"id":${JSON.stringify(dp.id)},"created_at_from_device":null,` +
    `"updated_at":${JSON.stringify(dp.at)},"created_at":${JSON.stringify(dp.at)},"user_uuid":${JSON.stringify(dp.userUuid)},"echo":${dp.echo},` +
    `"closed":false,"value":${JSON.stringify(dp.value)},"metadata":${meta}}}`;
  return {
    type: 'datapoint',
    dsn: device.dsn,
    oem: device.oem,
    oemModel: device.oemModel,
    propertyName: property.name,
    tail,
    tailBytes: Buffer.byteLength(tail, 'utf8'),
  };
}

/** The same event through JSON.stringify (tests compare the fast builder with it). */
export function datapointEventSlow(device: SimDevice, property: SimProperty, dp: DatapointFacts): PreparedEvent {
  const body: DatapointEventBody = {
    id: dp.id,
    created_at_from_device: null,
    updated_at: dp.at,
    created_at: dp.at,
    user_uuid: dp.userUuid,
    echo: dp.echo,
    closed: false,
    value: dp.value,
    metadata: dp.metadata,
  };
  return prepare(device, 'datapoint', 'datapoint', body, property);
}

export interface AckFacts {
  ackId: string;
  ackedAt: string;
  ackStatus: number;
  ackMessage: number;
}

/** The body key of a datapointack event is `datapoint` too. */
export function datapointAckEvent(device: SimDevice, property: SimProperty, dp: DatapointFacts, ack: AckFacts): PreparedEvent {
  const body: DatapointAckBody = {
    id: dp.id,
    created_at_from_device: null,
    updated_at: dp.at,
    created_at: dp.at,
    user_uuid: dp.userUuid,
    echo: dp.echo,
    closed: false,
    value: dp.value,
    ack_message: ack.ackMessage,
    ack_status: ack.ackStatus,
    ack_id: ack.ackId,
    acked_at: ack.ackedAt,
    metadata: dp.metadata,
  };
  return prepare(device, 'datapointack', 'datapoint', body, property);
}

/** Coordinates travel as strings padded to ten characters, so positive ones get a leading space (" 44.769500"). */
export function coordinate(value: number): string {
  return value.toFixed(6).padStart(10, ' ');
}

export function locationEvent(device: SimDevice, at: string): PreparedEvent {
  const body: LocationBody = {
    dsn: device.dsn,
    ip: device.ip,
    lat: coordinate(device.lat),
    long: coordinate(device.lng),
    provider: 'ip-based',
    user_uuid: NO_USER,
    created_at: at,
  };
  return prepare(device, 'location', 'location_event', body);
}

/**
 * Unregistered: as documented. Registered: unpublished; the simulator's guess is
 * `registered: true`, `user_uuid` set and `registered_at` instead of `unregistered_at`.
 */
export function registrationEvent(device: SimDevice, at: string, registrationType: RegistrationType): PreparedEvent {
  const body: UnregistrationBody | RegistrationBodyRegistered = device.registered
    ? { dsn: device.dsn, user_uuid: device.ownerUuid, registered: true, registration_type: registrationType, registered_at: at }
    : { dsn: device.dsn, user_uuid: null, registered: false, registration_type: registrationType, unregistered_at: at };
  return prepare(device, 'registration', 'registration_event', body);
}

/**
 * A datapoint-shaped payload (no `seq`: it is not part of any sequence) whose `log` message value
 * makes it longer than `bytes`: the oversized-frame fault.
 */
export function oversizedPayload(device: SimDevice, bytes: number, at: string): string {
  const property = device.properties.get('log');
  return JSON.stringify({
    metadata: {
      oem_id: device.oem,
      oem_model: device.oemModel,
      dsn: device.dsn,
      property_name: property?.name ?? 'log',
      display_name: property?.definition.displayName ?? 'Log',
      base_type: 'message',
      resource_tags: [],
      event_type: 'datapoint',
    },
    datapoint: {
      id: '00000000-0000-11e8-0000-000000000000',
      created_at_from_device: null,
      updated_at: at,
      created_at: at,
      user_uuid: NO_USER,
      echo: false,
      closed: false,
      value: 'x'.repeat(bytes),
      metadata: {},
    },
  });
}
