// Builds decoded DSS events (`DssEvent`) and device-service objects for model tests, without a decoder or a
// socket. Each event's `raw` is the wire JSON of ayla-protocol.md §5 for the same data, so tests that copy
// or filter on `raw` see what a server would have sent.
import type {
  ConnectivityDssEvent,
  DatapointAckDssEvent,
  DatapointDssEvent,
  JsonObject,
  LocationDssEvent,
  RegistrationDssEvent,
  UnknownDssEvent,
} from '../../../src/ayla/events';
import type { Device, Property } from '../../../src/ayla/wireTypes';

export interface EventOptions {
  dsn?: string;
  /** Default: the next number of a counter shared by all factories. */
  seq?: number;
  /** Default: a clock that advances 1 ms per event from 2024-01-01. */
  receivedAt?: number;
  oemModel?: string;
  oemId?: string;
}

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
let nextSeq = 1;
let clock = Date.UTC(2024, 0, 1);

/** Restarts the default `seq` counter and clock (call in `beforeEach` for reproducible events). */
export function resetEventFactory(): void {
  nextSeq = 1;
  clock = Date.UTC(2024, 0, 1);
}

// `raw` is built by concatenation, quoting only the variable parts: the bounds test makes a million events,
// and JSON.stringify of the nested envelope would cost more than the model under test.
const q = JSON.stringify;

interface Common {
  seq: number;
  dsn: string;
  dsns: readonly string[];
  oemId: string;
  oemModel: string;
  metadata: JsonObject;
  receivedAt: number;
  /** `{"seq":"…","metadata":{…}` without the closing brace: the body follows. */
  rawHead: string;
}

/** What events of the same type, device and property share. */
interface SharedParts {
  oemModel: string;
  oemId: string;
  displayName: string | undefined;
  baseType: string | undefined;
  dsns: readonly string[];
  metadata: JsonObject;
  /** The raw envelope after the seq number: `","metadata":{…}`. */
  afterSeq: string;
}

// The parts that do not change from one event to the next are built once and shared (events are read-only):
// a million events then cost the event objects and their raw text, not copies of the same metadata. Looked
// up by DSN → event type → property name (strings a caller usually passes again, whose hash V8 keeps), then
// checked against the rest. Bounded: forgotten all at once past MAX_SHARED_PARTS.
const sharedParts = new Map<string, Map<string, Map<string, SharedParts>>>();
let sharedCount = 0;
const MAX_SHARED_PARTS = 10_000;

function partsOf(eventType: string, dsn: string, oemModel: string, oemId: string, property?: { name: string; displayName: string; baseType: string }): SharedParts {
  let byType = sharedParts.get(dsn);
  if (byType === undefined) sharedParts.set(dsn, (byType = new Map()));
  let byName = byType.get(eventType);
  if (byName === undefined) byType.set(eventType, (byName = new Map()));
  const name = property?.name ?? '';
  const known = byName.get(name);
  if (
    known !== undefined && known.oemModel === oemModel && known.oemId === oemId &&
    known.displayName === property?.displayName && known.baseType === property?.baseType
  ) {
    return known;
  }
  const metadata: JsonObject = property
    ? { oem_id: oemId, oem_model: oemModel, dsn, property_name: property.name, display_name: property.displayName, base_type: property.baseType, resource_tags: [], event_type: eventType }
    : { oem_id: oemId, oem_model: oemModel, dsn, resource_tags: [], event_type: eventType };
  const afterSeq =
    '","metadata":{"oem_id":' + q(oemId) + ',"oem_model":' + q(oemModel) + ',"dsn":' + q(dsn) +
    (property ? ',"property_name":' + q(property.name) + ',"display_name":' + q(property.displayName) + ',"base_type":' + q(property.baseType) : '') +
    ',"resource_tags":[],"event_type":' + q(eventType) + '}';
  const parts: SharedParts = {
    oemModel, oemId, displayName: property?.displayName, baseType: property?.baseType,
    dsns: dsn.includes(',') ? dsn.split(',') : [dsn], metadata, afterSeq,
  };
  if (++sharedCount > MAX_SHARED_PARTS) {
    sharedParts.clear();
    sharedCount = 0;
  }
  byName.set(name, parts);
  return parts;
}

function common(options: EventOptions, eventType: string, property?: { name: string; displayName: string; baseType: string }): Common {
  const dsn = options.dsn ?? 'AC000W000000001';
  const seq = options.seq ?? nextSeq++;
  const receivedAt = options.receivedAt ?? ++clock;
  const oemModel = options.oemModel ?? 'ledevb';
  const oemId = options.oemId ?? '0dfc7900';
  const parts = partsOf(eventType, dsn, oemModel, oemId, property);
  return { seq, dsn, dsns: parts.dsns, oemId, oemModel, metadata: parts.metadata, receivedAt, rawHead: '{"seq":"' + seq + parts.afterSeq };
}

