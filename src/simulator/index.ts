// The local Ayla cloud simulator: one process, one HTTP port on 127.0.0.1 serving the user service, ADS,
// DSS REST and the `/stream` WebSocket exactly as ayla-protocol.md describes, plus fault switches and a
// control plane under /_simulator/. It is the independent other side of the wire: it shares only wire
// types with src/ayla, never client code.
//
// Demo accounts (see catalog.ts), all with password `simulator`, app id `simulator-app`, app secret
// `simulator-secret`:
//   dev@example.com    EndUser      owns the simulated devices            → Simulator.demo
//   admin@example.com  OEM::Admin   may create access rules and cloud subscriptions → Simulator.oemAdmin
//   other@example.com  EndUser      owns one other device (for "403 not your device") → Simulator.otherUser
import { AccessRules, accessRuleRoutes } from './accessRules';
import { Accounts } from './accounts';
import { buildDevices, PROPERTY_DEFINITIONS, DEMO_APP, DEMO_USER, OEM_ADMIN, OTHER_USER, type Credentials } from './catalog';
import { aylaTime } from './clock';
import { controlRoutes, type SimulatorStats } from './control';
import { deviceServiceRoutes } from './deviceService';
import type { SimDevice } from './device';
import { DeviceFleet, type SimulatedDevices } from './devices';
import { Dispatcher, type SubscriptionSequence } from './dispatcher';
import { oversizedPayload } from './events';
import { checkFailRequests, FaultSwitches, garbageFrames, type SimulatorFaults } from './faults';
import { flood, ProgressSignal } from './flood';
import { frame } from './framing';
import { Random } from './random';
import { SimulatorHttpServer } from './server';
import { StreamServer } from './stream';
import type { StreamCounters } from './streamSocket';
import { subscriptionRoutes } from './subscriptions';
import { userServiceRoutes } from './userService';

export type { SimulatedDevices, SimulatedDeviceInfo } from './devices';
export type { SimulatorFaults, FailRequestsOptions, FailStatus } from './faults';
export type { SimulatorStats } from './control';
export type { SubscriptionSequence } from './dispatcher';
export { CONTROL_ROUTES, FAULT_NAMES } from './control';

export interface SimulatorOptions {
  /** 0 (default) = a free port; always binds 127.0.0.1. */
  port?: number;
  /** Default 30000; `1|Z` interval on every stream socket. */
  heartbeatMs?: number;
  /** Default 3: close (code 1008) a socket that answered none of the last N heartbeats. */
  heartbeatMissLimit?: number;
  /** Default 3 simulated devices for the demo user (the other user always has one more). */
  devices?: number;
  /** Per device, default 0.5; 0 = devices are quiet (tests drive events explicitly). */
  eventsPerSecond?: number;
  /** Default 86400. */
  accessTokenTtlSeconds?: number;
  /** Per subscription, default 10000 events kept for seq_start replay. */
  replayBufferSize?: number;
  /** ws maxPayload for frames the simulator accepts; default 64 KiB. */
  maxPayloadBytes?: number;
  /** Deterministic pseudo-random device behaviour; default 1. */
  seed?: number;
  /** One line per notable thing (never prints tokens/stream keys in full). */
  log?: (line: string) => void;
  /** How long an account stays locked after 5 failed sign-ins; default 1800 (30 minutes). */
  accountLockSeconds?: number;
  /** How long a device takes to ack a to-device value on an ack-enabled property; default 200 ms. */
  ackDelayMs?: number;
  /**
   * Benchmarks (default false): every datapoint a device reports on its own or through the control plane
   * carries `"metadata":{"sent_mono_ms":…}`, the machine's monotonic clock in ms when it was published
   * (written to the sockets in the same turn of the event loop), so a client in another process can
   * measure its latency.
   */
  stampSendTime?: boolean;
  /**
   * Other secrets than the published demo ones (`simulator` / `simulator-secret`): every account's password
   * and the app secret. A security audit signs in with recognisable values and then searches for them.
   */
  secrets?: { password?: string; appSecret?: string };
  /** Properties per device, default (and at least) the 11 standard ones; more adds `sensor_NN` decimals (at most 100). */
  propertiesPerDevice?: number;
  /**
   * Resume the cloud of a stopped simulator (`previous.world`): accounts, tokens, devices, access rules and
   * subscriptions — stream keys, seq counters and replay buffers — carry over, as they do when the real
   * service comes back after an outage (its state lives in databases, not in the process that died).
   * `devices`, `propertiesPerDevice`, `seed` and the token options are then those of that world.
   */
  world?: SimulatorWorld;
}

