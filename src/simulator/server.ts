// The one HTTP port: routes user service, ADS, DSS REST and /_simulator/ requests, hands `/stream`
// upgrades to the stream server, and applies the request faults (fail, delay) to everything but the
// control plane. Bad requests get a 4xx JSON error; a handler bug gets a 500, never a crash or a hang.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FaultSwitches } from './faults';
import { errorBody, HttpError, parseJsonBody, routePath, writeJson, type ErrorStyle, type RequestContext, type Route } from './http';
import { refuseUpgrade, type StreamServer } from './stream';

/** Largest request body accepted (a 512 KB message value, JSON-escaped, fits). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface SimulatorHttpServerOptions {
  routes: Route[];
  controlRoutes: Route[];
  faults: FaultSwitches;
  streams: StreamServer;
  log: (line: string) => void;
}

function isControlPath(path: string): boolean {
  return path === '/_simulator' || path.startsWith('/_simulator/');
}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    request.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        reject(new HttpError(413, `The request body is larger than ${limit} bytes.`));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks));
      done = true;
    });
    request.on('error', (error) => {
      if (!done) reject(error);
      done = true;
    });
  });
}

export class SimulatorHttpServer {
  readonly server: Server;
  private readonly waits = new Set<{ timer: NodeJS.Timeout; resolve: (ok: boolean) => void }>();
  private stopped = false;
  private closed: Promise<void> | undefined;

  constructor(private readonly options: SimulatorHttpServerOptions) {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        options.log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        if (!response.headersSent) writeJson(response, 500, errorBody('api', 'Internal simulator error.'));
        else response.destroy();
      });
    });
    this.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => undefined);
      this.upgrade(request, socket, head).catch((error: unknown) => {
        options.log(`internal error on upgrade: ${error instanceof Error ? error.message : String(error)}`);
        socket.destroy();
      });
    });
    this.server.on('clientError', (_error, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else socket.destroy();
    });
  }

  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const failed = (error: Error): void => reject(error);
      this.server.once('error', failed);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', failed);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /**
   * Stops taking connections and upgrades at once (call first when stopping, so no stream socket opens while
   * the others are being closed); close() then cuts what is left.
   */
  stopAccepting(): void {
    if (this.closed) return;
    this.stopped = true;
    this.closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async close(): Promise<void> {
    this.stopAccepting();
    for (const wait of this.waits) {
      clearTimeout(wait.timer);
      wait.resolve(false);
    }
    this.waits.clear();
    this.server.closeAllConnections();
    await this.closed;
  }

  /** Waits `ms` (delay fault); false when the simulator stopped meanwhile. */
  private wait(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.waits.delete(entry);
          resolve(!this.stopped);
        }, ms),
        resolve,
      };
      this.waits.add(entry);
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://127.0.0.1');
    } catch {
      writeJson(response, 400, errorBody('api', 'The request target is not a valid URL.'));
      return;
    }
    const path = routePath(url.pathname);
    const control = isControlPath(path);
    const style: ErrorStyle = path.startsWith('/users/') ? 'user' : 'api';

    let raw: Buffer;
    try {
      raw = await readBody(request, MAX_BODY_BYTES);
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 400;
      const message = error instanceof Error ? error.message : 'The request body could not be read.';
      writeJson(response, status, errorBody(style, message), { Connection: 'close' });
      return;
    }

    if (!control) {
      const delay = this.options.faults.takeDelay();
      if (delay > 0 && !(await this.wait(delay))) {
        response.destroy();
        return;
      }
      const failure = this.options.faults.takeFailure(url.pathname);
      if (failure !== undefined) {
        this.options.log(`fault: answering ${request.method} ${url.pathname} with ${failure}`);
        writeJson(response, failure, errorBody(style, `Simulated failure (${failure}).`), failure === 429 ? { 'Retry-After': '1' } : {});
        return;
      }
    }

    const candidates = (control ? this.options.controlRoutes : this.options.routes).filter((r) => r.pattern.test(path));
    if (candidates.length === 0) {
      writeJson(response, 404, errorBody(style, `No such route: ${request.method} ${url.pathname}.`));
      return;
    }
    const route = candidates.find((r) => r.method === request.method);
    if (!route) {
      const allowed = [...new Set(candidates.map((r) => r.method))].join(', ');
      writeJson(response, 405, errorBody(style, `${request.method} is not allowed on ${url.pathname}; use ${allowed}.`), { Allow: allowed });
      return;
    }

    const params = route.pattern.exec(path)!.slice(1);
    let parsed: { value: unknown } | undefined;
    const ctx: RequestContext = {
      method: request.method ?? 'GET',
      url,
      headers: request.headers,
      json() {
        parsed ??= { value: parseJsonBody(raw) };
        return parsed.value;
      },
    };
    try {
      const reply = await route.handle(ctx, params);
      if (this.stopped) return;
      writeJson(response, reply.status, reply.body, reply.headers);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      writeJson(response, error.status, errorBody(route.style, error.message), error.headers);
    }
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (this.stopped) {
      // Stopping: a stream opened now would outlive the simulator.
      socket.destroy();
      return;
    }
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://127.0.0.1');
    } catch {
      refuseUpgrade(socket, 400, 'The request target is not a valid URL.');
      return;
    }
    if (routePath(url.pathname) !== '/stream') {
      refuseUpgrade(socket, 404, `No WebSocket endpoint at ${url.pathname}; use /stream.`);
      return;
    }
    const delay = this.options.faults.takeDelay();
    if (delay > 0 && !(await this.wait(delay))) {
      socket.destroy();
      return;
    }
    const failure = this.options.faults.takeFailure(url.pathname);
    if (failure !== undefined) {
      this.options.log(`fault: refusing a stream upgrade with ${failure}`);
      refuseUpgrade(socket, failure, `Simulated failure (${failure}).`, failure === 429 ? { 'Retry-After': '1' } : {});
      return;
    }
    if (this.stopped) {
      socket.destroy();
      return;
    }
    this.options.streams.upgrade(request, socket, head, url);
  }
}
