// The HTTP control plane under /_simulator/ (JSON in and out, no auth; the server only listens on
// loopback). It exposes the fault switches, the rate knob, flood, stats and the device handles, so a
// benchmark or the CLI can drive a simulator running in another process.
import type { DatapointValue } from '../ayla/wireTypes';
import type { SimulatedDevices } from './devices';
import { checkFailRequests, FAIL_STATUSES, type FailStatus, type SimulatorFaults } from './faults';
import { HttpError, isRecord, type Reply, type RequestContext, type Route } from './http';

export interface SimulatorStats {
  /** Open stream sockets. */
  sockets: number;
  subscriptions: number;
  /** Event frames sent over all sockets (replays included). */
  eventsSent: number;
  heartbeatsSent: number;
  heartbeatAnswers: number;
  /** Events that happened (before fan-out to subscriptions). */
  eventsEmitted: number;
  /** Events a slow or absent socket lost because they fell out of its replay buffer before it took them. */
  eventsSkipped: number;
  /** Events per second per device, as set. */
  eventsPerSecond: number;
  /** Bytes queued in the simulator for all sockets (bounded: a socket that does not read is not fed more). */
  bufferedBytes: number;
}

export interface ControlTarget {
  readonly faults: SimulatorFaults;
  readonly devices: SimulatedDevices;
  setRate(eventsPerSecondPerDevice: number): void;
  flood(count: number): Promise<void>;
  stats(): SimulatorStats;
}

/** Every control-plane route, for `GET /_simulator` and the CLI's help. */
export const CONTROL_ROUTES = [
  'GET  /_simulator/stats',
  'POST /_simulator/rate {"eventsPerSecond":100}',
  'POST /_simulator/flood {"count":100000[,"wait":false]}',
  'POST /_simulator/faults/drop-sockets',
  'POST /_simulator/faults/stop-heartbeats {"on":true}',
  'POST /_simulator/faults/garbage {"count":10}',
  'POST /_simulator/faults/oversized {"bytes":2000000}',
  'POST /_simulator/faults/expire-tokens',
  'POST /_simulator/faults/expire-stream-keys',
  'POST /_simulator/faults/fail {"status":503[,"count":3][,"pathPrefix":"/apiv1"]}',
  'POST /_simulator/faults/delay {"ms":5000[,"count":1]}',
  'POST /_simulator/faults/reset',
  'GET  /_simulator/devices',
  'POST /_simulator/devices/{dsn}/datapoint {"property":"status","value":"hello"}',
  'POST /_simulator/devices/{dsn}/online {"online":false}',
  'POST /_simulator/devices/{dsn}/move [{"lat":44.7,"lng":-69.4}]',
  'POST /_simulator/devices/{dsn}/register {"registered":false}',
  'POST /_simulator/writes/hold {"on":true}',
  'POST /_simulator/writes/release {"count":1}',
];

/** The fault names `POST /_simulator/faults/<name>` knows (the CLI's `fault <name>`). */
export const FAULT_NAMES = ['drop-sockets', 'stop-heartbeats', 'garbage', 'oversized', 'expire-tokens', 'expire-stream-keys', 'fail', 'delay', 'reset'] as const;

function args(ctx: RequestContext): Record<string, unknown> {
  const body = ctx.json();
  if (body === undefined) return {};
  if (!isRecord(body)) throw new HttpError(400, 'The body must be a JSON object.');
  return body;
}

function integer(body: Record<string, unknown>, field: string, fallback: number | undefined, min: number, max: number): number {
  const value = body[field] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new HttpError(422, `${field} must be an integer from ${min} to ${max}.`);
  }
  return value;
}

function optionalInteger(body: Record<string, unknown>, field: string, min: number, max: number): number | undefined {
  return body[field] === undefined ? undefined : integer(body, field, undefined, min, max);
}

function flag(body: Record<string, unknown>, field: string, fallback: boolean): boolean {
  const value = body[field] ?? fallback;
  if (typeof value !== 'boolean') throw new HttpError(422, `${field} must be true or false.`);
  return value;
}

function optionalNumber(body: Record<string, unknown>, field: string): number | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new HttpError(422, `${field} must be a number.`);
  return value;
}

/** Device handles throw plain Errors for unknown DSNs or properties: those are 404s here. */
function onDevice(run: () => void): Reply {
  try {
    run();
  } catch (error) {
    throw new HttpError(404, error instanceof Error ? error.message : String(error));
  }
  return { status: 200, body: { ok: true } };
}

