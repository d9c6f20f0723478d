// DssStream: one WebSocket for one DSS subscription (one event type), kept alive for as long as the
// caller wants it (ayla-protocol.md §5, design.md "Session lifecycle"):
//   - answers every `1|Z` heartbeat; a watchdog reconnects a socket that heard nothing for ~3.5
//     heartbeat intervals;
//   - reconnects with exponential backoff and jitter after any close, error or refused upgrade (a
//     connection that delivered events starts the backoff over: a blip is retried within a second), and
//     resumes with `seq_start=<lastSeq+1>` so nothing is lost; events at or below the last seen seq
//     are dropped (no duplicates); a resume the server could not fill is reported as a gap;
//   - on HTTP 401 at the upgrade, asks the owner for a new stream key (a new subscription) once,
//     instead of looping on a dead key;
//   - a frame it cannot decode is counted and surfaced raw, never a reason to close the socket; nor is a
//     text frame that is not valid UTF-8 (ws would close with 1007, and the replay would send the same
//     frame again, forever): its invalid bytes read as U+FFFD, as `Buffer.toString` decodes them;
//   - every state change is emitted: monitoring never stops silently.
// The stream key is a secret: every log line and state reason is redacted.
import type WebSocket from 'ws';
import type { RawData } from 'ws';
import { isUtf8 } from 'node:buffer';
import { Backoff, type BackoffOptions } from './backoff';
import { decodeEvent, isDssEvent } from './decode';
import { Emitter, type Disposable } from './emitter';
import type { DssEvent, UndecodableFrame } from './events';
import { HEARTBEAT_ANSWER, parseFrame, parseFrameBytes } from './frames';
import { buildStreamUrl, redactStreamKeys } from './streamUrl';
import type { EventType } from './wireTypes';

export type StreamState =
  | { kind: 'connecting' }
  | { kind: 'live' }
  | { kind: 'reconnecting'; attempt: number; delayMs: number; reason: string }
  | { kind: 'stopped' }
  | { kind: 'failed'; reason: string };

export type StreamLogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface StreamGap {
  /** First seq that never arrived. */
  from: number;
  /** Last seq that never arrived. */
  to: number;
}

export interface StreamStats {
  /** Events handed to onEvent listeners. */
  events: number;
  /** Frames that could not be decoded (handed to onUndecodable listeners). */
  undecodable: number;
  /** `1|Z` heartbeats received (each one answered). */
  heartbeats: number;
  /** Times the connection was lost or refused and a new one was scheduled. */
  reconnects: number;
  /** Gaps in seq the server could not fill. */
  gaps: number;
  /** Events dropped because their seq was at or below the last one seen. */
  duplicatesDropped: number;
}

export interface DssStreamOptions {
  /** The subscription's event type (used in log lines). */
  eventType: EventType;
  /** `ws(s)://host/stream` */
  url: string;
  streamKey: string;
  /**
   * Called on HTTP 401 at the upgrade: create a fresh subscription (refreshing the token if needed)
   * and return its stream key. If it throws, the stream goes `failed` with the error's message.
   */
  renewKey: () => Promise<string>;
  /** The server's heartbeat interval (default 30000); the watchdog reconnects after 3.5 silent intervals. */
  heartbeatIntervalMs?: number;
  backoff?: Omit<BackoffOptions, 'now'>;
  /** Largest frame accepted (default 1 MiB); a larger one is reported as undecodable and the socket reopened. */
  maxPayloadBytes?: number;
  /** Time allowed for the WebSocket upgrade (default 15000). */
  connectTimeoutMs?: number;
  /** Never receives the stream key: URLs and messages are redacted. */
  log?: (level: StreamLogLevel, line: string) => void;
  now?: () => number;
}

const DEFAULT_MAX_PAYLOAD = 1024 * 1024;
/** Silence (in heartbeat intervals) after which the watchdog gives up on a socket: 3 intervals + slack. */
const SILENT_INTERVALS = 3.5;
/** How long stop() waits for the server to answer a close frame before cutting the connection. */
const CLOSE_GRACE_MS = 1000;
const WS_ERR_TOO_LARGE = 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function toText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/**
 * ws, loaded when the first stream connects rather than when the extension loads: evaluating it also loads
 * Node's http, https, tls and zlib, none of which activation needs.
 */
