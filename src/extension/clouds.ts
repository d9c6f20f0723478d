// The clouds "Ayla DSS: Sign In" offers, the two client types, and how a choice becomes the hosts to
// talk to. Plain data and pure functions (no vscode), unit-tested in plain Node.
import { HOST_TABLE, resolveHosts, type AylaHosts, type Deployment, type HostClientType, type HostOverrides, type Region } from '../ayla/hosts';

export type CloudId = 'us-field' | 'us-dev' | 'us-staging' | 'eu-field' | 'cn-field' | 'cn-dev' | 'simulator';

/** A real Ayla cloud: one row of the host table. */
export interface AylaCloud {
  kind: 'ayla';
  id: Exclude<CloudId, 'simulator'>;
  /** In the user's words: "US field". */
  label: string;
  region: Region;
  deployment: Deployment;
}

/** The built-in simulator: a local Ayla cloud on 127.0.0.1, signed in with its demo account. */
export interface SimulatorCloud {
  kind: 'simulator';
  id: 'simulator';
  label: string;
}

export type Cloud = AylaCloud | SimulatorCloud;

export const SIMULATOR_CLOUD: SimulatorCloud = { kind: 'simulator', id: 'simulator', label: 'Local simulator' };

/** In the order the quick pick shows them: the production ("field") clouds first, the simulator last. */
export const CLOUDS: readonly Cloud[] = [
  { kind: 'ayla', id: 'us-field', label: 'US field', region: 'us', deployment: 'field' },
  { kind: 'ayla', id: 'us-dev', label: 'US dev', region: 'us', deployment: 'dev' },
  { kind: 'ayla', id: 'us-staging', label: 'US staging', region: 'us', deployment: 'staging' },
  { kind: 'ayla', id: 'eu-field', label: 'EU field', region: 'eu', deployment: 'field' },
  { kind: 'ayla', id: 'cn-field', label: 'CN field', region: 'cn', deployment: 'field' },
  { kind: 'ayla', id: 'cn-dev', label: 'CN dev', region: 'cn', deployment: 'dev' },
  SIMULATOR_CLOUD,
];

export function findCloud(id: string | undefined): Cloud | undefined {
  return CLOUDS.find((cloud) => cloud.id === id);
}

/** What the quick pick shows next to a cloud: its user service host, or what the simulator is. */
export function cloudDescription(cloud: Cloud): string {
  if (cloud.kind === 'simulator') return 'built-in, on 127.0.0.1, demo account and devices';
  const row = HOST_TABLE.find((r) => r.region === cloud.region && r.deployment === cloud.deployment);
  return row?.user ?? '';
}

export interface ClientTypeChoice {
  clientType: HostClientType;
  label: string;
  detail: string;
}

export const CLIENT_TYPES: readonly ClientTypeChoice[] = [
  { clientType: 'mobile', label: 'Mobile', detail: 'Your own devices (the devices registered to your account).' },
  { clientType: 'cloud', label: 'Cloud', detail: 'OEM-wide: every device of the OEM; needs an OEM role and an access rule.' },
];

export function clientTypeLabel(clientType: HostClientType): string {
  return CLIENT_TYPES.find((c) => c.clientType === clientType)?.label ?? clientType;
}

/**
 * The setting `aylaDss.hosts` ({user, device, dss, stream}) as resolveHosts overrides. Anything that is not
 * a non-empty string is ignored (settings are free JSON); resolveHosts checks the values themselves.
 */
export function hostOverrides(setting: unknown): HostOverrides {
  if (typeof setting !== 'object' || setting === null || Array.isArray(setting)) return {};
  const raw = setting as Record<string, unknown>;
  const overrides: HostOverrides = {};
  const take = (from: string, to: keyof HostOverrides): void => {
    const value = raw[from];
    if (typeof value === 'string' && value.trim() !== '') overrides[to] = value.trim();
  };
  take('user', 'user');
  take('device', 'device');
  take('dss', 'dssRest');
  take('stream', 'stream');
  return overrides;
}

/**
 * The hosts for a cloud choice. A real cloud takes the host table plus the overrides; the simulator takes
 * its own URL for every service and ignores the overrides (they name a real cloud's vanity hosts).
 * Throws resolveHosts' RangeError (one sentence) for a bad override. `allowInsecure` is the setting
 * aylaDss.allowInsecureHosts: http/ws overrides to hosts other than loopback.
 */
export function cloudHosts(cloud: Cloud, clientType: HostClientType, options: { overrides?: HostOverrides; simulatorUrl?: string; allowInsecure?: boolean }): AylaHosts {
  if (cloud.kind === 'simulator') {
    if (!options.simulatorUrl) throw new RangeError('The local simulator is not running: run "Ayla DSS: Try the Local Simulator".');
    return resolveHosts({ region: 'us', deployment: 'field', clientType, baseUrl: options.simulatorUrl });
  }
  return resolveHosts({ region: cloud.region, deployment: cloud.deployment, clientType, overrides: options.overrides ?? {}, allowInsecure: options.allowInsecure === true });
}