/**
 * Everything a real Ayla cloud keeps across an outage, held so a simulator can be stopped (killed) and a new
 * one started on the same port with the same state (tests of "the server went away and came back").
 * Opaque: pass it to `startSimulator({ world })`.
 */
export interface SimulatorWorld {
  readonly [worldBrand]: true;
}
declare const worldBrand: unique symbol;

interface WorldState {
  accounts: Accounts;
  devices: SimDevice[];
  dispatcher: Dispatcher;
  accessRules: AccessRules;
  random: Random;
  garbageRandom: Random;
  nextSubscriptionId: number;
  /** A simulator is running on this world (one at a time). */
  inUse: boolean;
}

export interface DemoCredentials {
  email: string;
  password: string;
  appId: string;
  appSecret: string;
}

export interface Simulator {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** `ws://127.0.0.1:PORT/stream` */
  readonly streamUrl: string;
  readonly port: number;
  /** dev@example.com / simulator / simulator-app / simulator-secret (EndUser, owns the simulated devices). */
  readonly demo: DemoCredentials;
  /** admin@example.com / simulator, role OEM::Admin (access rules, cloud subscriptions), same app. */
  readonly oemAdmin: DemoCredentials;
  /** other@example.com / simulator, an EndUser owning one device the demo user may not touch, same app. */
  readonly otherUser: DemoCredentials;
  readonly faults: SimulatorFaults;
  setRate(eventsPerSecondPerDevice: number): void;
  /** Make a device emit now (tests): emitDatapoint(dsn, property, value), setOnline(dsn, bool), move(dsn), register(dsn, bool). */
  readonly devices: SimulatedDevices;
  /** Sends `count` pre-serialized datapoint frames (demo devices' `counter`, in turn) to every live stream as fast as
   *  each socket takes them; resolves when all are handed to the sockets. Seqs stay correct; the events are in the replay buffers. */
  flood(count: number): Promise<void>;
  stats(): SimulatorStats;
  /** Each subscription's last seq so far (deleted ones included): what the simulator numbered, for loss checks. */
  sequences(): SubscriptionSequence[];
  /** This simulator's state, to start another simulator on it once this one is stopped. */
  readonly world: SimulatorWorld;
  /** Closes every socket and the server; never leaves timers running. */
  stop(): Promise<void>;
}

