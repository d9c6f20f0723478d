// The device service, ADS (ayla-protocol.md §3): devices, properties, to-device values, history.
// setValue checks everything it can BEFORE sending, so a typo in the editor never reaches a device:
// direction and read-only, the value against the base type, the metadata size.
//
// Base types: boolean (true/false, 0/1, "on"/"off", "true"/"false" → 0/1), integer (whole, 32-bit), decimal
// (finite), string (≤ 1024 UTF-8 bytes) and message (≤ 512 KB, as documented; the simulator takes it too)
// are sent; `file` is refused, because a file value is an uploaded file (a URL the service hands out),
// which is not something to type into an editor.
import { AylaApiError } from './errors';
import { authorizedRequest, invalidResponse, type Authorization, type HttpClient, type HttpFailure, type JsonRequest } from './http';
import type { DatapointMetadata, DatapointRequest, DatapointValue, Datapoint, Device, Property } from './wireTypes';

export const MAX_STRING_BYTES = 1024;
export const MAX_MESSAGE_BYTES = 512 * 1024;
export const MAX_METADATA_KEYS = 10;
/** The range ADS integers hold. */
export const INT32_MIN = -(2 ** 31);
export const INT32_MAX = 2 ** 31 - 1;
/** The largest history page asked for at once. */
export const MAX_HISTORY_LIMIT = 1000;

/** What setValue needs to know about a property (a full `Property` from listProperties fits). */
export type SettableProperty = Pick<Property, 'name' | 'base_type' | 'direction' | 'read_only'>;

export interface DeviceServiceOptions extends Authorization {
  /** The device service origin (`resolveHosts(…).device`). */
  origin: string;
  http: HttpClient;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refuse(message: string): AylaApiError {
  return new AylaApiError('device', 'invalid-request', undefined, message);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value.length > 40 ? `"${value.slice(0, 39)}…"` : JSON.stringify(value);
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return `a ${Array.isArray(value) ? 'list' : typeof value}`;
}

const BOOLEAN_WORDS: Record<string, 0 | 1> = { true: 1, false: 0, on: 1, off: 0, '1': 1, '0': 0 };

/**
 * The value to send for `property`, converted from what a user typed or a caller passed; throws an
 * AylaApiError (kind 'invalid-request', service 'device') saying what is wrong and what is accepted.
 */
export function checkValue(property: SettableProperty, value: unknown): DatapointValue {
  const { name } = property;
  if (property.direction === 'output') throw refuse(`${name} is a from-device property: only the device sets it.`);
  if (property.read_only) throw refuse(`${name} is read-only: it cannot be set from here.`);
  const wrong = (expected: string): AylaApiError => refuse(`${name} is ${article(property.base_type)} ${property.base_type} property: ${expected}, not ${describe(value)}.`);
  switch (property.base_type) {
    case 'boolean': {
      if (value === true || value === false) return value ? 1 : 0;
      if (value === 0 || value === 1) return value;
      if (typeof value === 'string') {
        const word = BOOLEAN_WORDS[value.trim().toLowerCase()];
        if (word !== undefined) return word;
      }
      throw wrong('set it to true/false, on/off or 1/0');
    }
    case 'integer': {
      const number = typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : value;
      if (typeof number !== 'number' || !Number.isInteger(number)) throw wrong('set it to a whole number');
      if (number < INT32_MIN || number > INT32_MAX) throw wrong(`set it to a whole number from ${INT32_MIN} to ${INT32_MAX}`);
      return number;
    }
    case 'decimal': {
      const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof number !== 'number' || !Number.isFinite(number)) throw wrong('set it to a finite number');
      return number;
    }
    case 'string':
    case 'message': {
      const limit = property.base_type === 'string' ? MAX_STRING_BYTES : MAX_MESSAGE_BYTES;
      if (typeof value !== 'string') throw wrong('set it to text');
      const bytes = Buffer.byteLength(value, 'utf8');
      if (bytes > limit) throw refuse(`${name} takes at most ${limit} bytes of UTF-8 text; this value has ${bytes}.`);
      return value;
    }
    case 'file':
      throw refuse(`${name} is a file property: its value is an uploaded file, which cannot be set from here.`);
    default:
      throw refuse(`${name} has the base type "${String(property.base_type)}", which this extension does not know how to set.`);
  }
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

export function checkMetadata(property: SettableProperty, metadata: unknown): DatapointMetadata {
  if (!isRecord(metadata)) throw refuse(`The metadata for ${property.name} must be an object of names and values.`);
  const entries = Object.entries(metadata);
  if (entries.length > MAX_METADATA_KEYS) throw refuse(`The metadata for ${property.name} has ${entries.length} keys; at most ${MAX_METADATA_KEYS} are allowed.`);
  const checked: DatapointMetadata = {};
  for (const [key, value] of entries) {
    if (typeof value !== 'string' && typeof value !== 'boolean' && !(typeof value === 'number' && Number.isFinite(value))) {
      throw refuse(`The metadata entry "${key}" for ${property.name} must be text, a number or true/false.`);
    }
    checked[key] = value;
  }
  return checked;
}

const seg = encodeURIComponent;

export class DeviceService {
  private readonly origin: string;
  private readonly http: HttpClient;
  private readonly auth: Authorization;

