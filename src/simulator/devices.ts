// Simulated device behaviour: the fleet of devices, what they do on their own (one timer for the whole
// fleet, however many devices and however high the rate), what happens when the cloud sets a
// to-device value (a datapoint event, then for ack-enabled properties a datapointack a moment later),
// and the in-process handles tests use to make a device act now.
import type { Datapoint, DatapointMetadata, DatapointValue, RegistrationType } from '../ayla/wireTypes';
import { aylaTime, monotonicMs } from './clock';
import type { SimDevice, SimProperty } from './device';
import type { Dispatcher } from './dispatcher';
import {
  connectivityEvent,
  datapointAckEvent,
  datapointEvent,
  locationEvent,
  NO_USER,
  registrationEvent,
  type DatapointFacts,
  type PreparedEvent,
} from './events';
import type { Random } from './random';

export interface SimulatedDeviceInfo {
  dsn: string;
  productName: string;
  oemModel: string;
  ownerUuid: string;
  online: boolean;
  registered: boolean;
  properties: string[];
}

/** Make a device act now (tests, demos). Unknown DSNs or property names throw. */
export interface SimulatedDevices {
  list(): SimulatedDeviceInfo[];
  /** The device reports a value (a from-device change; for a to-device property, the device's echo). */
  emitDatapoint(dsn: string, property: string, value: DatapointValue | boolean): void;
  setOnline(dsn: string, online: boolean): void;
  /** Moves the device to (lat, lng), or a small random step away when omitted. */
  move(dsn: string, lat?: number, lng?: number): void;
  register(dsn: string, registered: boolean): void;
  /**
   * While on, the events a cloud write causes (its datapoint, then for ack-enabled properties the ack) are
   * held back instead of published, so a test sees each step of a write; `releaseWrites` lets them out one
   * at a time, and turning the hold off publishes what is left, in order. Returns how many are held.
   */
  holdWrites(on: boolean): number;
  /** Publishes up to `count` held write events, oldest first; returns how many it published. */
  releaseWrites(count: number): number;
}

/** One device's cycle of happenings. Datapoints dominate; each device starts at a different place. */
const CYCLE = ['temperature', 'connectivity', 'button', 'setpoint', 'location', 'counter', 'registration', 'status', 'temperature', 'button'] as const;
type Happening = (typeof CYCLE)[number];

const STATUSES = ['idle', 'heating', 'cooling', 'defrosting', 'door open', 'holding 21 °C', 'eco mode'];
const REGISTRATION_TYPES: RegistrationType[] = ['AP-Mode', 'Button-Push', 'Display', 'Dsn', 'Same-LAN', 'None'];

/**
 * The emit tick follows the rate: about EVENTS_PER_TICK events a tick, between 5 and 100 ms. Long ticks at a
 * high rate would send bursts (1 000 events/s in 100 ms ticks is 100 events at once, and the last waits for
 * the client to work through the others); short ticks at a low rate would only cost idle CPU.
 */
const MIN_TICK_MS = 5;
const MAX_TICK_MS = 100;
const EVENTS_PER_TICK = 4;
/** Events one tick may emit at most: past that the rate is clipped. */
const MAX_EVENTS_PER_TICK = 20000;

/** The tick for a total rate (events per second over all devices). */
export function tickMsFor(eventsPerSecond: number): number {
  if (!(eventsPerSecond > 0)) return MAX_TICK_MS;
  return Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, Math.round((1000 * EVENTS_PER_TICK) / eventsPerSecond)));
}

export interface DeviceFleetOptions {
  dispatcher: Dispatcher;
  random: Random;
  ackDelayMs: number;
  /** The devices flood() takes turns with (the demo user's). */
  floodDevices: SimDevice[];
  log: (line: string) => void;
  /** Benchmarks: datapoints the devices report carry `metadata.sent_mono_ms` (see monotonicMs) from the moment they are published. */
  stampSendTime?: boolean;
}

export class DeviceFleet implements SimulatedDevices {
  private readonly byDsn = new Map<string, SimDevice>();
  /** Per device, the drifting from-device numbers its 'temperature' happening takes turns with: temperature, then any sensor_NN. */
  private readonly drifting = new Map<SimDevice, { names: string[]; next: number }>();
  private rate = 0;
  private timer: NodeJS.Timeout | undefined;
  private tickMs = MAX_TICK_MS;
  private lastTick = 0;
  private due = 0;
  private nextDevice = 0;
  private readonly acks: { due: number; run: () => void }[] = [];
  private ackTimer: NodeJS.Timeout | undefined;
  private floodCounter = 0;
  private holdingWrites = false;
  /** Write events held back while `holdingWrites` (tests): each publishes one event when run. */
  private readonly heldWrites: (() => void)[] = [];

