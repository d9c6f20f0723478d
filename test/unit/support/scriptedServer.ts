// Tiny node:http servers on 127.0.0.1 for client tests — real sockets, no mocks:
//   startScriptedServer: answers each request with what the test scripts (error body shapes the
//                        simulator never sends, Retry-After variants, non-JSON bodies, …);
//   startRecordingProxy: forwards to another server (the simulator) and records every request that
//                        crossed the wire, so a test can count them (a sign-in never repeated, a refused
//                        value never sent).
import { createServer, request as nodeRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Status answered (set once the answer is written). */
  status?: number;
}

export interface ScriptedReply {
  status: number;
  headers?: Record<string, string>;
  /** Sent as-is. */
  body?: string;
  /** Wait before answering. */
  delayMs?: number;
  /** Cut the connection instead of answering (the client sees a reset). */
  destroy?: boolean;
}

export interface LocalServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/** The whole body of a request or response, as UTF-8. */
export function readBody(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}

async function listen(server: Server, requests: RecordedRequest[]): Promise<LocalServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Answers every request with `script(request, index)`; index counts from 0. */
export async function startScriptedServer(script: (request: RecordedRequest, index: number) => ScriptedReply): Promise<LocalServer> {
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(recorded);
      const reply = script(recorded, requests.length - 1);
      const send = (): void => {
        if (reply.destroy) {
          req.socket.destroy();
          return;
        }
        recorded.status = reply.status;
        res.writeHead(reply.status, reply.headers ?? {});
        res.end(reply.body ?? '');
      };
      if (reply.delayMs) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) send();
        }, reply.delayMs);
        timers.add(timer);
      } else {
        send();
      }
    });
  });
  const local = await listen(server, requests);
  return {
    ...local,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      await local.close();
    },
  };
}

/** Sends `req` (whose `body` was read) on to `upstream` and its answer back to `res`, noting the status in `recorded`. */
export function forwardRequest(upstream: URL, req: IncomingMessage, res: ServerResponse, body: string, recorded: RecordedRequest): void {
  const forward = nodeRequest(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
    (answer) => {
      recorded.status = answer.statusCode;
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  forward.on('error', () => {
    // The upstream went away mid-request (a delayed answer cut by a client timeout, a stopped simulator).
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  forward.end(body);
}

/** Forwards every request to `target` (an `http://host:port` origin) and records it with its answer status. */
export async function startRecordingProxy(target: string): Promise<LocalServer> {
  const requests: RecordedRequest[] = [];
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(recorded);
      forwardRequest(upstream, req, res, body, recorded);
    });
  });
  return listen(server, requests);
}

/** A port on 127.0.0.1 that nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
