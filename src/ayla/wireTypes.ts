// JSON shapes on the Ayla wire (ayla-protocol.md), shared by the client (src/ayla) and the simulator
// (src/simulator). TYPES ONLY: no runtime code lives here, so sharing it cannot copy a bug to both sides.
//
// These describe what Ayla documents and what the simulator sends. A client reading a real server must
// still tolerate the alternatives listed in ayla-protocol.md ("Tolerance the client owes real servers"):
// unknown fields and event types, a missing `resource_tags`, `seq` as a number, numbers as strings.

// ── Common ────────────────────────────────────────────────────────────────────────────────────────

/** ISO-8601 UTC time with seconds precision, e.g. `2018-09-24T10:25:14Z`. */
export type AylaTime = string;

export type BaseType = 'boolean' | 'integer' | 'decimal' | 'string' | 'file' | 'message';

/** `input` = to device (the cloud/app sets it); `output` = from device (the device reports it). */
export type PropertyDirection = 'input' | 'output';

export type EventType = 'connectivity' | 'datapoint' | 'datapointack' | 'location' | 'registration';

export type ClientType = 'cloud' | 'mobile' | 'user_opt_in';

/** A datapoint value: a number for boolean (0/1), integer and decimal; a string for string, file and message. */
export type DatapointValue = number | string;

/** Error body of the device service and DSS REST (the simulator's choice; see ayla-protocol.md §3). */
export interface ApiErrorBody {
  error: { message: string };
}

/** Error body of the user service (sign-in and friends). */
export interface UserServiceErrorBody {
  error: string;
}

// ── User service ──────────────────────────────────────────────────────────────────────────────────

export interface SignInRequest {
  user: {
    email: string;
    password: string;
    application: { app_id: string; app_secret: string };
  };
}

/** Answer of sign-in and of refresh. Tokens are 32 lowercase hex characters. */
export interface SignInResponse {
  access_token: string;
  refresh_token: string;
  /** Seconds the access token lives. */
  expires_in: number;
  role: string;
  role_tags: string[];
}

export interface RefreshTokenRequest {
  user: { refresh_token: string };
}

export interface SignOutRequest {
  user: { access_token: string };
}

/** `GET /users/get_user_profile.json` (shape partly documented: `uuid`, `email`, names). */
export interface UserProfile {
  id: number;
  uuid: string;
  email: string;
  firstname: string;
  lastname: string;
  company: string | null;
  country: string | null;
  role: string;
  oem_id: string;
  approved: boolean;
  terms_accepted: boolean;
  created_at: AylaTime;
  updated_at: AylaTime;
}

// ── Device service (ADS) ──────────────────────────────────────────────────────────────────────────

/** A device as `GET /apiv1/devices.json` and `GET /apiv1/dsns/{dsn}.json` give it (field order as seen). */
export interface Device {
  product_name: string;
  model: string;
  dsn: string;
  oem_model: string;
  sw_version: string;
  template_id: number;
  mac: string;
  lan_ip: string;
  connected_at: AylaTime | null;
  key: number;
  lan_enabled: boolean;
  has_properties: boolean;
  product_class: string | null;
  /** `Online` or `Offline`; other values are possible and shown as-is. */
  connection_status: string;
  lat: string;
  lng: string;
  locality: string;
  device_type: string;
  oem: string;
}

export interface DeviceWrapper {
  device: Device;
}

export interface Property {
  type: 'Property';
  name: string;
  base_type: BaseType;
  read_only: boolean;
  direction: PropertyDirection;
  scope: string;
  data_updated_at: AylaTime | null;
  key: number;
  device_key: number;
  product_name: string;
  track_only_changes: boolean;
  display_name: string;
  host_sw_version: boolean;
  time_series: boolean;
  derived: boolean;
  app_type: string | null;
  recipe: string | null;
  value: DatapointValue | null;
  denied_roles: string[];
  ack_enabled: boolean;
  /** Only on ack-enabled properties. */
  ack_status?: number | null;
  /** Only on ack-enabled properties. */
  ack_message?: number | null;
  /** Only on ack-enabled properties. */
  acked_at?: AylaTime | null;
  retention_days: number;
}

export interface PropertyWrapper {
  property: Property;
}

/** Datapoint metadata: at most 10 keys. */
export type DatapointMetadata = Record<string, string | number | boolean>;

/** Body of `POST /apiv1/dsns/{dsn}/properties/{name}/datapoints.json`. */
export interface DatapointRequest {
  datapoint: { value: DatapointValue | boolean; metadata?: DatapointMetadata };
}

/** A datapoint as the device service answers a POST and lists history. */
export interface Datapoint {
  updated_at: AylaTime;
  created_at: AylaTime;
  echo: boolean;
  metadata: DatapointMetadata;
  value: DatapointValue;
}

export interface DatapointWrapper {
  datapoint: Datapoint;
}

