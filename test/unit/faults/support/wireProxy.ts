// A man in the middle for the fault matrix, on 127.0.0.1 with real sockets: REST requests are forwarded
// to the simulator and recorded (so a row can count the calls a client made), and every `/stream`
// WebSocket is relayed frame by frame, so a row can
//   - swallow what the client sends (its heartbeat answers: "the client does not answer heartbeats"),
//   - rewrite what the server sends (unknown event types, extra and missing fields),
//   - slip extra frames in between the server's (garbage, fuzz),
//   - change the upgrade (a server that replays from earlier than asked).
// An upgrade the simulator refuses (401 for a dead key, 503 for a fault) is refused to the client with the
// same status, so the client sees exactly what the server said.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer, type RawData } from 'ws';
import type { RecordedRequest } from '../../support/scriptedServer';
import { forwardRequest, readBody } from '../../support/scriptedServer';

export interface RelayedSocket {
  /** The client's side (frames written here reach the client). */
  readonly client: WebSocket;
  /** `stream_key` of the upgrade (a secret: never print it). */
  readonly streamKey: string;
  /** Sends frames to the client outside the server's sequence (text, or Buffers as binary frames). */
  inject(frames: readonly (string | Buffer)[]): Promise<void>;
}

export interface WireProxy {
  /** `http://127.0.0.1:PORT` (REST) */
  readonly url: string;
  /** `ws://127.0.0.1:PORT/stream` */
  readonly streamUrl: string;
  readonly requests: RecordedRequest[];
  /** Client → server text frames the proxy swallowed. */
  readonly swallowed: { count: number };
  /** Returns false to swallow a client → server text frame. Default: pass everything. */
  passFromClient: (text: string) => boolean;
  /** Rewrites the path (and query) of a stream upgrade before it goes to the server. Default: identity. */
  rewriteUpgradePath: (path: string) => string;
  /** Rewrites a server → client text frame (return it unchanged to pass it). Default: identity. */
  rewriteFromServer: (text: string) => string;
  /** Relayed sockets that are open now. */
  sockets(): RelayedSocket[];
  close(): Promise<void>;
}


function refuse(socket: Duplex, status: number, body: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(`HTTP/1.1 ${status} Refused\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function asBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export async function startWireProxy(target: string): Promise<WireProxy> {
  const upstream = new URL(target);
  const requests: RecordedRequest[] = [];
  const relayed = new Set<RelayedSocket>();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 256 * 1024 * 1024, clientTracking: false });
  const server: Server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(recorded);
      forwardRequest(upstream, req, res, body, recorded);
    });
  });

  const proxy: WireProxy = {
    url: '',
    streamUrl: '',
    requests,
    swallowed: { count: 0 },
    passFromClient: () => true,
    rewriteUpgradePath: (path) => path,
    rewriteFromServer: (text) => text,
    sockets: () => [...relayed],
    async close() {
      for (const r of relayed) r.client.terminate();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    const path = request.url ?? '/';
    const streamKey = new URL(path, 'http://x').searchParams.get('stream_key') ?? '';
    const server = new WebSocket(`ws://${upstream.host}${proxy.rewriteUpgradePath(path)}`, { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
    server.on('unexpected-response', (_req, response) => {
      void readBody(response).then((body) => refuse(socket, response.statusCode ?? 502, body));
    });
    server.on('error', () => {
      if (server.readyState !== WebSocket.OPEN) socket.destroy();
    });
    server.on('open', () => {
      wss.handleUpgrade(request, socket, head, (client) => {
        const entry: RelayedSocket = {
          client,
          streamKey,
          inject: (frames) =>
            new Promise((resolve) => {
              if (client.readyState !== WebSocket.OPEN || frames.length === 0) return resolve();
              frames.forEach((frame, i) => client.send(frame, { binary: typeof frame !== 'string' }, i === frames.length - 1 ? () => resolve() : undefined));
            }),
        };
        relayed.add(entry);
        server.on('message', (data, isBinary) => {
          if (client.readyState !== WebSocket.OPEN) return;
          if (isBinary) client.send(asBuffer(data), { binary: true });
          else client.send(proxy.rewriteFromServer(asBuffer(data).toString('utf8')));
        });
        client.on('message', (data, isBinary) => {
          if (server.readyState !== WebSocket.OPEN) return;
          if (!isBinary) {
            const text = asBuffer(data).toString('utf8');
            if (!proxy.passFromClient(text)) {
              proxy.swallowed.count++;
              return;
            }
            server.send(text);
          } else server.send(asBuffer(data), { binary: true });
        });
        // A close on one side closes the other the same way; a cut (1006) is passed on as a cut.
        server.on('close', (code, reason) => {
          relayed.delete(entry);
          if (code === 1006 || code === 1005) client.terminate();
          else client.close(code, reason.toString('utf8'));
        });
        client.on('close', () => {
          relayed.delete(entry);
          server.terminate();
        });
        client.on('error', () => undefined);
      });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(proxy, { url: `http://127.0.0.1:${port}`, streamUrl: `ws://127.0.0.1:${port}/stream` });
}
