// flood(count): `count` datapoint events (the `counter` of the demo user's devices, in turn), each
// serialized once, numbered in every matching subscription and sent to every streaming socket as fast
// as that socket takes them. Production is paced by the slowest socket, so no socket ever falls out
// of its replay buffer: every socket gets every event, in order.
import type { DeviceFleet } from './devices';
import type { Dispatcher } from './dispatcher';
import type { StreamServer } from './stream';

/** Wakes whoever waits for a socket to make progress (send, drain, close). */
export class ProgressSignal {
  private waiters: (() => void)[] = [];

  notify(): void {
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves on the next notify(), or after `ms` at the latest. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve();
      }, ms);
      const wake = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(wake);
    });
  }
}

export interface FloodDeps {
  fleet: DeviceFleet;
  dispatcher: Dispatcher;
  streams: StreamServer;
  progress: ProgressSignal;
  /** Most events a socket may have waiting (≤ the replay buffer size, so none is lost). */
  window: number;
  isStopped(): boolean;
}

/** Events published between two yields to the event loop. */
const BATCH = 2048;

export async function flood(count: number, deps: FloodDeps): Promise<void> {
  let produced = 0;
  while (produced < count && !deps.isStopped()) {
    let backlog = 0;
    for (const socket of deps.streams.sockets()) backlog = Math.max(backlog, socket.backlog);
    const room = deps.window - backlog;
    if (room <= 0) {
      await deps.progress.wait(100);
      continue;
    }
    const n = Math.min(room, count - produced, BATCH);
    for (let i = 0; i < n; i++) deps.dispatcher.publish(deps.fleet.floodEvent());
    produced += n;
    deps.dispatcher.flush();
    await new Promise((resolve) => setImmediate(resolve));
  }
  while (!deps.isStopped() && deps.streams.sockets().some((s) => s.backlog > 0)) await deps.progress.wait(100);
}
