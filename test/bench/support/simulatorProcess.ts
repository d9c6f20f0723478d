// The simulator in its own process (`node dist/cli.js simulator --port 0 --quiet …`), so its work never
// competes with the client under measurement for the same event loop, and the control plane
// (`/_simulator/…`) to drive it: rate, flood, faults, device handles.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { SimulatorStats } from '../../../src/simulator';

export interface SimulatorProcessOptions {
  devices?: number;
  /** Events per second per device (default 0: quiet). */
  rate?: number;
  heartbeatMs?: number;
  /** Events kept per subscription for replay (default 10000). */
  replayBuffer?: number;
  /** Datapoints carry `metadata.sent_mono_ms` (see src/simulator/clock.ts). */
  stampSendTime?: boolean;
  seed?: number;
}

export const DEMO = { email: 'dev@example.com', password: 'simulator', appId: 'simulator-app', appSecret: 'simulator-secret' } as const;

export class SimulatorProcess {
  private constructor(
    private readonly child: ChildProcess,
    /** `http://127.0.0.1:PORT` */
    readonly url: string,
  ) {}

  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(options: SimulatorProcessOptions = {}): Promise<SimulatorProcess> {
    // The runner passes its own copy of dist/cli.js (BENCH_CLI), safe from a rebuild of dist/ meanwhile.
    const args = [process.env.BENCH_CLI ?? join(process.cwd(), 'dist', 'cli.js'), 'simulator', '--port', '0', '--quiet'];
    args.push('--devices', String(options.devices ?? 3), '--rate', String(options.rate ?? 0), '--seed', String(options.seed ?? 1));
    if (options.heartbeatMs !== undefined) args.push('--heartbeat-ms', String(options.heartbeatMs));
    if (options.replayBuffer !== undefined) args.push('--replay-buffer', String(options.replayBuffer));
    if (options.stampSendTime) args.push('--stamp-send-time');
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => (err = (err + chunk.toString('utf8')).slice(-4000)));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`The simulator did not announce its port within 15 s. stderr: ${err}`)), 15000);
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`The simulator exited (code ${code}) before listening. stderr: ${err}`));
      });
    });
    child.stdout!.resume();
    return new SimulatorProcess(child, url);
  }

  /** `POST /_simulator/<path>` with a JSON body (or GET when `body` is undefined and `method` says so). */
  async control<T = Record<string, unknown>>(path: string, body?: unknown, method: 'GET' | 'POST' = 'POST'): Promise<T> {
    const response = await fetch(`${this.url}/_simulator/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(method === 'POST' && { body: JSON.stringify(body ?? {}) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Control call ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  stats(): Promise<SimulatorStats> {
    return this.control<SimulatorStats>('stats', undefined, 'GET');
  }

  setRate(eventsPerSecondPerDevice: number): Promise<unknown> {
    return this.control('rate', { eventsPerSecond: eventsPerSecondPerDevice });
  }

  async devices(): Promise<{ dsn: string; ownerUuid: string; properties: string[] }[]> {
    return this.control('devices', undefined, 'GET');
  }

  /** SIGTERM (a clean stop), SIGKILL after 5 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
