// Signing in to the simulator with the project's own client (setup only, never timed by B1).
import { resolveHosts, type AylaHosts } from '../../../src/ayla/hosts';
import { AylaSession } from '../../../src/ayla/session';
import { DEMO } from './simulatorProcess';

export function simulatorHosts(url: string): AylaHosts {
  return resolveHosts({ region: 'us', deployment: 'field', clientType: 'mobile', baseUrl: url });
}

export function signInDemo(url: string): Promise<AylaSession> {
  return AylaSession.signIn({ hosts: simulatorHosts(url), clientType: 'mobile' }, { ...DEMO });
}

/** The extension's default model settings (aylaDss.history.size, aylaDss.events.bufferSize, aylaDss.events.recentPerDevice). */
export const EXTENSION_STORE_DEFAULTS = { historySize: 1000, eventBufferSize: 10_000, eventsPerDevice: 50 } as const;

import { EVENT_TYPES, type DssEvent } from '../../../src/ayla/events';
import { Explorer } from '../../../src/extension/explorer';

/** An Explorer (session → store, as the extension wires it) signed in to the simulator with the demo account. */
export async function explorerOnSimulator(url: string): Promise<{ explorer: Explorer; session: AylaSession }> {
  const session = await signInDemo(url);
  const explorer = new Explorer({ ...EXTENSION_STORE_DEFAULTS });
  await explorer.attach(session, { email: DEMO.email, cloudLabel: 'Local simulator', clientType: 'mobile' });
  return { explorer, session };
}

export const ALL_EVENT_TYPES = EVENT_TYPES;

/** `"sent_mono_ms":<number>` as the simulator writes it into a datapoint's own metadata. */
const SENT_STAMP = /"sent_mono_ms":(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/;

/**
 * The simulator's send stamp (`--stamp-send-time`) of a datapoint, or undefined. Read from `raw` with a regular
 * expression, not `event.body` (which parses the whole event again): it runs for every event, in the middle of
 * the bursts the latency benchmarks time, and must not add to them.
 */
export function sentStamp(event: DssEvent): number | undefined {
  if (event.type !== 'datapoint') return undefined;
  const match = SENT_STAMP.exec(event.raw);
  return match ? Number(match[1]) : undefined;
}