function credentials(user: Credentials, accounts: Accounts): DemoCredentials {
  return { email: user.email, password: accounts.passwordOf(user.email) ?? user.password, appId: DEMO_APP.appId, appSecret: accounts.appSecret };
}

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer ≥ ${min} (got ${value}).`);
  return value;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const port = checkCount('port', options.port ?? 0, 0);
  if (port > 65535) throw new RangeError(`port must be at most 65535 (got ${port}).`);
  const heartbeatMs = checkCount('heartbeatMs', options.heartbeatMs ?? 30000, 1);
  const heartbeatMissLimit = checkCount('heartbeatMissLimit', options.heartbeatMissLimit ?? 3, 1);
  const deviceCount = checkCount('devices', options.devices ?? 3, 0);
  const replayBufferSize = checkCount('replayBufferSize', options.replayBufferSize ?? 10000, 1);
  const maxPayloadBytes = checkCount('maxPayloadBytes', options.maxPayloadBytes ?? 64 * 1024, 16);
  const eventsPerSecond = options.eventsPerSecond ?? 0.5;
  if (!(Number.isFinite(eventsPerSecond) && eventsPerSecond >= 0)) throw new RangeError(`eventsPerSecond must be a finite number ≥ 0 (got ${eventsPerSecond}).`);

  const propertiesPerDevice = checkCount('propertiesPerDevice', options.propertiesPerDevice ?? PROPERTY_DEFINITIONS.length, PROPERTY_DEFINITIONS.length);
  if (propertiesPerDevice > 100) throw new RangeError(`propertiesPerDevice must be at most 100 (got ${propertiesPerDevice}).`);
  const log = options.log ?? ((): void => undefined);
  const world = options.world ? resumeWorld(options.world) : newWorld(options, deviceCount, propertiesPerDevice, log);
  const { accounts, devices, dispatcher, accessRules, random, garbageRandom } = world;
  const switches = new FaultSwitches();
  const counters: StreamCounters = { eventsSent: 0, heartbeatsSent: 0, heartbeatAnswers: 0, eventsSkipped: 0 };
  const progress = new ProgressSignal();
  const demoUuid = accounts.all.find((a) => a.email === DEMO_USER.email)!.uuid;
  const fleet = new DeviceFleet(devices, {
    dispatcher,
    random,
    ackDelayMs: checkCount('ackDelayMs', options.ackDelayMs ?? 200, 0),
    floodDevices: devices.filter((d) => d.ownerUuid === demoUuid),
    log,
    stampSendTime: options.stampSendTime ?? false,
  });
  const streams = new StreamServer({ heartbeatMs, heartbeatMissLimit, maxPayloadBytes, dispatcher, faults: switches, counters, log, onProgress: () => progress.notify() });

  const faults: SimulatorFaults = {
    dropAllSockets() {
      const n = streams.dropAll();
      log(`fault: dropped ${n} stream sockets`);
      return n;
    },
    stopHeartbeats(on) {
      switches.heartbeatsStopped = on;
      log(`fault: heartbeats ${on ? 'stopped' : 'resumed'}`);
    },
    sendGarbage(count) {
      checkCount('count', count, 1);
      const frames = garbageFrames(count, garbageRandom);
      let sent = 0;
      for (const socket of streams.sockets()) {
        for (const f of frames) socket.sendRaw(f);
        sent += frames.length;
      }
      log(`fault: sent ${sent} garbage frames`);
      return sent;
    },
    sendOversized(bytes) {
      checkCount('bytes', bytes, 1);
      const device = fleet.devices[0];
      const text = device ? frame(oversizedPayload(device, bytes, aylaTime())) : `${bytes + 1}|${'x'.repeat(bytes + 1)}`;
      const n = streams.sendToAll(text);
      log(`fault: sent a ${text.length}-byte frame to ${n} sockets`);
      return n;
    },
    expireAccessTokens() {
      const n = accounts.expireAccessTokens();
      log(`fault: expired ${n} access tokens`);
      return n;
    },
    expireStreamKeys() {
      let n = 0;
      for (const subscription of dispatcher.all()) {
        if (subscription.keyExpired) continue;
        subscription.keyExpired = true;
        streams.closeFor(subscription, 'stream key expired');
        n++;
      }
      log(`fault: expired ${n} stream keys`);
      return n;
    },
    failRequests(failOptions) {
      checkFailRequests(failOptions);
      switches.fail(failOptions);
      log(`fault: failing ${failOptions.count ?? 'all'} requests${failOptions.pathPrefix ? ` under ${failOptions.pathPrefix}` : ''} with ${failOptions.status}`);
    },
    delayResponses(ms, count) {
      checkCount('ms', ms, 0);
      if (count !== undefined) checkCount('count', count, 1);
      switches.delay(ms, count);
      log(`fault: delaying ${count ?? 'all'} responses by ${ms} ms`);
    },
    reset() {
      switches.clear();
      accounts.clearLocks();
      log('fault: reset');
    },
  };

  let stopped = false;
  let stopping: Promise<void> | undefined;
  const simulatorStats = (): SimulatorStats => ({
    sockets: streams.socketCount,
    subscriptions: dispatcher.size,
    eventsSent: counters.eventsSent,
    heartbeatsSent: counters.heartbeatsSent,
    heartbeatAnswers: counters.heartbeatAnswers,
    eventsEmitted: dispatcher.eventsPublished,
    eventsSkipped: counters.eventsSkipped,
    eventsPerSecond: fleet.eventsPerSecondPerDevice,
    bufferedBytes: streams.bufferedBytes(),
  });
  const floodEvents = async (count: number): Promise<void> => {
    checkCount('count', count, 0);
    return flood(count, { fleet, dispatcher, streams, progress, window: Math.min(replayBufferSize, 8192), isStopped: () => stopped });
  };
  const setRate = (rate: number): void => {
    fleet.setRate(rate);
    log(`rate set to ${rate} events per second per device`);
  };

  const http = new SimulatorHttpServer({
    routes: [
      ...userServiceRoutes(accounts),
      ...deviceServiceRoutes(accounts, fleet),
      ...subscriptionRoutes({ accounts, fleet, dispatcher, accessRules, streams, replayBufferSize, nextId: () => world.nextSubscriptionId++, log }),
      ...accessRuleRoutes(accounts, accessRules),
    ],
    controlRoutes: controlRoutes({ faults, devices: fleet, setRate, flood: floodEvents, stats: simulatorStats }),
    faults: switches,
    streams,
    log,
  });
  let boundPort: number;
  try {
    boundPort = await http.listen(port);
  } catch (error) {
    world.inUse = false;
    throw error;
  }
  const url = `http://127.0.0.1:${boundPort}`;
  fleet.setRate(eventsPerSecond);
  log(`listening on ${url} (${devices.length} devices, heartbeat ${heartbeatMs} ms, ${fleet.eventsPerSecondPerDevice} events/s per device)`);

  return {
    url,
    streamUrl: `ws://127.0.0.1:${boundPort}/stream`,
    port: boundPort,
    demo: credentials(DEMO_USER, accounts),
    oemAdmin: credentials(OEM_ADMIN, accounts),
    otherUser: credentials(OTHER_USER, accounts),
    faults,
    devices: fleet,
    setRate,
    flood: floodEvents,
    stats: simulatorStats,
    sequences: () => dispatcher.sequences(),
    world: world as unknown as SimulatorWorld,
    stop() {
      stopping ??= (async () => {
        stopped = true;
        // No new connection or stream from here on: one opened while the others close would outlive the simulator.
        http.stopAccepting();
        fleet.stop();
        progress.notify();
        await streams.stop();
        await http.close();
        world.inUse = false;
        log('stopped');
      })();
      return stopping;
    },
  };
}

function newWorld(options: SimulatorOptions, deviceCount: number, propertiesPerDevice: number, log: (line: string) => void): WorldState {
  return {
    accounts: new Accounts({
      accessTokenTtlSeconds: checkCount('accessTokenTtlSeconds', options.accessTokenTtlSeconds ?? 86400, 1),
      accountLockSeconds: checkCount('accountLockSeconds', options.accountLockSeconds ?? 1800, 0),
      log,
      ...(options.secrets && { secrets: options.secrets }),
    }),
    devices: buildDevices(deviceCount, propertiesPerDevice),
    dispatcher: new Dispatcher(),
    accessRules: new AccessRules(),
    random: new Random(options.seed ?? 1),
    garbageRandom: new Random((options.seed ?? 1) ^ 0x9e3779b9),
    nextSubscriptionId: 50155,
    inUse: true,
  };
}

function resumeWorld(handle: SimulatorWorld): WorldState {
  const world = handle as unknown as WorldState;
  if (world.inUse) throw new Error('That simulator world is still in use: stop its simulator first.');
  world.inUse = true;
  return world;
}
