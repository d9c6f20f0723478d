// The fault matrix's rig (issue 7): a simulator on 127.0.0.1 (optionally behind a WireProxy), an AylaSession
// streaming all five event types from it over real sockets, and a recorder that accounts for every event the
// simulator numbered: received, lost and duplicated per subscription (by seq, against what the simulator
// says it numbered), events per type, stream states with the time from leaving `live` to `live` again, and
// the notices a user would get. Each row of the matrix hands its figures to a shared collector; the root
// `after` hook writes them to test-results/reliability-core.json and prints a table.
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DssEvent, UndecodableFrame } from '../../../../src/ayla/events';
import { EVENT_TYPES } from '../../../../src/ayla/events';
import { resolveHosts, type AylaHosts } from '../../../../src/ayla/hosts';
import { HttpClient, type HttpClientOptions } from '../../../../src/ayla/http';
import { AylaSession, type StreamingOptions, type TypedStreamState } from '../../../../src/ayla/session';
import type { StreamState } from '../../../../src/ayla/stream';
import type { TokenKeeperOptions, TokenState } from '../../../../src/ayla/tokenKeeper';
import type { EventType } from '../../../../src/ayla/wireTypes';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../../../src/simulator';
import { repoRoot } from '../../support/fixtureFile';
import { sleep, waitFor } from '../../support/waitFor';
import { startWireProxy, type WireProxy } from './wireProxy';

/** AYLA_FAULTS_FULL=1: the issue's full lengths (a drop every few seconds for a minute, …) instead of the compressed default. */
export const FULL = process.env.AYLA_FAULTS_FULL === '1';

/**
 * The simulator's heartbeat in the matrix (the client's watchdog is 3.5 of these; the simulator closes after 3
 * unanswered). Long enough that a busy, shared machine stalling the event loop for a moment is no fault of
 * its own; the heartbeat rows use HEARTBEAT_FAST_MS.
 */
export const HEARTBEAT_MS = 1000;
/** The heartbeat rows' interval: their faults are about heartbeats, so they come quickly. */
export const HEARTBEAT_FAST_MS = 200;

/** Production backoff (1 s first step, 30 s cap, reset after 10 s live) scaled down 5×, so a row fits in seconds. */
export const MATRIX_BACKOFF = { initialMs: 200, maxMs: 6000, resetAfterMs: 2000 };

// ── Accounting ──────────────────────────────────────────────────────────────────────────────────────

interface SequenceAccount {
  eventType: EventType;
  /** Highest seq delivered. */
  last: number;
  delivered: number;
  /** Seqs skipped over inside the stream of deliveries (a gap the client did not fill). */
  skipped: number;
  /** Deliveries at or below the last one (the same event twice, or out of order). */
  duplicated: number;
}

export interface Outage {
  eventType: EventType;
  from: StreamState['kind'];
  startedAt: number;
  endedAt: number | undefined;
  /** Every state in the outage, in order. */
  states: StreamState[];
}

export interface Notice {
  kind: 'broke' | 'failed' | 'signedOut';
  text: string;
}

type Status = 'stopped' | 'connecting' | 'live' | 'reconnecting' | 'failed';

/** The session's streams as one status, the way the extension's status bar and alerts see them. */
function aggregate(states: Map<EventType, StreamState>): Status {
  const kinds = [...states.values()].map((s) => s.kind);
  if (kinds.length === 0) return 'stopped';
  if (kinds.includes('reconnecting')) return 'reconnecting';
  if (kinds.includes('failed')) return 'failed';
  if (kinds.includes('connecting')) return 'connecting';
  return kinds.every((k) => k === 'stopped') ? 'stopped' : 'live';
}

/**
 * Records what an AylaSession reports. Events are accounted per subscription: the session's active
 * subscription for the event's type when it arrives (a renewal changes it before the new socket opens).
 */
