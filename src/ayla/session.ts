// AylaSession: one signed-in account and its streams (design.md "Session lifecycle"). Tokens →
// one subscription per chosen event type (named so leftovers are recognisable) → one DssStream each,
// which answers heartbeats, reconnects and resumes by seq. On HTTP 401 at a stream's upgrade it makes
// a fresh subscription (the token keeper refreshes the token first when it is stale). On stop or
// sign-out it closes the sockets and deletes the subscriptions it created.
import { Emitter, type Disposable } from './emitter';
import { EVENT_TYPES, type DssEvent, type UndecodableFrame } from './events';
import type { AylaHosts, HostClientType } from './hosts';
import { HttpClient } from './http';
import { DeviceService } from './deviceService';
import { DssStream, type DssStreamOptions, type StreamGap, type StreamLogLevel, type StreamState } from './stream';
import { SubscriptionService, type FilterValue } from './subscriptions';
import { TokenKeeper, type TokenKeeperOptions, type TokenState } from './tokenKeeper';
import { UserService, type SignInCredentials, type Tokens } from './userService';
import type { EventType, Subscription } from './wireTypes';

export type SessionLog = (level: StreamLogLevel, line: string) => void;

export interface SessionOptions {
  hosts: AylaHosts;
  clientType: HostClientType;
  /** Shared HTTP client (timeouts, retries, proxy dispatcher); default a new one. */
  http?: HttpClient;
  tokens?: TokenKeeperOptions;
  /** Never receives a token, password, app secret or stream key. */
  log?: SessionLog;
}

export interface StreamingOptions {
  /** Default: all five. */
  eventTypes?: readonly EventType[];
  dsn?: FilterValue;
  propertyName?: FilterValue;
  oemModel?: FilterValue;
  /** OEM id, for cloud subscriptions. */
  oem?: string;
  stream?: Pick<DssStreamOptions, 'heartbeatIntervalMs' | 'backoff' | 'maxPayloadBytes' | 'connectTimeoutMs'>;
}

export interface TypedStreamState {
  eventType: EventType;
  state: StreamState;
}

export interface TypedStreamGap extends StreamGap {
  eventType: EventType;
}

interface RunningStream {
  eventType: EventType;
  subscription: Subscription;
  stream: DssStream;
  listeners: Disposable[];
}

export class AylaSession {
  readonly users: UserService;
  readonly devices: DeviceService;
  readonly subscriptions: SubscriptionService;
  readonly keeper: TokenKeeper;

  private readonly log: SessionLog;
  private readonly running = new Map<EventType, RunningStream>();
  private streamingOptions: StreamingOptions | undefined;
  private readonly eventEmitter = new Emitter<DssEvent>();
  private readonly undecodableEmitter = new Emitter<UndecodableFrame>();
  private readonly streamStateEmitter = new Emitter<TypedStreamState>();
  private readonly gapEmitter = new Emitter<TypedStreamGap>();

  readonly onEvent = (listener: (event: DssEvent) => void): Disposable => this.eventEmitter.event(listener);
  readonly onUndecodable = (listener: (frame: UndecodableFrame) => void): Disposable => this.undecodableEmitter.event(listener);
  readonly onStreamState = (listener: (state: TypedStreamState) => void): Disposable => this.streamStateEmitter.event(listener);
  readonly onGap = (listener: (gap: TypedStreamGap) => void): Disposable => this.gapEmitter.event(listener);
  /** `signedOut(reason)` when the refresh token is rejected or the user signs out. */
  readonly onState = (listener: (state: TokenState) => void): Disposable => this.keeper.onState(listener);
  /** New tokens after every refresh (to be stored). */
  readonly onTokens = (listener: (tokens: Tokens) => void): Disposable => this.keeper.onTokens(listener);

  /** Signs in once; a failure is never retried here (five failures lock the account). */
  static async signIn(options: SessionOptions, credentials: SignInCredentials): Promise<AylaSession> {
    const http = options.http ?? new HttpClient();
    const users = new UserService({ origin: options.hosts.user, http });
    const tokens = await users.signIn(credentials);
    return new AylaSession({ ...options, http }, tokens);
  }

  /** Resumes a session from stored tokens (refreshing them when they have expired). */
  constructor(
    private readonly options: SessionOptions,
    tokens: Tokens,
  ) {
    const http = options.http ?? new HttpClient();
    this.log = options.log ?? ((): void => undefined);
    this.users = new UserService({ origin: options.hosts.user, http });
    this.keeper = new TokenKeeper(this.users, tokens, options.tokens);
    const auth = { accessToken: this.keeper.accessToken, onUnauthorized: this.keeper.onUnauthorized };
    this.devices = new DeviceService({ origin: options.hosts.device, http, ...auth });
    this.subscriptions = new SubscriptionService({ origin: options.hosts.dssRest, http, ...auth });
    this.keeper.onState((state) => {
      if (state.kind !== 'signedOut') return;
      this.log('warn', state.reason);
      // The subscriptions can no longer be deleted without a token; closing the sockets is what is left.
      void this.closeStreams();
    });
  }