export function connectivityEvent(options: EventOptions & { status?: string; eventTime?: string } = {}): ConnectivityDssEvent {
  const c = common(options, 'connectivity');
  const status = options.status ?? 'Online';
  const eventTime = options.eventTime ?? '2024-01-01T00:00:00Z';
  const body: JsonObject = { event_time: eventTime, user_uuid: ZERO_UUID, status };
  const raw = c.rawHead + ',"connection":{"event_time":' + q(eventTime) + ',"user_uuid":"' + ZERO_UUID + '","status":' + q(status) + '}}';
  return {
    type: 'connectivity', seq: c.seq, dsn: c.dsn, dsns: c.dsns, oemId: c.oemId, oemModel: c.oemModel,
    metadata: c.metadata, body, raw, receivedAt: c.receivedAt, status, eventTime,
  };
}

interface DatapointOptions extends EventOptions {
  property?: string;
  value?: number | string | null;
  baseType?: string;
  displayName?: string;
  updatedAt?: string;
}

function datapointParts(options: DatapointOptions, eventType: string) {
  const property = options.property ?? 'Blue_LED';
  const baseType = options.baseType ?? 'integer';
  const displayName = options.displayName ?? property;
  const c = common(options, eventType, { name: property, displayName, baseType });
  const value = options.value === undefined ? 0 : options.value;
  const updatedAt = options.updatedAt ?? '2024-01-01T00:00:00Z';
  /** The datapoint body's fields up to and including `value`, without the closing brace. */
  const rawBody =
    ',"datapoint":{"id":"dp-' + c.seq + '","created_at_from_device":null,"updated_at":' + q(updatedAt) + ',"created_at":' + q(updatedAt) +
    ',"user_uuid":"' + ZERO_UUID + '","echo":false,"closed":false,"value":' + q(value);
  return { c, property, baseType, displayName, value, updatedAt, rawBody };
}

export function datapointEvent(options: DatapointOptions = {}): DatapointDssEvent {
  const { c, property, baseType, displayName, value, updatedAt, rawBody } = datapointParts(options, 'datapoint');
  const body: JsonObject = {
    id: `dp-${c.seq}`, created_at_from_device: null, updated_at: updatedAt, created_at: updatedAt,
    user_uuid: ZERO_UUID, echo: false, closed: false, value, metadata: {},
  };
  return {
    type: 'datapoint', seq: c.seq, dsn: c.dsn, dsns: c.dsns, oemId: c.oemId, oemModel: c.oemModel,
    metadata: c.metadata, body, raw: c.rawHead + rawBody + ',"metadata":{}}}', receivedAt: c.receivedAt,
    property, displayName, baseType, value, updatedAt, echo: false,
  };
}

export function ackEvent(options: DatapointOptions & { ackStatus?: number; ackMessage?: number; ackedAt?: string } = {}): DatapointAckDssEvent {
  const { c, property, baseType, displayName, value, updatedAt, rawBody } = datapointParts(options, 'datapointack');
  const ackStatus = options.ackStatus ?? 200;
  const ackMessage = options.ackMessage ?? 0;
  const ackedAt = options.ackedAt ?? updatedAt;
  const ackId = `ack-${c.seq}`;
  const body: JsonObject = {
    id: `dp-${c.seq}`, created_at_from_device: null, updated_at: updatedAt, created_at: updatedAt,
    user_uuid: ZERO_UUID, echo: false, closed: false, value, ack_message: ackMessage, ack_status: ackStatus,
    ack_id: ackId, acked_at: ackedAt, metadata: {},
  };
  const raw = c.rawHead + rawBody + ',"ack_message":' + q(ackMessage) + ',"ack_status":' + q(ackStatus) + ',"ack_id":' + q(ackId) +
    ',"acked_at":' + q(ackedAt) + ',"metadata":{}}}';
  return {
    type: 'datapointack', seq: c.seq, dsn: c.dsn, dsns: c.dsns, oemId: c.oemId, oemModel: c.oemModel,
    metadata: c.metadata, body, raw, receivedAt: c.receivedAt,
    property, displayName, baseType, value, updatedAt, ackStatus, ackMessage, ackId, ackedAt,
  };
}

