// A scripted DSS `/stream` WebSocket server on 127.0.0.1 (real sockets, real ws, no mocks) for what
// the simulator never does on purpose: duplicate or out-of-order seqs, an oversized event inside the
// sequence, exact control over each connection. Every upgrade URL and every message a client sends
// are recorded.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';

export interface ScriptedConnection {
  readonly index: number;
  /** The upgrade URL (path and query). */
  readonly url: URL;
  readonly ws: WebSocket;
  /** Text messages received from the client, in order. */
  readonly received: string[];
  /** Sends `N|payload` with N the UTF-8 byte length, or the given N. */
  sendPayload(payload: string, declaredLength?: number): void;
}

export interface ScriptedStreamServer {
  /** `ws://127.0.0.1:PORT/stream` */
  readonly streamUrl: string;
  readonly connections: ScriptedConnection[];
  /** Upgrade URLs in order, refused ones included. */
  readonly upgrades: URL[];
  close(): Promise<void>;
}

export interface StreamScript {
  /** An HTTP status to refuse the upgrade with, or undefined to accept it. */
  refuse?: (url: URL, index: number) => number | undefined;
  /** Runs once per accepted connection. */
  onConnection: (connection: ScriptedConnection) => void;
}

function refuse(socket: Duplex, status: number): void {
  socket.end(`HTTP/1.1 ${status} Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
}

export async function startScriptedStreamServer(script: StreamScript): Promise<ScriptedStreamServer> {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 16 * 1024 * 1024 });
  const connections: ScriptedConnection[] = [];
  const upgrades: URL[] = [];
  const server = createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'ws://127.0.0.1');
    const index = upgrades.length;
    upgrades.push(url);
    const status = script.refuse?.(url, index);
    if (status !== undefined) {
      refuse(socket, status);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const received: string[] = [];
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (!isBinary) received.push(data.toString('utf8'));
      });
      ws.on('error', () => undefined);
      const connection: ScriptedConnection = {
        index: connections.length,
        url,
        ws,
        received,
        sendPayload(payload, declaredLength) {
          ws.send(`${declaredLength ?? Buffer.byteLength(payload, 'utf8')}|${payload}`);
        },
      };
      connections.push(connection);
      script.onConnection(connection);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    streamUrl: `ws://127.0.0.1:${port}/stream`,
    connections,
    upgrades,
    async close() {
      for (const c of connections) c.ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** A compact datapoint event payload with this seq (a string, as on the wire). */
export function datapointPayload(seq: number, value: number | string = seq): string {
  return JSON.stringify({
    seq: String(seq),
    metadata: { oem_id: '0dfc7900', oem_model: 'ledevb', dsn: 'AC000W000000001', property_name: 'counter', display_name: 'Counter', base_type: typeof value === 'number' ? 'integer' : 'string', resource_tags: [], event_type: 'datapoint' },
    datapoint: { id: `id-${seq}`, created_at_from_device: null, updated_at: '2024-01-01T00:00:00Z', created_at: '2024-01-01T00:00:00Z', user_uuid: '00000000-0000-0000-0000-000000000000', echo: false, closed: false, value, metadata: {} },
  });
}