  get signedIn(): boolean {
    return this.keeper.state.kind === 'signedIn';
  }

  get streaming(): boolean {
    return this.running.size > 0;
  }

  /** Each running stream's state, by event type. */
  streamStates(): Map<EventType, StreamState> {
    return new Map([...this.running].map(([type, r]) => [type, r.stream.state]));
  }

  /** The subscriptions this session created and streams from now. */
  activeSubscriptions(): Subscription[] {
    return [...this.running.values()].map((r) => r.subscription);
  }

  /** Subscribes to each event type and opens its stream. If any subscription is refused, none is left behind. */
  async startStreaming(options: StreamingOptions = {}): Promise<void> {
    if (this.streaming) await this.stopStreaming();
    this.streamingOptions = options;
    const eventTypes = [...new Set(options.eventTypes ?? EVENT_TYPES)];
    const created = await Promise.allSettled(eventTypes.map((type) => this.subscribe(type)));
    const refused = created.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (refused) {
      const made = created.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      await Promise.all(made.map((s) => this.deleteQuietly(s)));
      throw refused.reason;
    }
    created.forEach((result, i) => {
      if (result.status === 'fulfilled') this.open(eventTypes[i]!, result.value);
    });
  }

  /** Closes every socket and deletes the subscriptions this session created. */
  async stopStreaming(): Promise<void> {
    const subscriptions = this.activeSubscriptions();
    await this.closeStreams();
    if (this.signedIn) await Promise.all(subscriptions.map((s) => this.deleteQuietly(s)));
  }

  /** Stops streaming, revokes the tokens on the server, and ends the session. */
  async signOut(): Promise<void> {
    await this.stopStreaming();
    if (this.signedIn) {
      try {
        await this.users.signOut(this.keeper.tokens.accessToken);
      } catch (error) {
        this.log('warn', `The server did not confirm the sign-out (${messageOf(error)}); the tokens are forgotten here anyway.`);
      }
    }
    this.keeper.signOut('Signed out.');
  }

  dispose(): void {
    void this.closeStreams();
    this.keeper.dispose();
    for (const emitter of [this.eventEmitter, this.undecodableEmitter, this.streamStateEmitter, this.gapEmitter]) emitter.dispose();
  }

  private subscribe(eventType: EventType): Promise<Subscription> {
    const o = this.streamingOptions ?? {};
    return this.subscriptions.createSubscription({
      eventType,
      clientType: this.options.clientType,
      ...(o.dsn !== undefined && { dsn: o.dsn }),
      ...(o.propertyName !== undefined && { propertyName: o.propertyName }),
      ...(o.oemModel !== undefined && { oemModel: o.oemModel }),
      ...(o.oem !== undefined && { oem: o.oem }),
    });
  }

  private open(eventType: EventType, subscription: Subscription): void {
    const stream = new DssStream({
      ...this.streamingOptions?.stream,
      eventType,
      url: this.options.hosts.stream,
      streamKey: subscription.stream_key,
      renewKey: () => this.renew(eventType),
      log: (level, line) => this.log(level, line),
    });
    const listeners = [
      stream.onEvent((event) => this.eventEmitter.fire(event)),
      stream.onUndecodable((frame) => this.undecodableEmitter.fire({ ...frame, eventType })),
      stream.onState((state) => this.streamStateEmitter.fire({ eventType, state })),
      stream.onGap((gap) => this.gapEmitter.fire({ ...gap, eventType })),
    ];
    this.running.set(eventType, { eventType, subscription, stream, listeners });
    stream.start();
  }

  /** The stream key was refused: replace the subscription with a fresh one. */
  private async renew(eventType: EventType): Promise<string> {
    const current = this.running.get(eventType);
    if (current) void this.deleteQuietly(current.subscription);
    const fresh = await this.subscribe(eventType);
    if (!current || this.running.get(eventType) !== current) {
      // Streaming stopped while the subscription was being made: it must not be left behind.
      await this.deleteQuietly(fresh);
      throw new Error('Streaming was stopped.');
    }
    current.subscription = fresh;
    this.log('info', `The ${eventType} stream key was refused; streaming again on a new subscription (${fresh.name}).`);
    return fresh.stream_key;
  }

  private async closeStreams(): Promise<void> {
    const streams = [...this.running.values()];
    this.running.clear();
    await Promise.all(
      streams.map(async (r) => {
        await r.stream.stop();
        for (const listener of r.listeners) listener.dispose();
      }),
    );
  }

  private async deleteQuietly(subscription: Subscription): Promise<void> {
    try {
      await this.subscriptions.deleteSubscription(subscription.id);
    } catch (error) {
      this.log('warn', `Could not delete subscription ${subscription.name} (${messageOf(error)}); "Delete Leftover Subscriptions" removes leftovers.`);
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
