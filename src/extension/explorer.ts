// The live heart of the extension: the signed-in session, its streams, and the device store they feed.
// Surfaces (tree, status bar, event log, chart) read `store` and `state` and render; they never talk to
// the network. Deliberately free of `vscode` so it is tested in plain Node against the simulator.
import { Emitter, type Disposable } from '../ayla/emitter';
import { EVENT_TYPES, type DssEvent, type UndecodableFrame } from '../ayla/events';
import type { AylaSession, StreamingOptions, TypedStreamState } from '../ayla/session';
import type { StreamState } from '../ayla/stream';
import type { EventType } from '../ayla/wireTypes';
import { DeviceStore, type DeviceStoreOptions } from '../model/deviceStore';
import type { AccountInfo, ExplorerState, StreamingStatus } from './explorerState';

export interface StreamingSettings {
  eventTypes: readonly EventType[];
  /** Comma lists; empty = all. */
  dsn: string;
  propertyName: string;
  oemModel: string;
  stream?: StreamingOptions['stream'];
}

export interface ExplorerOptions extends DeviceStoreOptions {
  /** Seconds the events-per-second figure averages over; default 5. */
  rateWindowSeconds?: number;
}

/** Device listings fetched at once when (re)listing properties. */
const LISTING_CONCURRENCY = 4;

export class Explorer {
  readonly store: DeviceStore;
  private session: AylaSession | undefined;
  private account: AccountInfo | undefined;
  private signingInAs: AccountInfo | undefined;
  private signedOutReason: string | undefined;
  private sessionListeners: Disposable[] = [];
  private readonly streamStates = new Map<EventType, StreamState>();
  /** When each reconnecting stream tries next (ms epoch), fixed when the state arrives so countdowns count down. */
  private readonly nextTries = new Map<EventType, number>();
  private paused = false;
  private received = 0;
  private readonly rateSamples: number[] = [];
  private rateTimer: NodeJS.Timeout | undefined;
  private readonly rateWindow: number;
  private readonly stateEmitter = new Emitter<ExplorerState>();
  private readonly resumeEmitter = new Emitter<void>();
  private readonly streamEventEmitter = new Emitter<DssEvent>();
  private readonly undecodableEmitter = new Emitter<UndecodableFrame>();

  /** Every change of sign-in, streaming, pause or rate (the rate at most once a second). */
  readonly onDidChangeState = (listener: (state: ExplorerState) => void): Disposable => this.stateEmitter.event(listener);
  /** Views were frozen and must now show the latest state at once. */
  readonly onDidResume = (listener: () => void): Disposable => this.resumeEmitter.event(listener);
  /** Every event received, paused or not, after the store applied it. */
  readonly onEvent = (listener: (event: DssEvent) => void): Disposable => this.streamEventEmitter.event(listener);
  /** Every frame that arrived but could not be decoded into an event (shown raw in the events channel). */
  readonly onUndecodable = (listener: (frame: UndecodableFrame) => void): Disposable => this.undecodableEmitter.event(listener);

  constructor(options: ExplorerOptions = {}) {
    this.store = new DeviceStore(options);
    this.rateWindow = Math.max(1, options.rateWindowSeconds ?? 5);
  }

  get state(): ExplorerState {
    if (this.session && this.account) {
      return {
        kind: 'signedIn',
        account: this.account,
        streaming: this.streamingStatus(),
        paused: this.paused,
        streams: [...this.streamStates.keys()],
        eventsPerSecond: this.eventsPerSecond(),
        eventsReceived: this.received,
      };
    }
    if (this.signingInAs) return { kind: 'signingIn', account: this.signingInAs };
    return { kind: 'signedOut', reason: this.signedOutReason };
  }

  get currentSession(): AylaSession | undefined {
    return this.session;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** A sign-in is under way (the status bar shows it). */
  signingIn(account: AccountInfo): void {
    this.signingInAs = account;
    this.fire();
  }

  /** Sign-in did not happen; back to signed out with the reason. */
  signInFailed(reason: string): void {
    this.signingInAs = undefined;
    this.signedOutReason = reason;
    this.fire();
  }

  /** Takes over a signed-in session: lists devices and properties. Streaming is started separately. */
  async attach(session: AylaSession, account: AccountInfo): Promise<void> {
    await this.detach(undefined);
    this.session = session;
    this.account = account;
    this.signingInAs = undefined;
    this.signedOutReason = undefined;
    this.sessionListeners = [
      session.onEvent((event) => this.received_(event)),
      session.onUndecodable((frame) => this.undecodableEmitter.fire(frame)),
      session.onStreamState((state) => this.streamStateChanged(state)),
      session.onState((state) => {
        if (state.kind === 'signedOut') void this.detach(state.reason);
      }),
    ];
    this.fire();
    await this.refreshDevices();
  }

  /** Forgets the session (after sign-out, or when it ended): views go back to signed out. */
  async detach(reason: string | undefined): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.session = undefined;
    this.account = undefined;
    this.signedOutReason = reason;
    for (const listener of this.sessionListeners) listener.dispose();
    this.sessionListeners = [];
    this.streamStates.clear();
    this.nextTries.clear();
    this.paused = false;
    this.stopRate();
    this.store.clear();
    this.fire();
  }

