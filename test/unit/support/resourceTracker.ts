// Finds timers and TCP sockets that outlive their owner: records every Timeout and TCPWRAP created
// while the creating call stack matches `creator` (e.g. /DssStream/), and forgets each one when Node
// destroys it (a timer cleared or fired, a socket closed). What is still alive after the owner
// stopped is a leak that would keep the process (and mocha) running.
import { createHook } from 'node:async_hooks';

export interface ResourceTracker {
  /** `type: first matching frame` of every tracked resource not yet destroyed. */
  alive(): string[];
  /** How many resources were tracked in all (a test asserting "none alive" checks this is > 0). */
  readonly tracked: number;
  dispose(): void;
}

const TYPES = new Set(['Timeout', 'TCPWRAP']);

export function trackResources(creator: RegExp): ResourceTracker {
  const alive = new Map<number, string>();
  let tracked = 0;
  const hook = createHook({
    init(asyncId, type) {
      if (!TYPES.has(type)) return;
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 60;
      const holder: { stack?: string } = {};
      Error.captureStackTrace(holder);
      Error.stackTraceLimit = limit;
      const frame = (holder.stack ?? '').split('\n').find((line) => creator.test(line));
      if (frame === undefined) return;
      tracked++;
      alive.set(asyncId, `${type}: ${frame.trim()}`);
    },
    destroy(asyncId) {
      alive.delete(asyncId);
    },
  });
  hook.enable();
  return {
    alive: () => [...alive.values()],
    get tracked() {
      return tracked;
    },
    dispose: () => hook.disable(),
  };
}
