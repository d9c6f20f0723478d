// A stream that breaks is never silent (users-ask.md #2): when streaming goes from live to reconnecting or
// failed, the user gets one notification for the outage (not one per retry), and one more when it is live
// again. Stopping or signing out on purpose ends an outage without a word. No vscode: messages go to an
// AlertSink (the Notifier in the extension, a recorder in unit tests).
import type { ExplorerState } from './explorerState';
import { secondsUntil } from './statusBarText';

/** The Notifier's shape: shows a message, resolves to the action the user picked. */
export interface AlertSink {
  info(text: string, ...actions: string[]): PromiseLike<string | undefined>;
  warn(text: string, ...actions: string[]): PromiseLike<string | undefined>;
  error(text: string, ...actions: string[]): PromiseLike<string | undefined>;
}

export interface StreamAlertOptions {
  now?: () => number;
  /** A break within this long after the last break warning is not announced again (a flapping server); stopping resets it. Default 60 s. */
  quietMs?: number;
  /** Reconnect attempts before a stream that was never live is reported as unable to connect. Default 3. */
  attemptsBeforeNeverLiveWarning?: number;
  /** Runs the command behind an action the user picked (`aylaDss.showLog`, …). */
  runCommand?: (command: string) => void;
}

const SHOW_LOG = 'Show Log';
const STOP = 'Stop Streaming';
const START = 'Start Streaming';
const COMMANDS: Record<string, string> = { [SHOW_LOG]: 'aylaDss.showLog', [STOP]: 'aylaDss.stopStreaming', [START]: 'aylaDss.startStreaming' };

interface Outage {
  since: number;
  /** The user was told about it, so they are told when it ends. */
  announced: boolean;
  failedAnnounced: boolean;
}

/** `12s`, `3m 5s`, `2h 4m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

export class StreamAlerts {
  private readonly now: () => number;
  private readonly quietMs: number;
  private readonly neverLiveAttempts: number;
  private wasLive = false;
  private outage: Outage | undefined;
  private lastBreakWarning = -Infinity;

  constructor(
    private readonly sink: AlertSink,
    private readonly options: StreamAlertOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.quietMs = options.quietMs ?? 60_000;
    this.neverLiveAttempts = options.attemptsBeforeNeverLiveWarning ?? 3;
  }

  /** Feed every ExplorerState change. */
  update(state: ExplorerState): void {
    if (state.kind !== 'signedIn' || state.streaming.kind === 'stopped') {
      // Stopped or signed out on purpose (an involuntary sign-out is reported by the account manager).
      this.wasLive = false;
      this.outage = undefined;
      this.lastBreakWarning = -Infinity; // the quiet time is for a server flapping under one streaming session
      return;
    }
    const streaming = state.streaming;
    const now = this.now();
    switch (streaming.kind) {
      case 'connecting':
        return;
      case 'live': {
        const outage = this.outage;
        this.outage = undefined;
        this.wasLive = true;
        if (outage?.announced) this.tell('info', `The event stream is live again after ${formatDuration(now - outage.since)}; it resumed after the last event received.`);
        return;
      }
      case 'reconnecting': {
        if (this.outage) return; // one message per outage, not one per retry
        const retry = `attempt ${streaming.attempt}, next try in ${secondsUntil(streaming.nextTryAt, now)}s`;
        if (this.wasLive) {
          const announce = now - this.lastBreakWarning >= this.quietMs;
          this.outage = { since: now, announced: announce, failedAnnounced: false };
          if (announce) {
            this.lastBreakWarning = now;
            this.tell('warn', `The event stream broke (${streaming.reason}). Reconnecting by itself (${retry}); events resume where they stopped.`, SHOW_LOG, STOP);
          }
        } else if (streaming.attempt >= this.neverLiveAttempts) {
          this.outage = { since: now, announced: true, failedAnnounced: false };
          this.tell('warn', `The event stream could not be opened yet (${streaming.reason}). Still trying (${retry}).`, SHOW_LOG, STOP);
        }
        return;
      }
      case 'failed': {
        const outage = (this.outage ??= { since: now, announced: false, failedAnnounced: false });
        if (outage.failedAnnounced) return;
        outage.failedAnnounced = true;
        outage.announced = true;
        this.tell('error', `The event stream stopped: ${streaming.reason}. No events arrive until you start streaming again.`, START, SHOW_LOG);
        return;
      }
    }
  }

  private tell(severity: 'info' | 'warn' | 'error', text: string, ...actions: string[]): void {
    void Promise.resolve(this.sink[severity](text, ...actions)).then(
      (choice) => {
        const command = choice === undefined ? undefined : COMMANDS[choice];
        if (command) this.options.runCommand?.(command);
      },
      () => undefined,
    );
  }
}