export class SessionRecorder {
  readonly byType = new Map<EventType | 'unknown', number>();
  readonly sequences = new Map<number, SequenceAccount>();
  /** Events without a seq (outside every sequence). */
  readonly unsequenced: DssEvent[] = [];
  readonly undecodable: UndecodableFrame[] = [];
  readonly states: (TypedStreamState & { at: number })[] = [];
  readonly outages: Outage[] = [];
  readonly notices: Notice[] = [];
  readonly tokenStates: TokenState[] = [];
  readonly gaps: { eventType: EventType; from: number; to: number }[] = [];
  readonly logs: string[] = [];
  /** Keep every event (rows that check raw text); off for the soak. */
  keepEvents = true;
  readonly events: DssEvent[] = [];
  private readonly current = new Map<EventType, StreamState>();
  private readonly subscriptionOf = new Map<EventType, number>();
  private readonly open = new Map<EventType, Outage>();
  private status: Status = 'stopped';
  private inOutage = false;

  constructor(private readonly session: AylaSession) {
    session.onStreamState((s) => this.state(s));
    session.onEvent((e) => this.event(e));
    session.onUndecodable((f) => {
      this.undecodable.push(f);
      // An undecodable event that carries its seq arrived all the same (shown raw): it counts as received.
      if (f.seq !== undefined && f.eventType !== undefined) this.count(f.eventType, f.seq);
    });
    session.onGap((g) => this.gaps.push(g));
    session.onState((s) => {
      this.tokenStates.push(s);
      if (s.kind === 'signedOut') this.notices.push({ kind: 'signedOut', text: s.reason });
    });
  }

  readonly log = (level: string, line: string): void => {
    this.logs.push(`${level} ${line}`);
  };

  get received(): number {
    let n = 0;
    for (const a of this.sequences.values()) n += a.delivered;
    return n;
  }

  /** Every subscription id events were accounted to, or that is active now. */
  subscriptionIds(): number[] {
    this.refreshSubscriptions();
    return [...new Set([...this.sequences.keys(), ...this.subscriptionOf.values()])];
  }

  reconnectTimes(): number[] {
    return this.outages.filter((o) => o.from === 'live' && o.endedAt !== undefined).map((o) => o.endedAt! - o.startedAt);
  }

  /** Outages that started from live and ended live again, per event type. */
  recoveries(eventType?: EventType): Outage[] {
    return this.outages.filter((o) => o.from === 'live' && o.endedAt !== undefined && (eventType === undefined || o.eventType === eventType));
  }

  stateKinds(eventType: EventType): string[] {
    return this.states.filter((s) => s.eventType === eventType).map((s) => s.state.kind);
  }

  private refreshSubscriptions(): void {
    for (const s of this.session.activeSubscriptions()) this.subscriptionOf.set(s.subscription_type, s.id);
  }

  private event(event: DssEvent): void {
    if (this.keepEvents) this.events.push(event);
    const type = event.type;
    this.byType.set(type, (this.byType.get(type) ?? 0) + 1);
    if (event.seq === undefined) {
      this.unsequenced.push(event);
      return;
    }
    const eventType = type === 'unknown' ? this.typeOfUnknown(event) : type;
    this.count(eventType, event.seq);
  }

  /** An event of an unknown type came on one of our streams: its metadata says which (or the rewrite kept it). */
  private typeOfUnknown(event: DssEvent): EventType {
    const original = event.metadata.original_event_type;
    if (typeof original === 'string' && (EVENT_TYPES as readonly string[]).includes(original)) return original as EventType;
    throw new Error(`an unknown event type arrived without a way to tell its stream: ${event.raw.slice(0, 120)}`);
  }

