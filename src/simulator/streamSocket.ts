// One open `/stream` WebSocket: it sends its subscription's events in seq order (replay first, then
// live, with no gap or duplicate), never buffers more than a high-water mark in the socket, sends
// `1|Z` heartbeats and closes (1008) a subscriber that stops answering them.
import type { Duplex } from 'node:stream';
import { WebSocket, type RawData } from 'ws';
import type { FaultSwitches } from './faults';
import { frameEvent, HEARTBEAT_FRAME, isHeartbeatAnswer } from './framing';
import { redact } from './secrets';
import type { AttachedSocket, Subscription } from './subscription';

/** Bytes a socket may hold unsent before the simulator waits for it to drain. */
export const HIGH_WATER_BYTES = 256 * 1024;

export interface StreamCounters {
  eventsSent: number;
  heartbeatsSent: number;
  heartbeatAnswers: number;
  /** Events a socket never got because they fell out of the replay buffer before it could take them. */
  eventsSkipped: number;
}

export interface StreamSocketOptions {
  heartbeatMs: number;
  heartbeatMissLimit: number;
  /** First seq to send (replay); undefined = only events from now on. */
  seqStart: number | undefined;
  /** Last seq of the replay range (inclusive); live events follow it. */
  seqEnd: number | undefined;
  counters: StreamCounters;
  faults: FaultSwitches;
  log: (line: string) => void;
  /** The socket no longer streams its subscription (closing or closed). */
  onDetached: (socket: StreamSocket) => void;
  /** The socket is fully closed. */
  onClosed: (socket: StreamSocket) => void;
  /** The socket sent something or drained (flood waits on this). */
  onProgress: () => void;
}

export class StreamSocket implements AttachedSocket {
  /** Next seq to send. */
  private cursor: number;
  private readonly liveFrom: number;
  private readonly replayEnd: number | undefined;
  private unanswered = 0;
  private waitingForDrain = false;
  /** Already logged that this socket falls behind. */
  private behind = false;
  private detached = false;
  private readonly heartbeat: NodeJS.Timeout;
  private killTimer: NodeJS.Timeout | undefined;
  private readonly label: string;

  constructor(
    readonly ws: WebSocket,
    /** The TCP socket under `ws` (corked while a batch of frames is written: one write per batch, not per frame). */
    private readonly tcp: Duplex,
    readonly subscription: Subscription,
    private readonly options: StreamSocketOptions,
  ) {
    const buffer = subscription.replay;
    this.liveFrom = buffer.nextSeq;
    const start = options.seqStart;
    this.cursor = start === undefined || start > this.liveFrom ? this.liveFrom : Math.max(start, buffer.firstSeq);
    this.replayEnd = options.seqEnd;
    this.label = `subscription ${subscription.id} (key ${redact(subscription.streamKey)})`;
    subscription.socket = this;
    this.heartbeat = setInterval(this.beat, options.heartbeatMs);
    ws.on('message', this.received);
    ws.on('error', (error) => options.log(`stream socket error on ${this.label}: ${error.message}`));
    ws.on('close', (code) => {
      clearTimeout(this.killTimer);
      this.detach();
      options.log(`stream closed on ${this.label} (code ${code})`);
      options.onClosed(this);
    });
    const replaying = this.cursor < this.liveFrom ? `, replaying from seq ${this.cursor}` : '';
    options.log(`stream opened on ${this.label}${replaying}`);
    this.pump();
  }

  /** Events this socket has yet to send. */
  get backlog(): number {
    return this.detached ? 0 : Math.max(0, this.subscription.replay.nextSeq - this.cursor);
  }

  get isStreaming(): boolean {
    return !this.detached;
  }

  pump(): void {
    if (this.detached) return;
    this.skipLost();
    if (this.waitingForDrain || this.ws.readyState !== WebSocket.OPEN) return;
    this.tcp.cork();
    try {
      this.sendBuffered();
    } finally {
      this.tcp.uncork();
    }
    this.options.onProgress();
  }

  private sendBuffered(): void {
    const buffer = this.subscription.replay;
    const counters = this.options.counters;
    for (;;) {
      if (this.replayEnd !== undefined && this.cursor > this.replayEnd && this.cursor < this.liveFrom) this.cursor = this.liveFrom;
      if (this.cursor >= buffer.nextSeq) break;
      if (this.cursor < buffer.firstSeq) {
        this.skipLost();
        continue;
      }
      const event = buffer.get(this.cursor)!;
      const text = frameEvent(this.cursor, event.tail, event.tailBytes);
      this.cursor++;
      counters.eventsSent++;
      if (this.ws.bufferedAmount + text.length >= HIGH_WATER_BYTES) {
        this.waitingForDrain = true;
        this.ws.send(text, this.drained);
        break;
      }
      this.ws.send(text);
    }
  }

  /** Moves past events that fell out of the replay buffer before this socket could take them (counted; logged once per socket). */
  private skipLost(): void {
    const first = this.subscription.replay.firstSeq;
    if (this.cursor >= first) return;
    const skipped = first - this.cursor;
    this.options.counters.eventsSkipped += skipped;
    this.cursor = first;
    if (!this.behind) this.options.log(`${this.label} is too slow: events fall out of its replay buffer before it takes them (the gap in seq shows how many)`);
    this.behind = true;
  }

  /** Sends a frame outside the event sequence (faults: garbage, oversized). */
  sendRaw(data: string | Buffer): void {
    if (this.detached || this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(data, { binary: typeof data !== 'string' });
  }

  /** Closes with a close frame; a subscriber that does not answer it is cut after 2 s. */
  close(code: number, reason: string): void {
    if (this.detached) return;
    this.detach();
    this.options.log(`closing stream on ${this.label}: ${reason} (${code})`);
    this.ws.close(code, reason);
    this.killTimer = setTimeout(() => this.ws.terminate(), 2000);
  }

  /** Cuts the connection without a close frame (the subscriber sees 1006). */
  drop(): void {
    this.detach();
    this.ws.terminate();
  }

  private readonly drained = (error?: Error): void => {
    this.waitingForDrain = false;
    if (error) this.options.onProgress();
    else this.pump();
  };

  private readonly beat = (): void => {
    if (this.detached || this.options.faults.heartbeatsStopped) return;
    if (this.unanswered >= this.options.heartbeatMissLimit) {
      this.close(1008, `no answer to ${this.unanswered} heartbeats`);
      return;
    }
    this.unanswered++;
    this.options.counters.heartbeatsSent++;
    this.ws.send(HEARTBEAT_FRAME);
  };

  private readonly received = (data: RawData, isBinary: boolean): void => {
    if (isBinary || !Buffer.isBuffer(data)) return;
    if (isHeartbeatAnswer(data.toString('utf8'))) {
      this.unanswered = 0;
      this.options.counters.heartbeatAnswers++;
    }
  };

  private detach(): void {
    if (this.detached) return;
    this.detached = true;
    clearInterval(this.heartbeat);
    if (this.subscription.socket === this) this.subscription.socket = undefined;
    this.options.onDetached(this);
    this.options.onProgress();
  }
}