  constructor(options: DeviceServiceOptions) {
    this.origin = options.origin;
    this.http = options.http;
    this.auth = { accessToken: options.accessToken, onUnauthorized: options.onUnauthorized };
  }

  async listDevices(): Promise<Device[]> {
    const action = 'list devices';
    const body = await this.get('/apiv1/devices.json', action, notFound('The device service has no device list here (404); check the device service host.'));
    return unwrapList(body, 'device', () => invalidResponse('device', this.origin, action, 'a list of devices'));
  }

  async getDevice(dsn: string): Promise<Device> {
    const action = `read device ${dsn}`;
    const body = await this.get(`/apiv1/dsns/${seg(dsn)}.json`, action, deviceFailure(dsn));
    return unwrapOne(body, 'device', () => invalidResponse('device', this.origin, action, 'a device'));
  }

  /** Every property of a device, or only those named. */
  async listProperties(dsn: string, names?: readonly string[]): Promise<Property[]> {
    const action = `list the properties of ${dsn}`;
    const query = names && names.length > 0 ? `?${names.map((n) => `names[]=${seg(n)}`).join('&')}` : '';
    const body = await this.get(`/apiv1/dsns/${seg(dsn)}/properties.json${query}`, action, deviceFailure(dsn));
    return unwrapList(body, 'property', () => invalidResponse('device', this.origin, action, 'a list of properties'));
  }

  /**
   * Sets a to-device value. Checks direction, read-only, base type and metadata first and throws an
   * 'invalid-request' error without sending anything when they do not fit.
   */
  async setValue(dsn: string, property: SettableProperty, value: unknown, metadata?: DatapointMetadata): Promise<Datapoint> {
    const checked = checkValue(property, value);
    const datapoint: DatapointRequest['datapoint'] = { value: checked };
    if (metadata !== undefined) datapoint.metadata = checkMetadata(property, metadata);
    const action = `set ${property.name} on ${dsn}`;
    const response = await authorizedRequest(this.http, this.auth, {
      service: 'device',
      method: 'POST',
      origin: this.origin,
      path: `/apiv1/dsns/${seg(dsn)}/properties/${seg(property.name)}/datapoints.json`,
      body: { datapoint } satisfies DatapointRequest,
      action,
      explain: (failure) => {
        if (failure.status === 422) return `The device service refused the value for ${property.name} on ${dsn} (422${detail(failure)}); check the value and the property.`;
        return deviceFailure(dsn, property.name)(failure);
      },
    });
    return unwrapOne(response.body, 'datapoint', () => invalidResponse('device', this.origin, action, 'the datapoint it stored'));
  }

  /** The newest `limit` datapoints of a property (a chart's starting values). */
  async datapointHistory(dsn: string, name: string, limit: number): Promise<Datapoint[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_LIMIT) {
      throw refuse(`The history limit must be a whole number from 1 to ${MAX_HISTORY_LIMIT} (got ${limit}).`);
    }
    const action = `read the history of ${name} on ${dsn}`;
    const body = await this.get(`/apiv1/dsns/${seg(dsn)}/properties/${seg(name)}/datapoints.json?limit=${limit}`, action, deviceFailure(dsn, name));
    return unwrapList(body, 'datapoint', () => invalidResponse('device', this.origin, action, 'a list of datapoints'));
  }

  private async get(path: string, action: string, explain: JsonRequest['explain']): Promise<unknown> {
    const response = await authorizedRequest(this.http, this.auth, { service: 'device', method: 'GET', origin: this.origin, path, action, explain });
    return response.body;
  }
}

function detail(failure: HttpFailure): string {
  return failure.serverMessage ? `: ${failure.serverMessage.replace(/[.\s]+$/, '')}` : '';
}

function notFound(message: string): (failure: HttpFailure) => string | undefined {
  return (failure) => (failure.status === 404 ? message : undefined);
}

/** 403 and 404 about a device (and a property), worded for the user. */
function deviceFailure(dsn: string, property?: string): (failure: HttpFailure) => string | undefined {
  return (failure) => {
    if (failure.status === 403) return `Device ${dsn} is not one of this account's devices (403); sign in with the account that owns it.`;
    if (failure.status === 404) {
      const what = property === undefined ? `device ${dsn}` : `device ${dsn} or its property ${property}`;
      return `The device service does not know ${what} (404${detail(failure)}); check the DSN${property === undefined ? '' : ' and the property name'}, and the region.`;
    }
    return undefined;
  };
}

/** `[{"device":{…}}, …]` → the inner objects (an element already unwrapped is taken as-is). */
function unwrapList<T>(body: unknown, key: string, invalid: () => AylaApiError): T[] {
  if (!Array.isArray(body)) throw invalid();
  return body.map((element: unknown) => {
    if (!isRecord(element)) throw invalid();
    const inner = element[key];
    return (isRecord(inner) ? inner : element) as T;
  });
}

function unwrapOne<T>(body: unknown, key: string, invalid: () => AylaApiError): T {
  if (!isRecord(body)) throw invalid();
  const inner = body[key];
  if (!isRecord(inner)) throw invalid();
  return inner as T;
}