let wsModule: typeof WebSocket | undefined;
function webSocketClass(): typeof WebSocket {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (wsModule ??= require('ws') as typeof WebSocket);
}

/** WebSocket.readyState values (the same constants ws exports, without loading it). */
const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;

const ignore = (): void => undefined;

/** Forgets a socket at once: no more events from it reach the stream. */
function discard(ws: WebSocket): void {
  ws.removeAllListeners();
  ws.on('error', ignore);
  ws.terminate();
}

/** Closes a socket politely, cutting it if the server does not answer; resolves once it is closed. */
function closeGracefully(ws: WebSocket): Promise<void> {
  ws.removeAllListeners();
  ws.on('error', ignore);
  if (ws.readyState === CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    if (ws.readyState === CONNECTING) ws.terminate();
    else if (ws.readyState === OPEN) ws.close(1000, 'client stopping');
  });
}

export class DssStream {
  private readonly eventEmitter: Emitter<DssEvent>;
  private readonly undecodableEmitter: Emitter<UndecodableFrame>;
  private readonly stateEmitter: Emitter<StreamState>;
  private readonly gapEmitter: Emitter<StreamGap>;
  private readonly backoff: Backoff;
  private readonly now: () => number;
  private readonly silenceLimitMs: number;
  private readonly maxPayloadBytes: number;
  private readonly counters: StreamStats = { events: 0, undecodable: 0, heartbeats: 0, reconnects: 0, gaps: 0, duplicatesDropped: 0 };

  private currentState: StreamState = { kind: 'stopped' };
  private key: string;
  private ws: WebSocket | undefined;
  private started = false;
  private stopped = false;
  private stopping: Promise<void> | undefined;
  private renewing: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private lastHeard = 0;
  private last: number | undefined;
  /** A key was renewed and no socket has gone live since: another 401 means giving up. */
  private renewedSinceLive = false;
  /** The last error the current socket reported (used as the reconnect reason). */
  private socketError: string | undefined;
  private tooLarge = false;
  /** lastSeq (-1 when none) when an oversized frame last closed the socket; undefined when none did. */
  private lastSeqAtOversize: number | undefined;
  private skipOne = false;
  private mismatchLogged = false;
  private invalidUtf8Logged = false;
  /** The current connection delivered an event: it worked, so losing it starts the backoff over. */
  private progressed = false;

  constructor(private readonly options: DssStreamOptions) {
    this.key = options.streamKey;
    this.now = options.now ?? Date.now;
    const onListenerError = (error: unknown): void => this.log('error', `a listener threw: ${messageOf(error)}`);
    this.eventEmitter = new Emitter(onListenerError);
    this.undecodableEmitter = new Emitter(onListenerError);
    this.stateEmitter = new Emitter(onListenerError);
    this.gapEmitter = new Emitter(onListenerError);
    this.backoff = new Backoff({ ...options.backoff, now: this.now });
    const heartbeat = options.heartbeatIntervalMs ?? 30000;
    if (!(heartbeat > 0)) throw new RangeError(`heartbeatIntervalMs must be positive (got ${heartbeat}).`);
    this.silenceLimitMs = heartbeat * SILENT_INTERVALS;
    this.maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD;
    // Fail early on a malformed URL (a programming or settings error, not a network one).
    buildStreamUrl(options.url, 'x');
  }

  readonly onEvent = (listener: (e: DssEvent) => void): Disposable => this.eventEmitter.event(listener);
  readonly onUndecodable = (listener: (f: UndecodableFrame) => void): Disposable => this.undecodableEmitter.event(listener);
  readonly onState = (listener: (s: StreamState) => void): Disposable => this.stateEmitter.event(listener);
  readonly onGap = (listener: (g: StreamGap) => void): Disposable => this.gapEmitter.event(listener);

  /** `stopped` before start() and after stop(). */
  get state(): StreamState {
    return this.currentState;
  }

  /** The last seq delivered on the current subscription (undefined until one arrives, and after a key renewal). */
  get lastSeq(): number | undefined {
    return this.last;
  }

  get stats(): StreamStats {
    return { ...this.counters };
  }

