// A test subscriber of the simulator's /stream: opens the WebSocket, checks every frame's framing,
// answers heartbeats (or not), and collects frames and decoded events.
import WebSocket from 'ws';
import type { DssEventEnvelope } from '../../../src/ayla/wireTypes';
import { waitFor } from './waitFor';

export interface ParsedFrame {
  length: number;
  payload: string;
}

/** Splits `N|payload` on the first `|`; throws when N is not the payload's UTF-8 byte length. */
export function parseFrame(text: string): ParsedFrame {
  const bar = text.indexOf('|');
  if (bar <= 0) throw new Error(`not a frame: ${text.slice(0, 80)}`);
  const length = Number(text.slice(0, bar));
  const payload = text.slice(bar + 1);
  const bytes = Buffer.byteLength(payload, 'utf8');
  if (length !== bytes) throw new Error(`frame says ${length} bytes, payload has ${bytes}: ${text.slice(0, 80)}`);
  return { length, payload };
}

export interface StreamOptions {
  seqStart?: number;
  seqEnd?: number;
  /** How to answer `1|Z`: 'Z' (default), '1|Z', or false for silence. */
  answer?: 'Z' | '1|Z' | false;
  maxPayload?: number;
}

export interface StreamClient {
  readonly ws: WebSocket;
  /** Every text frame, in order (heartbeats included). */
  readonly frames: string[];
  /** Decoded events (frames other than heartbeats), in order. */
  readonly events: DssEventEnvelope[];
  readonly binaryFrames: Buffer[];
  /** Frames that were not well-framed JSON events, and socket errors. */
  readonly errors: string[];
  heartbeats(): number;
  readonly closed: Promise<{ code: number; reason: string }>;
  isOpen(): boolean;
  waitForEvents(count: number, timeoutMs?: number): Promise<DssEventEnvelope[]>;
  close(): Promise<void>;
}

export function streamUrl(baseUrl: string, key: string, options: StreamOptions = {}): string {
  let url = `${baseUrl.replace(/^http/, 'ws')}/stream?stream_key=${encodeURIComponent(key)}`;
  if (options.seqStart !== undefined) url += `&seq_start=${options.seqStart}`;
  if (options.seqEnd !== undefined) url += `&seq_end=${options.seqEnd}`;
  return url;
}

export class UpgradeRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`upgrade refused with ${status}: ${body}`);
  }
}

/** Opens a stream; rejects with UpgradeRefused when the server answers the upgrade with an HTTP status. */
export function openStream(baseUrl: string, key: string, options: StreamOptions = {}): Promise<StreamClient> {
  return openUrl(streamUrl(baseUrl, key, options), options);
}

export function openUrl(url: string, options: StreamOptions = {}): Promise<StreamClient> {
  const answer = options.answer ?? 'Z';
  const ws = new WebSocket(url, { maxPayload: options.maxPayload ?? 256 * 1024 * 1024 });
  const frames: string[] = [];
  const events: DssEventEnvelope[] = [];
  const binaryFrames: Buffer[] = [];
  const errors: string[] = [];
  let heartbeatCount = 0;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  ws.on('error', (error) => errors.push(`socket error: ${error.message}`));
  ws.on('message', (data, isBinary) => {
    const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
    if (isBinary) {
      binaryFrames.push(buffer);
      return;
    }
    const text = buffer.toString('utf8');
    frames.push(text);
    if (text === '1|Z') {
      heartbeatCount++;
      if (answer) ws.send(answer);
      return;
    }
    try {
      const { payload } = parseFrame(text);
      const event = JSON.parse(payload) as DssEventEnvelope;
      if (typeof event !== 'object' || event === null || Array.isArray(event) || !('metadata' in event)) throw new Error('not an event object');
      events.push(event);
    } catch (error) {
      errors.push(`${error instanceof Error ? error.message : String(error)}: ${text.slice(0, 80)}`);
    }
  });
  const client: StreamClient = {
    ws,
    frames,
    events,
    binaryFrames,
    errors,
    heartbeats: () => heartbeatCount,
    closed,
    isOpen: () => ws.readyState === WebSocket.OPEN,
    waitForEvents: (count, timeoutMs = 5000) => waitFor(`${count} events (have ${events.length})`, () => events.length >= count && events.slice(0, count), timeoutMs),
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      ws.resume(); // a paused socket would never read the server's close frame
      ws.close();
      const timer = setTimeout(() => ws.terminate(), 2000);
      await closed;
      clearTimeout(timer);
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      response.on('end', () => {
        reject(new UpgradeRefused(response.statusCode ?? 0, body));
        ws.terminate();
      });
    });
    ws.once('error', (error) => reject(error));
  });
}

/** The HTTP status the server refuses an upgrade with (fails if the upgrade succeeds). */
export async function refusalStatus(url: string): Promise<number> {
  try {
    const client = await openUrl(url);
    await client.close();
  } catch (error) {
    if (error instanceof UpgradeRefused) return error.status;
    throw error;
  }
  throw new Error(`upgrade to ${url} was accepted`);
}

/** Seqs of events as numbers (asserts they are strings on the wire). */
export function seqs(events: readonly DssEventEnvelope[]): number[] {
  return events.map((e) => {
    if (typeof e.seq !== 'string') throw new Error(`seq is not a string: ${JSON.stringify(e.seq)}`);
    return Number(e.seq);
  });
}