  /** Re-lists devices and their properties from the device service. */
  async refreshDevices(): Promise<void> {
    const session = this.requireSession();
    const asOf = Date.now();
    const devices = await session.devices.listDevices();
    if (this.session !== session) return;
    this.store.loadDevices(devices, asOf);
    await this.listProperties(session, devices.map((d) => d.dsn), asOf);
  }

  async startStreaming(settings: StreamingSettings): Promise<void> {
    const session = this.requireSession();
    this.streamStates.clear();
    const types = settings.eventTypes.length > 0 ? settings.eventTypes : EVENT_TYPES;
    for (const type of types) this.streamStates.set(type, { kind: 'connecting' });
    this.received = 0;
    this.rateSamples.length = 0;
    this.fire();
    try {
      await session.startStreaming({
        eventTypes: types,
        ...(settings.dsn.trim() && { dsn: commaList(settings.dsn) }),
        ...(settings.propertyName.trim() && { propertyName: commaList(settings.propertyName) }),
        ...(settings.oemModel.trim() && { oemModel: commaList(settings.oemModel) }),
        ...(settings.stream && { stream: settings.stream }),
      });
    } catch (error) {
      this.streamStates.clear();
      this.fire();
      throw error;
    }
    this.startRate();
  }

  /** Closes the sockets and deletes this session's subscriptions. */
  async stopStreaming(): Promise<void> {
    const session = this.requireSession();
    await session.stopStreaming();
    this.streamStates.clear();
    this.paused = false;
    this.stopRate();
    this.fire();
  }

  pause(): void {
    if (this.paused || !this.session) return;
    this.paused = true;
    this.fire();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.fire();
    this.resumeEmitter.fire();
  }

  dispose(): void {
    void this.detach(undefined);
    this.stopRate();
    this.stateEmitter.dispose();
    this.resumeEmitter.dispose();
    this.streamEventEmitter.dispose();
    this.undecodableEmitter.dispose();
  }

  private received_(event: DssEvent): void {
    this.received++;
    const known = this.store.device(event.dsn);
    this.store.apply(event);
    this.streamEventEmitter.fire(event);
    // A device registered while streaming appears through events only: fetch its properties.
    if (event.type === 'registration' && event.registered === true && (!known || known.knownFromEventsOnly) && this.session) {
      void this.listProperties(this.session, [event.dsn], Date.now()).catch(() => undefined);
    }
  }

  private streamStateChanged({ eventType, state }: TypedStreamState): void {
    if (state.kind === 'stopped') this.streamStates.delete(eventType);
    else this.streamStates.set(eventType, state);
    if (state.kind === 'reconnecting') this.nextTries.set(eventType, Date.now() + state.delayMs);
    else this.nextTries.delete(eventType);
    this.fire();
  }

  private streamingStatus(): StreamingStatus {
    const states = [...this.streamStates.entries()];
    if (states.length === 0) return { kind: 'stopped' };
    const reconnecting = states.filter(([, s]) => s.kind === 'reconnecting');
    if (reconnecting.length > 0) {
      let attempt = 0;
      let nextTryAt = Infinity;
      let reason = '';
      for (const [type, s] of reconnecting) {
        if (s.kind !== 'reconnecting') continue;
        attempt = Math.max(attempt, s.attempt);
        const at = this.nextTries.get(type) ?? Date.now() + s.delayMs;
        if (at < nextTryAt) {
          nextTryAt = at;
          reason = `${type}: ${s.reason}`;
        }
      }
      return { kind: 'reconnecting', attempt, nextTryAt, reason };
    }
    const failed = states.find(([, s]) => s.kind === 'failed');
    if (failed && failed[1].kind === 'failed') return { kind: 'failed', reason: `${failed[0]}: ${failed[1].reason}` };
    if (states.some(([, s]) => s.kind === 'connecting')) return { kind: 'connecting' };
    return { kind: 'live' };
  }

  private async listProperties(session: AylaSession, dsns: readonly string[], asOf: number): Promise<void> {
    const queue = [...dsns];
    const worker = async (): Promise<void> => {
      for (let dsn = queue.shift(); dsn !== undefined; dsn = queue.shift()) {
        const properties = await session.devices.listProperties(dsn);
        if (this.session !== session) return;
        this.store.loadProperties(dsn, properties, asOf);
      }
    };
    await Promise.all(Array.from({ length: Math.min(LISTING_CONCURRENCY, queue.length) }, worker));
  }

  private eventsPerSecond(): number {
    const samples = this.rateSamples;
    if (samples.length < 2) return 0;
    return (samples[samples.length - 1]! - samples[0]!) / (samples.length - 1);
  }

  /** Samples the received count once a second; the rate is the average over the window. */
  private startRate(): void {
    this.stopRate();
    this.rateSamples.push(this.received);
    this.rateTimer = setInterval(() => {
      this.rateSamples.push(this.received);
      if (this.rateSamples.length > this.rateWindow + 1) this.rateSamples.shift();
      this.fire();
    }, 1000);
    this.rateTimer.unref();
  }

  private stopRate(): void {
    clearInterval(this.rateTimer);
    this.rateTimer = undefined;
    this.rateSamples.length = 0;
  }

  private requireSession(): AylaSession {
    if (!this.session) throw new Error('Not signed in: run "Ayla DSS: Sign In" first.');
    return this.session;
  }

  private fire(): void {
    this.stateEmitter.fire(this.state);
  }
}

function commaList(value: string): string[] {
  return value.split(',').map((v) => v.trim()).filter(Boolean);
}