  /** Accounts one seq delivered on `eventType`'s current subscription (also used for undecodable frames that carry a seq). */
  count(eventType: EventType, seq: number): void {
    let id = this.subscriptionOf.get(eventType);
    if (id === undefined) {
      this.refreshSubscriptions();
      id = this.subscriptionOf.get(eventType);
    }
    if (id === undefined) throw new Error(`a ${eventType} event arrived with no ${eventType} subscription active`);
    let account = this.sequences.get(id);
    if (!account) this.sequences.set(id, (account = { eventType, last: 0, delivered: 0, skipped: 0, duplicated: 0 }));
    if (seq <= account.last) {
      account.duplicated++;
      return;
    }
    account.skipped += seq - account.last - 1;
    account.last = seq;
    account.delivered++;
  }

  private state(typed: TypedStreamState): void {
    const at = Date.now();
    this.states.push({ ...typed, at });
    const { eventType, state } = typed;
    const previous = this.current.get(eventType);
    this.current.set(eventType, state);
    this.refreshSubscriptions();
    // Per stream: an outage runs from leaving live (or connecting) until live again.
    const open = this.open.get(eventType);
    if (state.kind === 'live') {
      if (open) {
        open.endedAt = at;
        this.open.delete(eventType);
      }
    } else if (state.kind === 'stopped') {
      this.open.delete(eventType);
    } else if (open) {
      open.states.push(state);
    } else if (previous && (previous.kind === 'live' || previous.kind === 'connecting')) {
      const outage: Outage = { eventType, from: previous.kind, startedAt: at, endedAt: undefined, states: [state] };
      this.outages.push(outage);
      this.open.set(eventType, outage);
    }
    // Notices, as the extension's StreamAlerts words them: one when streaming as a whole breaks (not one
    // per stream or per retry), one when it fails.
    const status = aggregate(this.current);
    if ((status === 'reconnecting' || status === 'failed') && this.status === 'live' && !this.inOutage) {
      this.inOutage = true;
      this.notices.push({ kind: 'broke', text: state.kind === 'reconnecting' || state.kind === 'failed' ? state.reason : state.kind });
    }
    if (status === 'failed' && this.status !== 'failed') this.notices.push({ kind: 'failed', text: state.kind === 'failed' ? state.reason : '' });
    if (status === 'live' || status === 'stopped') this.inOutage = false;
    this.status = status;
  }
}

// ── The rig ─────────────────────────────────────────────────────────────────────────────────────────

export interface RigOptions {
  sim?: SimulatorOptions;
  /** Put a WireProxy between the session and the simulator (REST and stream). */
  proxy?: boolean;
  stream?: StreamingOptions['stream'];
  tokens?: TokenKeeperOptions;
  http?: HttpClientOptions;
  eventTypes?: readonly EventType[];
  /** Per-service host overrides applied on top of the simulator's (or proxy's) address. */
  hostOverrides?: Partial<AylaHosts>;
  /** Sees every HTTP attempt the session makes. */
  onRequest?: HttpClientOptions['onRequest'];
}

export interface Rig {
  readonly sim: Simulator;
  readonly proxy: WireProxy | undefined;
  readonly session: AylaSession;
  readonly rec: SessionRecorder;
  readonly hosts: AylaHosts;
  readonly eventTypes: readonly EventType[];
  /** Events per second per device (0 pauses the devices). */
  rate(eventsPerSecondPerDevice: number): void;
  /** Waits until every stream is live. */
  allLive(timeoutMs?: number): Promise<void>;
  /** Pauses the devices, lets pending acks out, and waits until the session received everything the simulator numbered. */
  settle(timeoutMs?: number): Promise<Accounting>;
  account(): Accounting;
  /**
   * Stops the simulator abruptly (sockets cut) and starts a new one on the same port and the same world after
   * `downMs`, and not before `until()` holds (e.g. every stream has tried and been refused).
   */
  killAndRestart(downMs: number, until?: () => boolean): Promise<void>;
  stop(): Promise<void>;
}

export interface Accounting {
  /** Events the simulator numbered in the session's subscriptions. */
  sent: number;
  received: number;
  lost: number;
  duplicated: number;
  byType: Record<string, number>;
  /** Per subscription: what the simulator numbered vs what arrived. */
  perSubscription: { id: number; eventType: string; numbered: number; delivered: number; last: number }[];
}

