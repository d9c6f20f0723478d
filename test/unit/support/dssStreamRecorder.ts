// Records everything a DssStream reports (events, undecodable frames, states, gaps, log lines) for
// assertions, and waits for conditions on it with generous timeouts (never timing assertions).
import type { DssEvent, UndecodableFrame } from '../../../src/ayla/events';
import type { DssStream, StreamGap, StreamLogLevel, StreamState } from '../../../src/ayla/stream';
import { waitFor } from './waitFor';

export interface StreamRecord {
  readonly events: DssEvent[];
  readonly undecodable: UndecodableFrame[];
  readonly states: StreamState[];
  readonly gaps: StreamGap[];
  readonly logs: { level: StreamLogLevel; line: string }[];
  /** Call as the stream's `log` option. */
  readonly log: (level: StreamLogLevel, line: string) => void;
  /** Subscribes to the stream (call before start()). */
  attach(stream: DssStream): void;
  /** Resolves once the stream has reported a state of `kind` at index ≥ `after` (default: any time). */
  waitForState(kind: StreamState['kind'], after?: number, timeoutMs?: number): Promise<StreamState>;
  waitForEvents(count: number, timeoutMs?: number): Promise<DssEvent[]>;
}

export function recordStream(): StreamRecord {
  const record: StreamRecord = {
    events: [],
    undecodable: [],
    states: [],
    gaps: [],
    logs: [],
    log: (level, line) => record.logs.push({ level, line }),
    attach(stream) {
      stream.onEvent((e) => record.events.push(e));
      stream.onUndecodable((f) => record.undecodable.push(f));
      stream.onState((s) => record.states.push(s));
      stream.onGap((g) => record.gaps.push(g));
    },
    waitForState(kind, after = 0, timeoutMs = 10000) {
      return waitFor(`state ${kind} after #${after} (states: ${record.states.slice(after).map((s) => s.kind).join(', ')})`, () => record.states.slice(after).find((s) => s.kind === kind), timeoutMs);
    },
    waitForEvents(count, timeoutMs = 10000) {
      return waitFor(`${count} events (have ${record.events.length})`, () => record.events.length >= count && record.events, timeoutMs);
    },
  };
  return record;
}
