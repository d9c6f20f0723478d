// Where each Ayla service lives (ayla-protocol.md §1): ONE table of region × deployment × client type, plus
// the two ways a user points the client elsewhere: a single `baseUrl` for every service (the simulator, a
// proxy) and per-service overrides (OEM "vanity" hosts). Plain http/ws is only allowed to loopback hosts,
// because tokens travel in headers and stream keys in the stream URL.
import type { ClientType } from './wireTypes';

export type Region = 'us' | 'eu' | 'cn';
export type Deployment = 'dev' | 'field' | 'staging';
/** The client types that have their own hosts (`user_opt_in` is documented for subscriptions but has no published hosts). */
export type HostClientType = Extract<ClientType, 'cloud' | 'mobile'>;

/** Origins of the REST services and the full stream URL (ends in `/stream`). */
export interface AylaHosts {
  user: string;
  device: string;
  dssRest: string;
  stream: string;
}

export type HostOverrides = Partial<AylaHosts>;

export interface ResolveHostsOptions {
  /** `us`, `eu` or `cn` (checked at run time: settings and CLI flags are free text). */
  region: string;
  /** `dev`, `field` or `staging` (not every region has every deployment). */
  deployment: string;
  clientType: HostClientType;
  /** e.g. `http://127.0.0.1:8080`: every service at this origin, the stream at `ws://…/stream`. */
  baseUrl?: string;
  /** Per service; applied after the table or `baseUrl`. A bare host name means https/wss. */
  overrides?: HostOverrides;
  /**
   * Let http/ws reach hosts other than loopback (the user's explicit choice, e.g. a test proxy on their own
   * network). Default false: tokens and stream keys would travel in clear text.
   */
  allowInsecure?: boolean;
}

interface DssHosts {
  /** DSS REST host. */
  rest: string;
  /** Full stream URL. */
  stream: string;
}

export interface HostTableRow {
  region: Region;
  deployment: Deployment;
  user: string;
  device: string;
  cloud: DssHosts;
  mobile: DssHosts;
}

/** ayla-protocol.md §1. REST entries are host names (always https); stream entries are full wss URLs. */
export const HOST_TABLE: readonly HostTableRow[] = [
  {
    region: 'us',
    deployment: 'dev',
    user: 'user-dev.aylanetworks.com',
    device: 'ads-dev.aylanetworks.com',
    cloud: { rest: 'stream.aylanetworks.com', stream: 'wss://stream.aylanetworks.com/stream' },
    mobile: { rest: 'mdss-dev.aylanetworks.com', stream: 'wss://mstream-dev.aylanetworks.com/stream' },
  },
  {
    region: 'us',
    deployment: 'field',
    user: 'user-field.aylanetworks.com',
    device: 'ads-field.aylanetworks.com',
    cloud: { rest: 'stream-field.aylanetworks.com', stream: 'wss://stream-field.aylanetworks.com/stream' },
    mobile: { rest: 'mdss-field.aylanetworks.com', stream: 'wss://mstream-field.aylanetworks.com/stream' },
  },
  {
    region: 'us',
    deployment: 'staging',
    user: 'staging-user.ayladev.com',
    device: 'staging-ads.ayladev.com',
    cloud: { rest: 'staging-dss.ayladev.com', stream: 'wss://staging-dss.ayladev.com/stream' },
    mobile: { rest: 'staging-mdss.ayladev.com', stream: 'wss://staging-mstream.ayladev.com/stream' },
  },
  {
    region: 'eu',
    deployment: 'field',
    user: 'user-field-eu.aylanetworks.com',
    // The API spec names ads-field-eu.aylanetworks.com instead; both appear in Ayla's material. Users on
    // the other one set the device override.
    device: 'ads-eu.aylanetworks.com',
    cloud: { rest: 'stream-field-eu.aylanetworks.com', stream: 'wss://stream-field-eu.aylanetworks.com/stream' },
    mobile: { rest: 'mdss-field-eu.aylanetworks.com', stream: 'wss://mstream-field-eu.aylanetworks.com/stream' },
  },
  {
    region: 'cn',
    deployment: 'dev',
    user: 'user-dev.ayla.com.cn',
    device: 'ads-dev.ayla.com.cn',
    // The seed page (authoritative for the wss column) says /stream/stream here; other Ayla code uses
    // /stream. Kept as published; the stream override fixes it if the seed is wrong.
    cloud: { rest: 'stream.ayla.com.cn', stream: 'wss://stream.ayla.com.cn/stream/stream' },
    mobile: { rest: 'mdss-dev.ayla.com.cn', stream: 'wss://mstream.ayla.com.cn/stream' },
  },
  {
    region: 'cn',
    deployment: 'field',
    user: 'user-field.ayla.com.cn',
    device: 'ads-field.ayla.com.cn',
    cloud: { rest: 'stream-field.ayla.com.cn', stream: 'wss://stream-field.ayla.com.cn/stream' },
    mobile: { rest: 'mdss-field.ayla.com.cn', stream: 'wss://mstream-field.ayla.com.cn/stream' },
  },
];

