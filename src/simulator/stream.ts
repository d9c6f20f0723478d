// The `/stream` WebSocket endpoint: checks the stream key at the HTTP upgrade (401 for an unknown,
// deleted or expired key; 409 for a key that already has a socket), then hands the socket to a
// StreamSocket. Keeps every socket so faults can reach them and stop() can close them.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Dispatcher } from './dispatcher';
import type { FaultSwitches } from './faults';
import { redact } from './secrets';
import { StreamSocket, type StreamCounters } from './streamSocket';
import type { Subscription } from './subscription';

export interface StreamServerOptions {
  heartbeatMs: number;
  heartbeatMissLimit: number;
  maxPayloadBytes: number;
  dispatcher: Dispatcher;
  faults: FaultSwitches;
  counters: StreamCounters;
  log: (line: string) => void;
  onProgress: () => void;
}

/** Answers an upgrade request with a plain HTTP error (JSON body) and closes the connection. */
export function refuseUpgrade(socket: Duplex, status: number, message: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ error: { message } });
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 409: 'Conflict', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' }[status] ?? 'Error';
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`,
  );
}

function parseSeq(value: string | null): number | undefined | 'bad' {
  if (value === null) return undefined;
  return /^\d{1,15}$/.test(value) ? Number(value) : 'bad';
}

export class StreamServer {
  private readonly wss: WebSocketServer;
  /** Sockets streaming a subscription. */
  private readonly streaming = new Set<StreamSocket>();
  /** Every socket not yet fully closed (streaming or closing). */
  private readonly open = new Set<StreamSocket>();

  constructor(private readonly options: StreamServerOptions) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes, perMessageDeflate: false, clientTracking: false });
  }

  get socketCount(): number {
    return this.streaming.size;
  }

  /** Bytes queued for all sockets, in ws and in the sockets' write buffers. */
  bufferedBytes(): number {
    let bytes = 0;
    for (const socket of this.open) bytes += socket.ws.bufferedAmount;
    return bytes;
  }

  sockets(): StreamSocket[] {
    return [...this.streaming];
  }

  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    const key = url.searchParams.get('stream_key') ?? '';
    const seqStart = parseSeq(url.searchParams.get('seq_start'));
    const seqEnd = parseSeq(url.searchParams.get('seq_end'));
    if (seqStart === 'bad' || seqEnd === 'bad') {
      refuseUpgrade(socket, 400, 'seq_start and seq_end must be non-negative integers.');
      return;
    }
    const subscription = this.options.dispatcher.byStreamKey(key);
    if (!subscription || subscription.keyExpired) {
      this.options.log(`stream upgrade refused (401): ${key ? `unknown or expired key ${redact(key)}` : 'no stream_key'}`);
      refuseUpgrade(socket, 401, 'Unauthorized: unknown, deleted or expired stream key.');
      return;
    }
    if (subscription.socket) {
      this.options.log(`stream upgrade refused (409): key ${redact(key)} already has a socket`);
      refuseUpgrade(socket, 409, 'This stream key already has an open socket; close it first (one socket per stream key).');
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      if (subscription.socket || subscription.keyExpired || this.options.dispatcher.get(subscription.id) !== subscription) {
        ws.close(1008, 'stream key no longer usable');
        return;
      }
      const streamSocket = new StreamSocket(ws, socket, subscription, {
        heartbeatMs: this.options.heartbeatMs,
        heartbeatMissLimit: this.options.heartbeatMissLimit,
        seqStart,
        seqEnd,
        counters: this.options.counters,
        faults: this.options.faults,
        log: this.options.log,
        onDetached: (s) => this.streaming.delete(s),
        onClosed: (s) => this.open.delete(s),
        onProgress: this.options.onProgress,
      });
      // The constructor may already have detached (a socket that died during the replay).
      if (streamSocket.isStreaming) this.streaming.add(streamSocket);
      this.open.add(streamSocket);
    });
  }

  /** Closes the socket of a deleted subscription or of an expired key. */
  closeFor(subscription: Subscription, reason: string): void {
    for (const socket of this.streaming) if (socket.subscription === subscription) socket.close(1008, reason);
  }

  dropAll(): number {
    const sockets = [...this.streaming];
    for (const socket of sockets) socket.drop();
    return sockets.length;
  }

  sendToAll(data: string | Buffer): number {
    for (const socket of this.streaming) socket.sendRaw(data);
    return this.streaming.size;
  }

  async stop(): Promise<void> {
    for (const socket of [...this.streaming]) socket.close(1001, 'simulator stopping');
    const deadline = Date.now() + 1000;
    while (this.open.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    for (const socket of this.open) socket.ws.terminate();
    // Terminated sockets emit 'close' asynchronously; wait for it so no kill timers survive.
    const hardDeadline = Date.now() + 1000;
    while (this.open.size > 0 && Date.now() < hardDeadline) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
