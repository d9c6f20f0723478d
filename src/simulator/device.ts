// One simulated device as the device service knows it: its ADS record, its properties, their current
// values and a short datapoint history per property.
import type { BaseType, Datapoint, DatapointMetadata, DatapointValue, Device, Property, PropertyDirection } from '../ayla/wireTypes';

export interface PropertyDefinition {
  name: string;
  displayName: string;
  baseType: BaseType;
  direction: PropertyDirection;
  ackEnabled: boolean;
  initial: DatapointValue;
}

/** Datapoints kept per property for `GET …/datapoints.json`. */
export const HISTORY_LIMIT = 100;

export class SimProperty {
  value: DatapointValue;
  dataUpdatedAt: string | null = null;
  ackStatus: number | null = null;
  ackMessage: number | null = null;
  ackedAt: string | null = null;
  private readonly history: Datapoint[] = [];

  constructor(
    readonly definition: PropertyDefinition,
    readonly key: number,
  ) {
    this.value = definition.initial;
  }

  get name(): string {
    return this.definition.name;
  }

  /** Records a new value (and its datapoint in the history). */
  set(value: DatapointValue, at: string, echo: boolean, metadata: DatapointMetadata): Datapoint {
    this.value = value;
    this.dataUpdatedAt = at;
    const datapoint: Datapoint = { updated_at: at, created_at: at, echo, metadata, value };
    this.history.push(datapoint);
    if (this.history.length > HISTORY_LIMIT * 2) this.history.splice(0, this.history.length - HISTORY_LIMIT);
    return datapoint;
  }

  /** The newest `limit` datapoints, oldest first. */
  recent(limit: number): Datapoint[] {
    const from = Math.max(0, this.history.length - Math.min(limit, HISTORY_LIMIT));
    return this.history.slice(from);
  }

  record(device: SimDevice): Property {
    const d = this.definition;
    const ack = d.ackEnabled ? { ack_status: this.ackStatus, ack_message: this.ackMessage, acked_at: this.ackedAt } : {};
    return {
      type: 'Property',
      name: d.name,
      base_type: d.baseType,
      read_only: d.direction === 'output',
      direction: d.direction,
      scope: 'user',
      data_updated_at: this.dataUpdatedAt,
      key: this.key,
      device_key: device.key,
      product_name: device.productName,
      track_only_changes: false,
      display_name: d.displayName,
      host_sw_version: false,
      time_series: false,
      derived: false,
      app_type: null,
      recipe: null,
      value: this.value,
      denied_roles: [],
      ack_enabled: d.ackEnabled,
      ...ack,
      retention_days: 30,
    };
  }
}

export interface DeviceSetup {
  dsn: string;
  key: number;
  productName: string;
  model: string;
  oemModel: string;
  oem: string;
  ownerUuid: string;
  mac: string;
  lanIp: string;
  lat: number;
  lng: number;
  locality: string;
  ip: string;
}

export class SimDevice {
  readonly dsn: string;
  readonly key: number;
  readonly productName: string;
  readonly model: string;
  readonly oemModel: string;
  readonly oem: string;
  readonly ownerUuid: string;
  readonly mac: string;
  readonly lanIp: string;
  readonly locality: string;
  readonly ip: string;
  lat: number;
  lng: number;
  online = true;
  registered = true;
  connectedAt: string | null;
  readonly properties = new Map<string, SimProperty>();
  /** Where this device is in its own cycle of simulated happenings (devices.ts). */
  behaviourStep = 0;

  constructor(setup: DeviceSetup, properties: SimProperty[], now: string) {
    this.dsn = setup.dsn;
    this.key = setup.key;
    this.productName = setup.productName;
    this.model = setup.model;
    this.oemModel = setup.oemModel;
    this.oem = setup.oem;
    this.ownerUuid = setup.ownerUuid;
    this.mac = setup.mac;
    this.lanIp = setup.lanIp;
    this.lat = setup.lat;
    this.lng = setup.lng;
    this.locality = setup.locality;
    this.ip = setup.ip;
    this.connectedAt = now;
    for (const property of properties) this.properties.set(property.name, property);
  }

  record(): Device {
    return {
      product_name: this.productName,
      model: this.model,
      dsn: this.dsn,
      oem_model: this.oemModel,
      sw_version: 'devd 1.7 2020-05-13 11:50:36',
      template_id: 99999,
      mac: this.mac,
      lan_ip: this.lanIp,
      connected_at: this.connectedAt,
      key: this.key,
      lan_enabled: false,
      has_properties: true,
      product_class: null,
      connection_status: this.online ? 'Online' : 'Offline',
      lat: this.lat.toFixed(4),
      lng: this.lng.toFixed(4),
      locality: this.locality,
      device_type: 'Wifi',
      oem: this.oem,
    };
  }
}