/** `us/dev`, `us/field`, … — the combinations the table knows, for messages and pickers. */
export function knownRegionDeployments(): string[] {
  return HOST_TABLE.map((row) => `${row.region}/${row.deployment}`);
}

/** The hosts to talk to; throws a RangeError with a sentence saying what is wrong and what is valid. */
export function resolveHosts(options: ResolveHostsOptions): AylaHosts {
  const { clientType } = options;
  const insecure = options.allowInsecure === true;
  if (clientType !== 'cloud' && clientType !== 'mobile') {
    throw new RangeError(`Unknown client type "${String(clientType)}": use "cloud" or "mobile".`);
  }
  let hosts: AylaHosts;
  if (options.baseUrl !== undefined && options.baseUrl.trim() !== '') {
    const base = parseServiceUrl('baseUrl', options.baseUrl, 'http', insecure);
    hosts = { user: base, device: base, dssRest: base, stream: `${toWebSocket(base)}/stream` };
  } else {
    const row = findRow(options.region, options.deployment);
    const dss = row[clientType];
    hosts = { user: `https://${row.user}`, device: `https://${row.device}`, dssRest: `https://${dss.rest}`, stream: dss.stream };
  }
  const overrides = options.overrides ?? {};
  for (const service of ['user', 'device', 'dssRest'] as const) {
    const value = overrides[service];
    if (value !== undefined && value.trim() !== '') hosts[service] = parseServiceUrl(`${service} override`, value, 'http', insecure);
  }
  if (overrides.stream !== undefined && overrides.stream.trim() !== '') hosts.stream = parseStreamUrl(overrides.stream, insecure);
  return hosts;
}

function findRow(region: string, deployment: string): HostTableRow {
  const r = region.trim().toLowerCase();
  const d = deployment.trim().toLowerCase();
  const row = HOST_TABLE.find((candidate) => candidate.region === r && candidate.deployment === d);
  if (!row) {
    throw new RangeError(
      `There is no Ayla cloud for region "${region}" and deployment "${deployment}": use one of ${knownRegionDeployments().join(', ')}, or set a base URL.`,
    );
  }
  return row;
}

/** 127.0.0.0/8, localhost and [::1]: the only hosts that may be reached without TLS. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]' || host === '::1') return true;
  const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return octets !== null && octets.slice(1).every((o) => Number(o) <= 255);
}

/** `https://host[:port][/prefix]` without a trailing slash; a bare host name means https. */
function parseServiceUrl(what: string, raw: string, family: 'http' | 'ws', allowInsecure: boolean): string {
  const secure = family === 'http' ? 'https:' : 'wss:';
  const plain = family === 'http' ? 'http:' : 'ws:';
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `${secure}//${text}`);
  } catch {
    throw new RangeError(`The ${what} "${text}" is not a valid URL: use e.g. ${secure}//host.example.com.`);
  }
  // Never echo the URL back when it carries credentials: they are secrets.
  if (url.username !== '' || url.password !== '') throw new RangeError(`The ${what} must not contain a user name or password.`);
  if (url.search !== '' || url.hash !== '') throw new RangeError(`The ${what} "${url.origin}" must not have a query or fragment.`);
  if (url.protocol !== secure && url.protocol !== plain) {
    throw new RangeError(`The ${what} "${text}" must start with ${secure}// (or ${plain}// for a loopback host).`);
  }
  if (url.protocol === plain && !isLoopbackHost(url.hostname) && !allowInsecure) {
    throw new RangeError(
      `The ${what} "${text}" uses unencrypted ${plain.slice(0, -1)}, which would send tokens and stream keys in clear text: use ${secure}// for ${url.hostname} (only loopback hosts may use ${plain}//, unless you allow it with the setting aylaDss.allowInsecureHosts).`,
    );
  }
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

/** The stream override: a full ws(s) URL, an http(s) URL (converted), or a bare host (→ wss://host/stream). */
function parseStreamUrl(raw: string, allowInsecure: boolean): string {
  const text = raw.trim();
  const converted = /^https?:\/\//i.test(text) ? toWebSocket(text) : text;
  const url = parseServiceUrl('stream override', converted, 'ws', allowInsecure);
  // A URL without a path means the usual endpoint.
  return /^wss?:\/\/[^/]+$/.test(url) ? `${url}/stream` : url;
}

function toWebSocket(httpUrl: string): string {
  return httpUrl.replace(/^http(s?):/i, (_m, s: string) => `ws${s.toLowerCase()}:`);
}
