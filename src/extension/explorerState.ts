// What the surfaces (tree, status bar, later the event log and chart) render about the account and
// its streams. Plain data, no vscode import, so views' logic can be unit-tested in plain Node.
import type { HostClientType } from '../ayla/hosts';
import type { EventType } from '../ayla/wireTypes';

export interface AccountInfo {
  email: string;
  /** What the user picked, in their words: "US field", "EU field", "Local simulator", … */
  cloudLabel: string;
  clientType: HostClientType;
}

export type StreamingStatus =
  | { kind: 'stopped' }
  | { kind: 'connecting' }
  | { kind: 'live' }
  /** At least one stream is reconnecting; `nextTryAt` is when the earliest retry happens (ms epoch). */
  | { kind: 'reconnecting'; attempt: number; nextTryAt: number; reason: string }
  /** Every stream gave up (a dead key that could not be renewed, a refused subscription…). */
  | { kind: 'failed'; reason: string };

export type ExplorerState =
  | { kind: 'signedOut'; reason: string | undefined }
  | { kind: 'signingIn'; account: AccountInfo }
  | {
      kind: 'signedIn';
      account: AccountInfo;
      streaming: StreamingStatus;
      /** Views are frozen; events are still received and counted. */
      paused: boolean;
      /** Event types with an open (or reconnecting) stream. */
      streams: readonly EventType[];
      /** Events received per second, averaged over the last few seconds. */
      eventsPerSecond: number;
      /** Events received since streaming started (counted while paused too). */
      eventsReceived: number;
    };