/** A coordinate string as a decoder reads it: spaces allowed, undefined when not a number. */
function coordinate(text: string): number | undefined {
  const n = text.trim() === '' ? NaN : Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** `lat`/`long` as the wire strings (e.g. `" 44.769500"`); the decoded numbers are parsed from them. */
export function locationEvent(options: EventOptions & { lat?: string; long?: string; provider?: string } = {}): LocationDssEvent {
  const c = common(options, 'location');
  const lat = options.lat ?? ' 44.769500';
  const long = options.long ?? '-69.428300';
  const provider = options.provider ?? 'ip-based';
  const createdAt = '2024-01-01T00:00:00Z';
  const body: JsonObject = { dsn: c.dsn, ip: '67.255.234.73', lat, long, provider, user_uuid: ZERO_UUID, created_at: createdAt };
  const raw = c.rawHead + ',"location_event":{"dsn":' + q(c.dsn) + ',"ip":"67.255.234.73","lat":' + q(lat) + ',"long":' + q(long) +
    ',"provider":' + q(provider) + ',"user_uuid":"' + ZERO_UUID + '","created_at":"' + createdAt + '"}}';
  return {
    type: 'location', seq: c.seq, dsn: c.dsn, dsns: c.dsns, oemId: c.oemId, oemModel: c.oemModel,
    metadata: c.metadata, body, raw, receivedAt: c.receivedAt, lat: coordinate(lat), lng: coordinate(long), provider,
  };
}

export function registrationEvent(options: EventOptions & { registered?: boolean; registrationType?: string; at?: string } = {}): RegistrationDssEvent {
  const c = common(options, 'registration');
  const registered = options.registered ?? true;
  const registrationType = options.registrationType ?? 'AP-Mode';
  const at = options.at ?? '2024-01-01T00:00:00Z';
  const body: JsonObject = registered
    ? { dsn: c.dsn, user_uuid: ZERO_UUID, registered, registration_type: registrationType, registered_at: at }
    : { dsn: c.dsn, user_uuid: null, registered, registration_type: registrationType, unregistered_at: at };
  const raw = c.rawHead + ',"registration_event":{"dsn":' + q(c.dsn) + ',"user_uuid":' + (registered ? '"' + ZERO_UUID + '"' : 'null') +
    ',"registered":' + registered + ',"registration_type":' + q(registrationType) + (registered ? ',"registered_at":' : ',"unregistered_at":') + q(at) + '}}';
  return {
    type: 'registration', seq: c.seq, dsn: c.dsn, dsns: c.dsns, oemId: c.oemId, oemModel: c.oemModel,
    metadata: c.metadata, body, raw, receivedAt: c.receivedAt, registered, registrationType,
  };
}

export function unknownEvent(options: EventOptions & { eventType?: string } = {}): UnknownDssEvent {
  const eventType = options.eventType ?? 'firmware_update';
  const c = common(options, eventType);
  const body: JsonObject = { note: 'a type this client does not know' };
  const raw = c.rawHead + ',"firmware_update":{"note":"a type this client does not know"}}';
  return {
    type: 'unknown', seq: c.seq, dsn: c.dsn, dsns: c.dsns, oemId: c.oemId, oemModel: c.oemModel,
    metadata: c.metadata, body, raw, receivedAt: c.receivedAt, eventType,
  };
}

/** A device as `GET /apiv1/devices.json` lists it (ayla-protocol.md §3), with overrides. */
export function listedDevice(dsn: string, overrides: Partial<Device> = {}): Device {
  return {
    product_name: `Device ${dsn}`, model: 'AY001MRT1', dsn, oem_model: 'ledevb', sw_version: 'devd 1.7',
    template_id: 99999, mac: 'f0b429000001', lan_ip: '192.168.0.123', connected_at: '2024-01-01T00:00:00Z',
    key: 26517570, lan_enabled: false, has_properties: true, product_class: null, connection_status: 'Online',
    lat: '37.3861', lng: '-122.0839', locality: '94043', device_type: 'Wifi', oem: '0dfc7900',
    ...overrides,
  };
}

/** A property as `GET /apiv1/dsns/{dsn}/properties.json` lists it, with overrides. */
export function listedProperty(name: string, overrides: Partial<Property> = {}): Property {
  return {
    type: 'Property', name, base_type: 'integer', read_only: false, direction: 'input', scope: 'user',
    data_updated_at: '2024-01-01T00:00:00Z', key: 13700155, device_key: 204134, product_name: 'Ayla EVB',
    track_only_changes: false, display_name: name, host_sw_version: false, time_series: false, derived: false,
    app_type: null, recipe: null, value: 0, denied_roles: [], ack_enabled: false, retention_days: 30,
    ...overrides,
  };
}
