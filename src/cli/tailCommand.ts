// `tail`: signs in, subscribes, and prints every event's raw JSON as one line on stdout, in arrival
// order and nothing else; states and errors go to stderr. It keeps going through reconnects, and on
// SIGINT/SIGTERM deletes its subscriptions, signs out and exits 0.
import { EVENT_TYPES } from '../ayla/events';
import type { StreamState } from '../ayla/stream';
import type { EventType } from '../ayla/wireTypes';
import { integerFlag, parseArgs, UsageError } from './args';
import { ACCOUNT_FLAGS, accountOptions } from './accountFlags';
import { EXIT } from './exitCodes';
import { withSession } from './signedIn';

export const TAIL_FLAGS = [...ACCOUNT_FLAGS, 'events', 'dsn', 'property', 'oem-model', 'heartbeat-ms'] as const;

function eventTypes(value: string | undefined): EventType[] {
  if (value === undefined) return [...EVENT_TYPES];
  const types = value.split(',').map((t) => t.trim()).filter(Boolean);
  const unknown = types.filter((t) => !(EVENT_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0 || types.length === 0) {
    throw new UsageError(`--events takes a comma list of ${EVENT_TYPES.join(', ')} (got "${value}").`);
  }
  return types as EventType[];
}

/** Valid JSON has raw line breaks only between tokens, so dropping them keeps one event per line. */
function oneLine(raw: string): string {
  return raw.includes('\n') || raw.includes('\r') ? raw.replace(/[\r\n]+/g, ' ') : raw;
}

function describeState(state: StreamState): string {
  switch (state.kind) {
    case 'reconnecting':
      return `reconnecting (attempt ${state.attempt}, in ${Math.round(state.delayMs)} ms): ${state.reason}`;
    case 'failed':
      return `failed: ${state.reason}`;
    default:
      return state.kind;
  }
}

export async function tailCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, TAIL_FLAGS, 'tail');
  if (args.positionals.length > 0) throw new UsageError(`"tail" takes no arguments (got "${args.positionals[0]}").`);
  const account = accountOptions(args);
  const types = eventTypes(args.flags.get('events'));
  const heartbeatIntervalMs = integerFlag(args, 'heartbeat-ms', 30000, 1, 24 * 3600 * 1000);
  const say = (line: string): boolean => process.stderr.write(`${new Date().toISOString()} ${line}\n`);

  return withSession(account, async (session) => {
    let finish: (code: number) => void = () => undefined;
    const finished = new Promise<number>((resolve) => (finish = resolve));
    const failed = new Set<EventType>();

    session.onEvent((event) => process.stdout.write(`${oneLine(event.raw)}\n`));
    session.onUndecodable((frame) => say(`undecodable frame (${frame.reason}): ${frame.raw.slice(0, 500)}`));
    session.onGap((gap) => say(`${gap.eventType}: events ${gap.from}–${gap.to} were lost while disconnected (the server no longer had them)`));
    session.onStreamState(({ eventType, state }) => {
      say(`${eventType} stream ${describeState(state)}`);
      if (state.kind === 'failed') failed.add(eventType);
      if (state.kind === 'live') failed.delete(eventType);
      if (failed.size === types.length) finish(EXIT.streamFailed);
    });
    session.onState((state) => {
      if (state.kind === 'signedOut') {
        say(state.reason);
        finish(EXIT.authentication);
      }
    });
    const stop = (): void => finish(EXIT.ok);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);

    try {
      await session.startStreaming({
        eventTypes: types,
        ...(args.flags.has('dsn') && { dsn: args.flags.get('dsn') }),
        ...(args.flags.has('property') && { propertyName: args.flags.get('property') }),
        ...(args.flags.has('oem-model') && { oemModel: args.flags.get('oem-model') }),
        stream: { heartbeatIntervalMs },
      });
      say(`streaming ${types.join(', ')}; Ctrl+C stops and deletes the subscriptions`);
      const code = await finished;
      if (code !== EXIT.ok) say('stopping');
      await session.stopStreaming();
      return code;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  });
}