const ACK_DELAY_MS = 20;

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const simOptions: SimulatorOptions = { port: 0, eventsPerSecond: 0, heartbeatMs: HEARTBEAT_MS, devices: 3, ackDelayMs: ACK_DELAY_MS, ...options.sim };
  let sim = await startSimulator(simOptions);
  const proxy = options.proxy ? await startWireProxy(sim.url) : undefined;
  const baseUrl = proxy?.url ?? sim.url;
  const hosts = resolveHosts({ region: 'us', deployment: 'field', clientType: 'mobile', baseUrl, overrides: { stream: proxy?.streamUrl ?? sim.streamUrl, ...options.hostOverrides } });
  const http = new HttpClient({ retryBaseDelayMs: 50, ...options.http, ...(options.onRequest && { onRequest: options.onRequest }) });
  let rec: SessionRecorder | undefined;
  const log = (level: string, line: string): void => rec?.log(level, line);
  const session = await AylaSession.signIn({ hosts, clientType: 'mobile', http, tokens: options.tokens, log }, sim.demo);
  rec = new SessionRecorder(session);
  const eventTypes = options.eventTypes ?? EVENT_TYPES;
  await session.startStreaming({ eventTypes, stream: { heartbeatIntervalMs: simOptions.heartbeatMs, backoff: MATRIX_BACKOFF, ...options.stream } });
  let rate = 0;

  const account = (): Accounting => {
    const numbered = new Map(sim.sequences().map((s) => [s.id, s.lastSeq]));
    const perSubscription = rig.rec.subscriptionIds().map((id) => {
      const a = rig.rec.sequences.get(id);
      const type = a?.eventType ?? session.activeSubscriptions().find((s) => s.id === id)?.subscription_type ?? '?';
      return { id, eventType: type, numbered: numbered.get(id) ?? 0, delivered: a?.delivered ?? 0, last: a?.last ?? 0 };
    });
    let sent = 0;
    let lost = 0;
    let duplicated = 0;
    for (const p of perSubscription) {
      sent += p.numbered;
      lost += Math.max(0, p.numbered - p.delivered);
      duplicated += rig.rec.sequences.get(p.id)?.duplicated ?? 0;
    }
    return { sent, received: rig.rec.received, lost, duplicated, byType: Object.fromEntries(rig.rec.byType), perSubscription };
  };

  const rig: Rig = {
    get sim() {
      return sim;
    },
    proxy,
    session,
    rec,
    hosts,
    eventTypes,
    rate(r) {
      rate = r;
      sim.setRate(r);
    },
    async allLive(timeoutMs = 20_000) {
      await waitFor(
        `every stream live (${[...session.streamStates()].map(([t, s]) => `${t}: ${s.kind}`).join(', ')})`,
        () => session.streamStates().size === eventTypes.length && [...session.streamStates().values()].every((s) => s.kind === 'live'),
        timeoutMs,
        20,
      );
    },
    async settle(timeoutMs = 30_000) {
      sim.setRate(0);
      await sleep(ACK_DELAY_MS * 5); // acks of the last setpoint writes
      await waitFor(
        'every numbered event received',
        () => {
          const a = account();
          return a.perSubscription.filter((p) => session.activeSubscriptions().some((s) => s.id === p.id)).every((p) => p.last >= p.numbered);
        },
        timeoutMs,
        20,
      ).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}: ${JSON.stringify(account().perSubscription)}`);
      });
      sim.setRate(rate);
      return account();
    },
    account,
    async killAndRestart(downMs, until) {
      const port = sim.port;
      const world = sim.world;
      sim.faults.dropAllSockets();
      await sim.stop();
      await sleep(downMs);
      if (until) await waitFor('the condition to restart the simulator', until, 30_000, 10);
      sim = await startSimulator({ ...simOptions, port, world });
      sim.setRate(rate);
    },
    async stop() {
      sim.setRate(0);
      await session.stopStreaming().catch(() => undefined);
      session.dispose();
      await proxy?.close();
      await sim.stop();
    },
  };
  await rig.allLive();
  return rig;
}

/** Asserts what every row asserts about the stream of events: all five types seen, nothing lost, nothing twice. */
export function assertNoLoss(a: Accounting, minimumEvents: number, eventTypes: readonly string[] = EVENT_TYPES): void {
  assert.ok(a.sent >= minimumEvents, `at least ${minimumEvents} events were numbered by the simulator (got ${a.sent})`);
  for (const type of eventTypes) assert.ok((a.byType[type] ?? 0) > 0, `${type} events arrived (by type: ${JSON.stringify(a.byType)})`);
  assert.equal(a.lost, 0, `no event lost: ${JSON.stringify(a.perSubscription)}`);
  assert.equal(a.duplicated, 0, 'no event delivered twice');
  assert.equal(a.received, a.sent, 'received = numbered');
}

// ── Figures ─────────────────────────────────────────────────────────────────────────────────────────

export interface RowFigures {
  fault: string;
  injections: number;
  eventsSent: number;
  received: number;
  lost: number;
  duplicated: number;
  reconnects: number;
  reconnectMsMedian: number | null;
  reconnectMsMax: number | null;
  notices: number;
  /** Anything else a row measured (undecodable frames, calls made, …). */
  extra?: Record<string, number | string>;
}

const COLLECTOR_KEY = Symbol.for('ayla.faultMatrix.figures');
type Collector = { rows: RowFigures[]; hooked: boolean };
const collector: Collector = ((globalThis as Record<symbol, unknown>)[COLLECTOR_KEY] as Collector | undefined) ??
  ((globalThis as Record<symbol, unknown>)[COLLECTOR_KEY] = { rows: [], hooked: false } as Collector);

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

/** Adds a row's figures (from an accounting and a recorder) to the suite's table. */
export function recordFigures(fault: string, injections: number, a: Pick<Accounting, 'sent' | 'received' | 'lost' | 'duplicated'>, rec: SessionRecorder | undefined, extra?: RowFigures['extra'], reconnectTimes?: number[]): RowFigures {
  const times = reconnectTimes ?? rec?.reconnectTimes() ?? [];
  const row: RowFigures = {
    fault,
    injections,
    eventsSent: a.sent,
    received: a.received,
    lost: a.lost,
    duplicated: a.duplicated,
    reconnects: times.length,
    reconnectMsMedian: median(times),
    reconnectMsMax: times.length > 0 ? Math.max(...times) : null,
    notices: rec?.notices.length ?? 0,
    ...(extra && { extra }),
  };
  collector.rows.push(row);
  return row;
}

export function figuresTable(rows: readonly RowFigures[]): string {
  const header = ['fault', 'inj.', 'sent', 'received', 'lost', 'dup.', 'reconn.', 'median ms', 'max ms', 'notices'];
  const body = rows.map((r) => [r.fault, r.injections, r.eventsSent, r.received, r.lost, r.duplicated, r.reconnects, r.reconnectMsMedian ?? '–', r.reconnectMsMax ?? '–', r.notices].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...body.map(line)].join('\n');
}

// Outside mocha (the soak script) there is no `after`: nothing to collect for.
if (!collector.hooked && typeof after === 'function') {
  collector.hooked = true;
  // A root hook: runs once, after every file of the run.
  after(function writeReliabilityFigures() {
    if (collector.rows.length === 0) return;
    const dir = join(repoRoot(), 'test-results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'reliability-core.json');
    writeFileSync(file, `${JSON.stringify({ generatedAt: new Date().toISOString(), full: FULL, node: process.version, rows: collector.rows }, null, 2)}\n`);
    console.log(`\nFault matrix (core level${FULL ? ', full length' : ''}); figures in ${file}\n${figuresTable(collector.rows)}\n`);
  });
}