  constructor(
    readonly devices: SimDevice[],
    private readonly options: DeviceFleetOptions,
  ) {
    devices.forEach((device, i) => {
      device.behaviourStep = (i * 3) % CYCLE.length;
      this.byDsn.set(device.dsn, device);
      this.drifting.set(device, { names: ['temperature', ...[...device.properties.keys()].filter((name) => name.startsWith('sensor_'))], next: 0 });
    });
  }

  get(dsn: string): SimDevice | undefined {
    return this.byDsn.get(dsn);
  }

  // ── rate ──────────────────────────────────────────────────────────────────────────────────────

  get eventsPerSecondPerDevice(): number {
    return this.rate;
  }

  setRate(eventsPerSecondPerDevice: number): void {
    if (!(Number.isFinite(eventsPerSecondPerDevice) && eventsPerSecondPerDevice >= 0)) {
      throw new RangeError('eventsPerSecond must be a finite number ≥ 0');
    }
    this.rate = eventsPerSecondPerDevice;
    const tickMs = tickMsFor(this.rate * this.devices.length);
    if (this.rate > 0 && (!this.timer || tickMs !== this.tickMs)) {
      if (this.timer) clearInterval(this.timer);
      else {
        this.lastTick = Date.now();
        this.due = 0;
      }
      this.tickMs = tickMs;
      this.timer = setInterval(this.tick, tickMs);
    } else if (this.rate === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private readonly tick = (): void => {
    const now = Date.now();
    this.due += (this.rate * this.devices.length * (now - this.lastTick)) / 1000;
    this.lastTick = now;
    let count = Math.floor(this.due);
    this.due -= count;
    if (count > MAX_EVENTS_PER_TICK) count = MAX_EVENTS_PER_TICK;
    for (let i = 0; i < count; i++) {
      const device = this.devices[this.nextDevice++ % this.devices.length]!;
      this.happen(device, CYCLE[device.behaviourStep++ % CYCLE.length]!);
      // Let sockets take what they can now and then, not only after the whole tick.
      if ((i & 511) === 511) this.options.dispatcher.flush();
    }
  };

  private happen(device: SimDevice, happening: Happening): void {
    const random = this.options.random;
    switch (happening) {
      case 'temperature': {
        const drifting = this.drifting.get(device)!;
        const name = drifting.names[drifting.next++ % drifting.names.length]!;
        const current = Number(this.property(device, name).value) || 21.5;
        const next = Math.min(30, Math.max(15, current + (random.next() - 0.5) * 0.6));
        this.report(device, name, Math.round(next * 10) / 10);
        break;
      }
      case 'button':
        this.report(device, 'Blue_button', this.property(device, 'Blue_button').value === 1 ? 0 : 1);
        break;
      case 'counter':
        this.report(device, 'counter', Number(this.property(device, 'counter').value) + 1);
        break;
      case 'status':
        this.report(device, 'status', random.pick(STATUSES));
        break;
      case 'setpoint':
        // Someone sets the setpoint from an app: a datapoint, then the device's ack.
        this.writeFromCloud(device, this.property(device, 'setpoint'), 16 + random.int(11), {}, device.ownerUuid);
        break;
      case 'connectivity':
        // Mostly online, as a device on a developer's desk is: an offline device comes back at its next
        // connectivity turn, and an online one drops off only now and then (otherwise it reconnects).
        this.setDeviceOnline(device, device.online ? random.next() >= 0.15 : true);
        break;
      case 'location':
        this.moveDevice(device, device.lat + (random.next() - 0.5) * 0.02, device.lng + (random.next() - 0.5) * 0.02);
        break;
      case 'registration':
        // A re-registration (a reset device registering again): unregistering is left to the control plane,
        // so the demo devices never look broken on their own.
        this.setDeviceRegistered(device, true);
        break;
    }
  }

  // ── what devices and the cloud do ────────────────────────────────────────────────────────────

  /** The cloud sets a to-device value (ADS POST or a simulated app): datapoint event, then the ack if enabled. */
  writeFromCloud(device: SimDevice, property: SimProperty, value: DatapointValue, metadata: DatapointMetadata, userUuid: string): Datapoint {
    const at = aylaTime();
    const datapoint = property.set(value, at, false, metadata);
    const facts: DatapointFacts = { id: this.options.random.uuid(), at, userUuid, echo: false, value, metadata };
    const ack = (): void => {
      const ackedAt = aylaTime();
      property.ackStatus = 200;
      property.ackMessage = 0;
      property.ackedAt = ackedAt;
      this.options.dispatcher.publish(
        datapointAckEvent(device, property, facts, { ackId: this.options.random.uuid(), ackedAt, ackStatus: 200, ackMessage: 0 }),
      );
    };
    const publish = (): void => {
      this.options.dispatcher.publish(datapointEvent(device, property, facts));
      if (!property.definition.ackEnabled) return;
      // While held, the ack waits for its own release instead of the ack delay.
      if (this.holdingWrites) this.heldWrites.push(ack);
      else this.later(ack);
    };
    if (this.holdingWrites) this.heldWrites.push(publish);
    else publish();
    return datapoint;
  }

  /** The device reports a value. */
  private report(device: SimDevice, name: string, value: DatapointValue): void {
    const property = this.property(device, name);
    const at = aylaTime();
    const echo = property.definition.direction === 'input';
    property.set(value, at, echo, {});
    const metadata: DatapointMetadata = this.options.stampSendTime ? { sent_mono_ms: monotonicMs() } : {};
    this.options.dispatcher.publish(datapointEvent(device, property, { id: this.options.random.uuid(), at, userUuid: NO_USER, echo, value, metadata }));
  }

  private setDeviceOnline(device: SimDevice, online: boolean): void {
    const at = aylaTime();
    device.online = online;
    if (online) device.connectedAt = at;
    this.options.dispatcher.publish(connectivityEvent(device, at));
  }

  private moveDevice(device: SimDevice, lat: number, lng: number): void {
    device.lat = Math.max(-90, Math.min(90, lat));
    device.lng = Math.max(-180, Math.min(180, lng));
    this.options.dispatcher.publish(locationEvent(device, aylaTime()));
  }

  private setDeviceRegistered(device: SimDevice, registered: boolean): void {
    device.registered = registered;
    this.options.dispatcher.publish(registrationEvent(device, aylaTime(), this.options.random.pick(REGISTRATION_TYPES)));
  }

  /** One `counter` datapoint of the next device in turn, for flood(). */
  floodEvent(): PreparedEvent {
    const devices = this.options.floodDevices.length > 0 ? this.options.floodDevices : this.devices;
    const device = devices[this.floodCounter % devices.length]!;
    this.floodCounter++;
    const property = this.property(device, 'counter');
    const value = Number(property.value) + 1;
    const at = aylaTime();
    property.set(value, at, false, {});
    return datapointEvent(device, property, { id: this.options.random.uuid(), at, userUuid: NO_USER, echo: false, value, metadata: {} });
  }

  // ── SimulatedDevices ─────────────────────────────────────────────────────────────────────────

  list(): SimulatedDeviceInfo[] {
    return this.devices.map((d) => ({
      dsn: d.dsn,
      productName: d.productName,
      oemModel: d.oemModel,
      ownerUuid: d.ownerUuid,
      online: d.online,
      registered: d.registered,
      properties: [...d.properties.keys()],
    }));
  }

  emitDatapoint(dsn: string, property: string, value: DatapointValue | boolean): void {
    this.report(this.device(dsn), property, typeof value === 'boolean' ? (value ? 1 : 0) : value);
  }

  setOnline(dsn: string, online: boolean): void {
    this.setDeviceOnline(this.device(dsn), online);
  }

  move(dsn: string, lat?: number, lng?: number): void {
    const device = this.device(dsn);
    const random = this.options.random;
    this.moveDevice(device, lat ?? device.lat + (random.next() - 0.5) * 0.02, lng ?? device.lng + (random.next() - 0.5) * 0.02);
  }

  register(dsn: string, registered: boolean): void {
    this.setDeviceRegistered(this.device(dsn), registered);
  }

  holdWrites(on: boolean): number {
    this.holdingWrites = on;
    if (!on) this.releaseWrites(Infinity);
    return this.heldWrites.length;
  }

  releaseWrites(count: number): number {
    let released = 0;
    // A released datapoint may hold its ack back in turn: that one waits for the next release.
    for (const pending = this.heldWrites.splice(0, Math.min(count, this.heldWrites.length)); released < pending.length; released++) pending[released]!();
    if (!this.holdingWrites && this.heldWrites.length > 0) return released + this.releaseWrites(Infinity);
    return released;
  }

  stop(): void {
    this.holdingWrites = false;
    this.heldWrites.length = 0;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    this.acks.length = 0;
  }

  // ── helpers ──────────────────────────────────────────────────────────────────────────────────

  private device(dsn: string): SimDevice {
    const device = this.byDsn.get(dsn);
    if (!device) throw new Error(`No simulated device has DSN ${dsn}.`);
    return device;
  }

  private property(device: SimDevice, name: string): SimProperty {
    const property = device.properties.get(name);
    if (!property) throw new Error(`Device ${device.dsn} has no property ${name}.`);
    return property;
  }

  /** Runs `run` after the ack delay. One timer serves every pending ack (they are due in order). */
  private later(run: () => void): void {
    this.acks.push({ due: Date.now() + this.options.ackDelayMs, run });
    if (!this.ackTimer) this.armAckTimer();
  }

  private armAckTimer(): void {
    const first = this.acks[0];
    if (!first) return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = undefined;
      const now = Date.now();
      let ready = 0;
      while (ready < this.acks.length && this.acks[ready]!.due <= now) ready++;
      const batch = this.acks.splice(0, ready);
      for (const ack of batch) ack.run();
      this.armAckTimer();
    }, Math.max(0, first.due - Date.now()));
  }
}