export function controlRoutes(target: ControlTarget): Route[] {
  const post = (path: string, handle: (body: Record<string, unknown>, params: string[]) => Reply | Promise<Reply>): Route => ({
    method: 'POST',
    pattern: new RegExp(`^/_simulator/${path}$`),
    style: 'api',
    handle: (ctx, params) => handle(args(ctx), params),
  });
  const ok = (extra: Record<string, unknown> = {}): Reply => ({ status: 200, body: { ok: true, ...extra } });
  const faults = target.faults;

  return [
    { method: 'GET', pattern: /^\/_simulator$/, style: 'api', handle: () => ({ status: 200, body: { routes: CONTROL_ROUTES } }) },
    { method: 'GET', pattern: /^\/_simulator\/stats$/, style: 'api', handle: () => ({ status: 200, body: target.stats() }) },
    post('rate', (body) => {
      const rate = body.eventsPerSecond;
      if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0) throw new HttpError(422, 'eventsPerSecond must be a number ≥ 0.');
      target.setRate(rate);
      return ok({ eventsPerSecond: rate });
    }),
    post('flood', async (body) => {
      const count = integer(body, 'count', undefined, 1, 100_000_000);
      const done = target.flood(count);
      if (flag(body, 'wait', true)) await done;
      else void done.catch(() => undefined);
      return ok({ count });
    }),
    post('faults/drop-sockets', () => ok({ sockets: faults.dropAllSockets() })),
    post('faults/stop-heartbeats', (body) => {
      const on = flag(body, 'on', true);
      faults.stopHeartbeats(on);
      return ok({ on });
    }),
    post('faults/garbage', (body) => ok({ frames: faults.sendGarbage(integer(body, 'count', 10, 1, 100_000)) })),
    post('faults/oversized', (body) => ok({ sockets: faults.sendOversized(integer(body, 'bytes', 2_000_000, 1, 256 * 1024 * 1024)) })),
    post('faults/expire-tokens', () => ok({ tokens: faults.expireAccessTokens() })),
    post('faults/expire-stream-keys', () => ok({ streamKeys: faults.expireStreamKeys() })),
    post('faults/fail', (body) => {
      const status = body.status as FailStatus;
      if (!FAIL_STATUSES.includes(status)) throw new HttpError(422, `status must be one of ${FAIL_STATUSES.join(', ')}.`);
      const count = optionalInteger(body, 'count', 1, 1_000_000_000);
      const pathPrefix = body.pathPrefix;
      if (pathPrefix !== undefined && typeof pathPrefix !== 'string') throw new HttpError(422, 'pathPrefix must be a string.');
      const options = { status, count, pathPrefix };
      checkFailRequests(options);
      faults.failRequests(options);
      return ok({ status, count: count ?? null, pathPrefix: pathPrefix ?? null });
    }),
    post('faults/delay', (body) => {
      const ms = integer(body, 'ms', undefined, 0, 600_000);
      const count = optionalInteger(body, 'count', 1, 1_000_000_000);
      faults.delayResponses(ms, count);
      return ok({ ms, count: count ?? null });
    }),
    post('faults/reset', () => {
      faults.reset();
      return ok();
    }),
    { method: 'GET', pattern: /^\/_simulator\/devices$/, style: 'api', handle: () => ({ status: 200, body: target.devices.list() }) },
    post('devices/([^/]+)/datapoint', (body, [dsn]) => {
      const property = body.property;
      const value = body.value;
      if (typeof property !== 'string') throw new HttpError(422, 'property must be a string.');
      if (typeof value !== 'number' && typeof value !== 'string' && typeof value !== 'boolean') throw new HttpError(422, 'value must be a number, string or boolean.');
      return onDevice(() => target.devices.emitDatapoint(decodeURIComponent(dsn!), property, value as DatapointValue | boolean));
    }),
    post('devices/([^/]+)/online', (body, [dsn]) => {
      const online = flag(body, 'online', true);
      return onDevice(() => target.devices.setOnline(decodeURIComponent(dsn!), online));
    }),
    post('devices/([^/]+)/move', (body, [dsn]) => {
      const lat = optionalNumber(body, 'lat');
      const lng = optionalNumber(body, 'lng');
      return onDevice(() => target.devices.move(decodeURIComponent(dsn!), lat, lng));
    }),
    post('devices/([^/]+)/register', (body, [dsn]) => {
      const registered = flag(body, 'registered', true);
      return onDevice(() => target.devices.register(decodeURIComponent(dsn!), registered));
    }),
    post('writes/hold', (body) => ok({ held: target.devices.holdWrites(flag(body, 'on', true)) })),
    post('writes/release', (body) => ok({ released: target.devices.releaseWrites(integer(body, 'count', 1, 1, 1_000_000)) })),
  ];
}