// ── DSS REST ──────────────────────────────────────────────────────────────────────────────────────

/** Body of `POST /api/v1/subscriptions.json`: flat, not wrapped. */
export interface SubscriptionCreateRequest {
  name: string;
  description?: string;
  /** `*` or a comma-separated list. */
  oem_model?: string;
  /** `*` or a comma-separated list. */
  dsn?: string;
  /** `*` or a comma-separated list. */
  property_name?: string;
  /** OEM id (cloud subscriptions). */
  oem?: string;
  client_type: ClientType;
  subscription_type: EventType;
  batch_size?: number;
}

export interface Subscription {
  id: number;
  oem: string;
  dsn: string;
  name: string;
  description: string;
  property_name: string;
  /** `Online` while a stream socket is open on the key, else `Offline`. */
  connection_status: string;
  batch_size: number;
  is_suspended: boolean;
  created_at: AylaTime;
  updated_at: AylaTime;
  date_suspended: AylaTime | null;
  user_uuid: string | null;
  oem_model: string;
  /** 32 lowercase hex characters; a secret (redact it when shown or logged). */
  stream_key: string;
  client_type: ClientType;
  subscription_type: EventType;
}

export interface SubscriptionWrapper {
  subscription: Subscription;
}

export interface OemAccessRuleRequest {
  role: string;
  oem_model: string;
  property_name: string;
  client_type: ClientType;
  subscription_type: EventType;
}

export interface OemAccessRule {
  id: number;
  oem_id: string;
  role: string;
  oem_model: string;
  property_name: string;
  client_type: ClientType;
  subscription_type: EventType;
  access_grant: boolean;
  created_at: AylaTime;
  updated_at: AylaTime;
}

export interface OemAccessRuleWrapper {
  OemAccessRule: OemAccessRule;
}

// ── The stream: event envelopes ───────────────────────────────────────────────────────────────────

export interface EventMetadata {
  oem_id: string;
  oem_model: string;
  /** One DSN (a real server may send a comma list). */
  dsn: string;
  /** datapoint and datapointack only. */
  property_name?: string;
  /** datapoint and datapointack only. */
  display_name?: string;
  /** datapoint and datapointack only. */
  base_type?: BaseType;
  /** Absent on older servers. */
  resource_tags?: string[];
  event_type: EventType;
}

interface EnvelopeBase<T extends EventType> {
  /** Per-subscription counter, increasing by one per event; a string on the wire. */
  seq: string;
  metadata: EventMetadata & { event_type: T };
}

export interface ConnectivityBody {
  event_time: AylaTime;
  user_uuid: string;
  /** `Online` or `Offline`. */
  status: string;
}

export interface ConnectivityEvent extends EnvelopeBase<'connectivity'> {
  connection: ConnectivityBody;
}

export interface DatapointEventBody {
  id: string;
  created_at_from_device: AylaTime | null;
  updated_at: AylaTime;
  created_at: AylaTime;
  user_uuid: string;
  echo: boolean;
  closed: boolean;
  value: DatapointValue;
  metadata: DatapointMetadata;
}

export interface DatapointEvent extends EnvelopeBase<'datapoint'> {
  datapoint: DatapointEventBody;
}

/** Field order on the wire: …, value, ack_message, ack_status, ack_id, acked_at, metadata. */
export interface DatapointAckBody extends DatapointEventBody {
  ack_message: number;
  ack_status: number;
  ack_id: string;
  acked_at: AylaTime;
}

/** The body key of a datapointack event is `datapoint` (not `datapointack`). */
export interface DatapointAckEvent extends EnvelopeBase<'datapointack'> {
  datapoint: DatapointAckBody;
}

export interface LocationBody {
  dsn: string;
  ip: string;
  /** A string, sometimes with a leading space (e.g. `" 44.769500"`). */
  lat: string;
  /** A string (e.g. `"-69.428300"`). */
  long: string;
  provider: string;
  user_uuid: string;
  created_at: AylaTime;
}

export interface LocationEvent extends EnvelopeBase<'location'> {
  location_event: LocationBody;
}

export type RegistrationType = 'AP-Mode' | 'Button-Push' | 'Display' | 'Dsn' | 'Same-LAN' | 'None';

export interface UnregistrationBody {
  dsn: string;
  user_uuid: null;
  registered: false;
  registration_type: RegistrationType;
  unregistered_at: AylaTime;
}

/** The registered case is unpublished; this is the simulator's documented guess. */
export interface RegistrationBodyRegistered {
  dsn: string;
  user_uuid: string;
  registered: true;
  registration_type: RegistrationType;
  registered_at: AylaTime;
}

export interface RegistrationEvent extends EnvelopeBase<'registration'> {
  registration_event: UnregistrationBody | RegistrationBodyRegistered;
}

export type DssEventEnvelope = ConnectivityEvent | DatapointEvent | DatapointAckEvent | LocationEvent | RegistrationEvent;