  start(): void {
    if (this.stopped) throw new Error('This stream was stopped; create a new one.');
    if (this.started) return;
    this.started = true;
    this.setState({ kind: 'connecting' });
    this.connect();
  }

  /** Closes the socket and cancels every timer; nothing reconnects afterwards. Waits for a pending key renewal. */
  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.stopped = true;
    this.clearTimers();
    const ws = this.ws;
    this.ws = undefined;
    this.setState({ kind: 'stopped' });
    this.log('info', 'stopped');
    this.stopping = (async () => {
      if (ws) await closeGracefully(ws);
      if (this.renewing) await this.renewing;
    })();
    return this.stopping;
  }

  // ── Connection ──────────────────────────────────────────────────────────────────────────────────

  /** Where to resume: after the last seq seen (skipping one frame that keeps being oversized). */
  private seqStart(): number | undefined {
    const skip = this.skipOne ? 1 : 0;
    this.skipOne = false;
    if (this.last !== undefined) return this.last + 1 + skip;
    // No event yet on this key: replay whatever the subscription holds (seq may start at 0), so events
    // between creating the subscription and opening its socket are not lost.
    return skip === 0 ? 0 : undefined;
  }

  private connect(): void {
    if (this.stopped) return;
    const url = buildStreamUrl(this.options.url, this.key, this.seqStart());
    this.log('info', `opening ${url}`);
    this.socketError = undefined;
    this.tooLarge = false;
    this.mismatchLogged = false;
    this.invalidUtf8Logged = false;
    this.progressed = false;
    let ws: WebSocket;
    try {
      const WebSocketClass = webSocketClass();
      // skipUTF8Validation: the frame's bytes are decoded here (see received()), and a frame is never a reason to close.
      ws = new WebSocketClass(url, { maxPayload: this.maxPayloadBytes, handshakeTimeout: this.options.connectTimeoutMs ?? 15000, skipUTF8Validation: true });
    } catch (error) {
      this.fail(`The stream could not be opened: ${messageOf(error)}`);
      return;
    }
    this.ws = ws;
    ws.on('open', () => this.opened(ws));
    ws.on('message', (data, isBinary) => this.received(ws, data, isBinary));
    ws.on('unexpected-response', (_request, response) => {
      response.resume();
      this.refused(ws, response.statusCode ?? 0);
    });
    ws.on('error', (error) => this.errored(ws, error));
    ws.on('close', (code, reason) => this.closed(ws, code, reason.toString('utf8')));
  }

  private opened(ws: WebSocket): void {
    if (this.ws !== ws) return;
    this.renewedSinceLive = false;
    this.backoff.connected();
    this.lastHeard = this.now();
    this.armWatchdog(this.silenceLimitMs);
    this.setState({ kind: 'live' });
    this.log('info', `live${this.last !== undefined ? ` (resuming after seq ${this.last})` : ''}`);
  }

  private refused(ws: WebSocket, status: number): void {
    if (this.ws !== ws) return;
    this.ws = undefined;
    discard(ws);
    if (status === 401) this.renew();
    else this.scheduleReconnect(`The server refused the stream (HTTP ${status}).`);
  }

  private errored(ws: WebSocket, error: Error): void {
    if (this.ws !== ws) return;
    this.socketError = error.message;
    this.log('warn', `socket error: ${error.message}`);
    if ((error as NodeJS.ErrnoException).code === WS_ERR_TOO_LARGE) {
      // ws has dropped the frame and closes with 1009; we only know its size exceeded the limit.
      this.tooLarge = true;
      this.reportUndecodable({
        raw: '',
        reason: `A frame larger than ${this.maxPayloadBytes} bytes arrived; it was dropped and the stream reconnects.`,
        receivedAt: this.now(),
      });
    }
  }

  private closed(ws: WebSocket, code: number, reason: string): void {
    if (this.ws !== ws) return;
    this.ws = undefined;
    this.clearTimers();
    if (this.stopped) return;
    if (this.tooLarge) {
      // An oversized frame in the sequence would be replayed on every resume: the second time in a
      // row with no progress, resume one seq further (the loss then shows as a gap).
      const at = this.last ?? -1;
      if (this.lastSeqAtOversize === at) {
        this.skipOne = true;
        this.lastSeqAtOversize = undefined;
      } else {
        this.lastSeqAtOversize = at;
      }
      this.scheduleReconnect(`A frame exceeded ${this.maxPayloadBytes} bytes (close ${code}).`);
      return;
    }
    const why = this.socketError ?? `connection closed (code ${code}${reason ? `: ${reason}` : ''})`;
    this.scheduleReconnect(`The stream was interrupted: ${why}.`);
  }

  private scheduleReconnect(reason: string): void {
    if (this.stopped) return;
    const { attempt, delayMs } = this.backoff.next();
    this.counters.reconnects++;
    const safeReason = this.redact(reason);
    this.setState({ kind: 'reconnecting', attempt, delayMs, reason: safeReason });
    this.log('warn', `reconnecting in ${delayMs} ms (attempt ${attempt}): ${safeReason}`);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect();
    }, delayMs);
  }

  /** HTTP 401 at the upgrade: the key is dead. Get a new one (once), never retry the dead one. */
  private renew(): void {
    if (this.stopped) return;
    if (this.renewedSinceLive) {
      this.fail('The new stream key was refused too (HTTP 401); stopped instead of creating subscriptions in a loop.');
      return;
    }
    this.renewedSinceLive = true;
    this.counters.reconnects++;
    this.setState({
      kind: 'reconnecting',
      attempt: this.backoff.attempt + 1,
      delayMs: 0,
      reason: 'The stream key was refused (HTTP 401); creating a new subscription.',
    });
    this.log('warn', 'stream key refused (HTTP 401); asking for a new subscription');
    this.renewing = (async () => {
      let key: string;
      try {
        key = await this.options.renewKey();
      } catch (error) {
        if (!this.stopped) this.fail(messageOf(error));
        return;
      } finally {
        this.renewing = undefined;
      }
      if (this.stopped) return;
      // A new subscription numbers its events from the start: forget the old seq (no false gap).
      this.key = key;
      this.last = undefined;
      this.lastSeqAtOversize = undefined;
      this.skipOne = false;
      this.connect();
    })();
  }

  private fail(reason: string): void {
    this.clearTimers();
    const ws = this.ws;
    this.ws = undefined;
    if (ws) discard(ws);
    const safeReason = this.redact(reason);
    this.setState({ kind: 'failed', reason: safeReason });
    this.log('error', `failed: ${safeReason}`);
  }

  // ── Frames ──────────────────────────────────────────────────────────────────────────────────────

  /**
   * When the frames of the current socket read arrived. ws hands over every frame of one read in one go; they
   * arrived together, and asking the clock once per read instead of once per frame spares a clock call per
   * event (on these machines, dearer than all the rest of a frame's bookkeeping). Forgotten once the read's
   * frames are handled (a microtask runs only after them).
   */
  private arrivalTime(): number {
    if (this.readTime === undefined) {
      this.readTime = this.now();
      queueMicrotask(this.forgetReadTime);
    }
    return this.readTime;
  }

  private readTime: number | undefined = undefined;
  private readonly forgetReadTime = (): void => {
    this.readTime = undefined;
  };

  private received(ws: WebSocket, data: RawData, isBinary: boolean): void {
    if (this.ws !== ws) return;
    const receivedAt = this.arrivalTime();
    this.lastHeard = receivedAt;
    if (isBinary) {
      this.reportUndecodable({ raw: toText(data), reason: 'The server sent a binary frame; DSS frames are text.', receivedAt });
      return;
    }
    // ws hands text frames over as a Buffer: parse the bytes, so the payload is decoded once, on its own.
    const frame = Buffer.isBuffer(data) ? parseFrameBytes(data) : parseFrame(toText(data));
    switch (frame.kind) {
      case 'heartbeat':
        this.counters.heartbeats++;
        ws.send(HEARTBEAT_ANSWER);
        return;
      case 'keepalive':
        return;
      case 'malformed':
        this.reportUndecodable({ raw: toText(data), reason: frame.reason, receivedAt });
        return;
      case 'payload':
        break;
    }
    // U+FFFD is rare in real payloads: only then is it worth checking whether the bytes were valid UTF-8.
    if (!this.invalidUtf8Logged && frame.payload.includes('\uFFFD') && Buffer.isBuffer(data) && !isUtf8(data)) {
      this.invalidUtf8Logged = true;
      this.log('warn', `a frame is not valid UTF-8: its invalid bytes read as U+FFFD in the event (kept; further such frames on this connection are not logged)`);
    }
    if (frame.lengthMismatch && !this.mismatchLogged) {
      this.mismatchLogged = true;
      this.log('debug', `a frame declares ${frame.declaredLength} bytes but carries ${Buffer.byteLength(frame.payload, 'utf8')} (kept; further mismatches on this connection are not logged)`);
    }
    const decoded = decodeEvent(frame.payload, receivedAt);
    if (isDssEvent(decoded)) {
      this.deliver(decoded);
      return;
    }
    // An event that cannot be decoded (a known type without its body) but carries the very next seq did
    // arrive: move the sequence on, so it is not reported as a gap. Any other seq on a frame that cannot be
    // decoded is not trusted (garbage must never push the sequence ahead and make real events look old).
    if (decoded.seq !== undefined && this.last !== undefined && decoded.seq === this.last + 1) this.last = decoded.seq;
    this.reportUndecodable({ ...decoded, raw: toText(data) });
  }

  /**
   * Moves the sequence on to `seq` (reporting a gap it skips); false for a seq at or below the last one seen
   * (a duplicate, dropped). Frames without a seq are outside the sequence: always true, nothing tracked.
   */
  private advance(seq: number | undefined): boolean {
    if (seq === undefined) return true;
    const last = this.last;
    if (last !== undefined) {
      if (seq <= last) {
        this.counters.duplicatesDropped++;
        return false;
      }
      if (seq > last + 1) this.reportGap(last + 1, seq - 1);
    }
    this.last = seq;
    return true;
  }

  private deliver(event: DssEvent): void {
    if (!this.advance(event.seq)) return;
    if (!this.progressed) {
      // A connection that delivers events works: when it drops, retry fast (attempt 1), however short it
      // lived. Only connections that deliver nothing (refused, dropped at once, silent) back off further.
      this.progressed = true;
      this.backoff.reset();
    }
    this.counters.events++;
    this.eventEmitter.fire(event);
  }

  private reportGap(from: number, to: number): void {
    this.counters.gaps++;
    this.log('warn', `events ${from === to ? `seq ${from}` : `seq ${from}–${to}`} were lost: the server could not replay them`);
    this.gapEmitter.fire({ from, to });
  }

  private reportUndecodable(frame: UndecodableFrame): void {
    this.counters.undecodable++;
    this.log('warn', `undecodable frame (${frame.raw.length} characters): ${frame.reason}`);
    this.undecodableEmitter.fire(frame);
  }

  // ── Watchdog, state, log ────────────────────────────────────────────────────────────────────────

  private armWatchdog(delayMs: number): void {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(this.checkSilence, Math.max(1, delayMs));
  }

  /** Runs when the socket may have been silent too long; re-arms itself for the remainder otherwise. */
  private readonly checkSilence = (): void => {
    this.watchdog = undefined;
    const ws = this.ws;
    if (!ws || ws.readyState !== OPEN) return;
    const silentMs = this.now() - this.lastHeard;
    if (silentMs < this.silenceLimitMs) {
      this.armWatchdog(this.silenceLimitMs - silentMs);
      return;
    }
    this.ws = undefined;
    discard(ws);
    this.scheduleReconnect(`The server sent nothing for ${(silentMs / 1000).toFixed(1)} s (no heartbeat); reopening the stream.`);
  };

  private clearTimers(): void {
    clearTimeout(this.retryTimer);
    clearTimeout(this.watchdog);
    this.retryTimer = undefined;
    this.watchdog = undefined;
  }

  private setState(state: StreamState): void {
    this.currentState = state;
    this.stateEmitter.fire(state);
  }

  private redact(text: string): string {
    return redactStreamKeys(text, this.key, this.options.streamKey);
  }

  private log(level: StreamLogLevel, line: string): void {
    this.options.log?.(level, `[${this.options.eventType} stream] ${this.redact(line)}`);
  }
}
