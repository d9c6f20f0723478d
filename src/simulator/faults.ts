// Fault switches: the ways a test, a benchmark or a curious developer can make the simulated cloud
// misbehave. The same switches are reachable in-process (Simulator.faults), over the control plane
// (control.ts) and from the CLI (`node dist/cli.js fault …`).
import { frame } from './framing';
import type { Random } from './random';

export type FailStatus = 500 | 502 | 503 | 429;
export const FAIL_STATUSES: readonly FailStatus[] = [500, 502, 503, 429];

export interface FailRequestsOptions {
  status: FailStatus;
  /** How many requests fail; omitted = every request until reset(). */
  count?: number;
  /** Only requests whose path starts with this (e.g. `/apiv1`, `/stream`); omitted = all. */
  pathPrefix?: string;
}

export interface SimulatorFaults {
  /** Cuts every stream socket without a close frame (the client sees 1006). Returns how many. */
  dropAllSockets(): number;
  /** Stops (true) or resumes (false) the `1|Z` heartbeats; missed answers are not counted meanwhile. */
  stopHeartbeats(on: boolean): void;
  /** Sends `count` broken frames to every stream socket (random binary bytes, text without `|`, a wrong
   *  length prefix, non-JSON payloads, a non-numeric prefix, truncated JSON, an empty frame). Returns frames sent. */
  sendGarbage(count: number): number;
  /** Sends one well-framed datapoint-shaped frame longer than `bytes` (no `seq`: not part of the sequence)
   *  to every stream socket. Returns how many sockets got it. */
  sendOversized(bytes: number): number;
  /** Every access token issued so far answers 401 from now on (refresh tokens keep working). */
  expireAccessTokens(): number;
  /** Every existing stream key gets 401 at the upgrade from now on; open sockets on them are closed (1008). */
  expireStreamKeys(): number;
  /** REST requests and stream upgrades (not the control plane) answer `status` with a JSON error. */
  failRequests(options: FailRequestsOptions): void;
  /** The next `count` REST requests and stream upgrades (omitted = all until reset()) wait `ms` first. */
  delayResponses(ms: number, count?: number): void;
  /** Clears every switch above that persists (heartbeats, failing, delaying) and unlocks locked accounts. */
  reset(): void;
}

interface Countdown {
  remaining: number;
}

/** The switches that persist between calls; the server and the stream sockets consult them. */
export class FaultSwitches {
  heartbeatsStopped = false;
  private failing: (Countdown & { status: FailStatus; pathPrefix: string }) | undefined;
  private delaying: (Countdown & { ms: number }) | undefined;

  fail(options: FailRequestsOptions): void {
    this.failing = { status: options.status, remaining: options.count ?? Infinity, pathPrefix: options.pathPrefix ?? '' };
  }

  delay(ms: number, count?: number): void {
    this.delaying = { ms, remaining: count ?? Infinity };
  }

  /** Whether this request must fail, and with which status (uses up one of the count). */
  takeFailure(path: string): FailStatus | undefined {
    const failing = this.failing;
    if (!failing || !path.startsWith(failing.pathPrefix)) return undefined;
    if (--failing.remaining <= 0) this.failing = undefined;
    return failing.status;
  }

  /** How long this request must wait (uses up one of the count). */
  takeDelay(): number {
    const delaying = this.delaying;
    if (!delaying) return 0;
    if (--delaying.remaining <= 0) this.delaying = undefined;
    return delaying.ms;
  }

  clear(): void {
    this.heartbeatsStopped = false;
    this.failing = undefined;
    this.delaying = undefined;
  }
}

export function checkFailRequests(options: FailRequestsOptions): void {
  if (!FAIL_STATUSES.includes(options.status)) throw new RangeError(`status must be one of ${FAIL_STATUSES.join(', ')}`);
  if (options.count !== undefined && !(Number.isInteger(options.count) && options.count >= 1)) throw new RangeError('count must be a positive integer');
}

/** `count` broken frames, cycling through the kinds of breakage a client must survive. */
export function garbageFrames(count: number, random: Random): (string | Buffer)[] {
  const frames: (string | Buffer)[] = [];
  for (let i = 0; i < count; i++) {
    switch (i % 8) {
      case 0: {
        const bytes = Buffer.alloc(1 + random.int(64));
        for (let j = 0; j < bytes.length; j++) bytes[j] = random.int(256);
        frames.push(bytes); // a binary frame
        break;
      }
      case 1:
        frames.push(`garbage ${random.uuid()} without a length prefix`);
        break;
      case 2:
        frames.push(`999|{"seq":"1","metadata":{"event_type":"datapoint"}}`); // wrong length prefix
        break;
      case 3:
        frames.push(frame(`this is not JSON ${random.int(1000)}`));
        break;
      case 4:
        frames.push('abc|{}'); // non-numeric prefix
        break;
      case 5:
        frames.push(frame('{"seq":"1","metadata":{"oem_id":')); // truncated JSON
        break;
      case 6:
        frames.push('');
        break;
      default:
        frames.push(frame('[1,2,3]')); // JSON, but not an event object
        break;
    }
  }
  return frames;
}
