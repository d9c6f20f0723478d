// The simulated Ayla world: one OEM, one application, three accounts and their devices.
//
// Accounts (all with password `simulator`):
//   dev@example.com    EndUser       the demo user; owns the `devices` simulated devices
//   other@example.com  EndUser       owns one device, so the demo user meets "403 not your device"
//   admin@example.com  OEM::Admin    an OEM admin: sees every device of the OEM and may create
//                                    access rules and (with a matching rule) cloud subscriptions
// Application: app_id `simulator-app`, app_secret `simulator-secret`.
import { aylaTime } from './clock';
import { SimDevice, SimProperty, type PropertyDefinition } from './device';

export const OEM_ID = '0dfc7900';

export interface Credentials {
  email: string;
  password: string;
}

export interface Application {
  appId: string;
  appSecret: string;
}

export const DEMO_APP: Application = { appId: 'simulator-app', appSecret: 'simulator-secret' };
export const DEMO_USER: Credentials = { email: 'dev@example.com', password: 'simulator' };
export const OTHER_USER: Credentials = { email: 'other@example.com', password: 'simulator' };
export const OEM_ADMIN: Credentials = { email: 'admin@example.com', password: 'simulator' };

export interface AccountSetup extends Credentials {
  uuid: string;
  firstname: string;
  lastname: string;
  role: string;
}

export const ACCOUNTS: readonly AccountSetup[] = [
  { ...DEMO_USER, uuid: '40e45b84-690c-11e8-acf3-12f911dcfe40', firstname: 'Demo', lastname: 'Developer', role: 'EndUser' },
  { ...OTHER_USER, uuid: '7c1d2e3f-690c-11e8-acf3-12f911dcfe41', firstname: 'Other', lastname: 'User', role: 'EndUser' },
  { ...OEM_ADMIN, uuid: '9a8b7c6d-690c-11e8-acf3-12f911dcfe42', firstname: 'OEM', lastname: 'Admin', role: 'OEM::Admin' },
];

/**
 * The properties of every simulated device: every base type, both directions, one ack-enabled
 * to-device property (`setpoint`).
 */
export const PROPERTY_DEFINITIONS: readonly PropertyDefinition[] = [
  { name: 'Blue_button', displayName: 'Blue button', baseType: 'boolean', direction: 'output', ackEnabled: false, initial: 0 },
  { name: 'Blue_LED', displayName: 'Blue LED', baseType: 'boolean', direction: 'input', ackEnabled: false, initial: 0 },
  { name: 'temperature', displayName: 'Temperature', baseType: 'decimal', direction: 'output', ackEnabled: false, initial: 21.5 },
  { name: 'decimal_in', displayName: 'Decimal in', baseType: 'decimal', direction: 'input', ackEnabled: false, initial: 0 },
  { name: 'counter', displayName: 'Counter', baseType: 'integer', direction: 'output', ackEnabled: false, initial: 0 },
  { name: 'setpoint', displayName: 'Setpoint', baseType: 'integer', direction: 'input', ackEnabled: true, initial: 20 },
  { name: 'status', displayName: 'Status', baseType: 'string', direction: 'output', ackEnabled: false, initial: 'idle' },
  { name: 'cmd', displayName: 'Command', baseType: 'string', direction: 'input', ackEnabled: false, initial: '' },
  { name: 'log', displayName: 'Log', baseType: 'message', direction: 'output', ackEnabled: false, initial: '' },
  { name: 'config', displayName: 'Config', baseType: 'message', direction: 'input', ackEnabled: false, initial: '{}' },
  { name: 'snapshot', displayName: 'Snapshot', baseType: 'file', direction: 'output', ackEnabled: false, initial: 'https://ads-dev.aylanetworks.com/apiv1/files/simulated/snapshot.jpg' },
];

const PRODUCT_NAMES = ['Kitchen Freezer', 'Living Room Thermostat', 'Garage Door', 'Porch Light', 'Office Sensor'];
const OEM_MODELS = ['ledevb', 'linuxevb'];
const PLACES = [
  { lat: 37.3861, lng: -122.0839, locality: '94043' },
  { lat: 44.7695, lng: -69.4283, locality: '04976' },
  { lat: 52.52, lng: 13.405, locality: '10117' },
];

/** Extra from-device sensors (`sensor_01`, …) beyond the standard properties, for load tests with many properties. */
export function extraPropertyDefinitions(count: number): PropertyDefinition[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(2, '0');
    return { name: `sensor_${n}`, displayName: `Sensor ${n}`, baseType: 'decimal', direction: 'output', ackEnabled: false, initial: 0 };
  });
}

function buildDevice(index: number, dsn: string, ownerUuid: string, productName: string, extra: readonly PropertyDefinition[]): SimDevice {
  const place = PLACES[index % PLACES.length]!;
  const key = 26517570 + index;
  const properties = [...PROPERTY_DEFINITIONS, ...extra].map((definition, i) => new SimProperty(definition, 13700155 + index * 100 + i));
  return new SimDevice(
    {
      dsn,
      key,
      productName,
      model: 'AY001MRT1',
      oemModel: OEM_MODELS[index % OEM_MODELS.length]!,
      oem: OEM_ID,
      ownerUuid,
      mac: `f0b429${(index + 1).toString(16).padStart(6, '0')}`,
      lanIp: `192.168.0.${100 + (index % 150)}`,
      lat: place.lat,
      lng: place.lng,
      locality: place.locality,
      ip: `67.255.234.${(index % 200) + 10}`,
    },
    properties,
    aylaTime(),
  );
}

/**
 * The demo user's `count` devices, then the other user's one device. Each has the standard properties,
 * plus `sensor_NN` decimals up to `propertiesPerDevice` when that is larger.
 */
export function buildDevices(count: number, propertiesPerDevice = PROPERTY_DEFINITIONS.length): SimDevice[] {
  const extra = extraPropertyDefinitions(Math.max(0, propertiesPerDevice - PROPERTY_DEFINITIONS.length));
  const demo = ACCOUNTS[0]!;
  const other = ACCOUNTS[1]!;
  const devices: SimDevice[] = [];
  for (let i = 0; i < count; i++) {
    const base = PRODUCT_NAMES[i % PRODUCT_NAMES.length]!;
    const round = Math.floor(i / PRODUCT_NAMES.length);
    devices.push(buildDevice(i, `AC000W${String(1000001 + i).padStart(9, '0')}`, demo.uuid, round === 0 ? base : `${base} ${round + 1}`, extra));
  }
  devices.push(buildDevice(count, 'AC000W009000001', other.uuid, "Neighbour's Heater", extra));
  return devices;
}
