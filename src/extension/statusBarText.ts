// What the Ayla DSS status bar item says for an ExplorerState, and which actions clicking it offers. Pure
// (no vscode), so every state's text is unit-tested in plain Node; StatusBar renders it.
import type { ExplorerState, StreamingStatus } from './explorerState';

export interface StatusAction {
  /** The command to run. */
  command: string;
  /** With a codicon, e.g. `$(debug-pause) Pause`. */
  label: string;
  detail?: string;
}

export interface StatusView {
  /** With codicons, e.g. `$(pulse) Ayla DSS: live · 12 ev/s`. */
  text: string;
  /** Plain-text lines (the account, the cloud, the open streams, what is wrong). */
  tooltip: string[];
  /** `statusBarItem.warningBackground` / `errorBackground`, or none. */
  background: 'warning' | 'error' | undefined;
  /** What a click offers, most useful first. */
  actions: StatusAction[];
}

const ACTIONS = {
  signIn: { command: 'aylaDss.signIn', label: '$(sign-in) Sign In' },
  trySimulator: { command: 'aylaDss.tryLocalSimulator', label: '$(beaker) Try the Local Simulator' },
  start: { command: 'aylaDss.startStreaming', label: '$(play) Start Streaming' },
  restart: { command: 'aylaDss.startStreaming', label: '$(debug-restart) Start Streaming Again', detail: 'New subscriptions, new sockets' },
  stop: { command: 'aylaDss.stopStreaming', label: '$(debug-stop) Stop Streaming', detail: 'Closes the sockets and deletes the subscriptions' },
  pause: { command: 'aylaDss.pauseStreaming', label: '$(debug-pause) Pause', detail: 'Freeze the views; events keep being received and counted' },
  resume: { command: 'aylaDss.resumeStreaming', label: '$(debug-continue) Resume', detail: 'Show the latest state at once' },
  refresh: { command: 'aylaDss.refreshDevices', label: '$(refresh) Refresh Devices' },
  showEvents: { command: 'aylaDss.showEvents', label: '$(list-flat) Show Events', detail: 'Every received event, with its raw JSON' },
  showLog: { command: 'aylaDss.showLog', label: '$(output) Show Log' },
  signOut: { command: 'aylaDss.signOut', label: '$(sign-out) Sign Out' },
} satisfies Record<string, StatusAction>;

/** `0 ev/s`, `0.4 ev/s`, `12 ev/s`, `1.2k ev/s`. */
export function formatRate(eventsPerSecond: number): string {
  const r = Number.isFinite(eventsPerSecond) && eventsPerSecond > 0 ? eventsPerSecond : 0;
  if (r === 0) return '0 ev/s';
  if (r < 10) return `${(Math.round(r * 10) / 10).toString()} ev/s`;
  if (r < 1000) return `${Math.round(r)} ev/s`;
  if (r < 10_000) return `${(Math.round(r / 100) / 10).toString()}k ev/s`;
  return `${Math.round(r / 1000)}k ev/s`;
}

/** Seconds until `at`, rounded up, never negative. */
export function secondsUntil(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}

function reconnectText(status: Extract<StreamingStatus, { kind: 'reconnecting' }>, now: number): string {
  const seconds = secondsUntil(status.nextTryAt, now);
  return `attempt ${status.attempt}, ${seconds > 0 ? `next try in ${seconds}s` : 'retrying now'}`;
}

export function statusView(state: ExplorerState, now: number): StatusView {
  switch (state.kind) {
    case 'signedOut':
      return {
        text: '$(cloud) Ayla DSS: signed out',
        tooltip: ['Ayla DSS: not signed in.', ...(state.reason ? [state.reason] : []), 'Click to sign in or try the local simulator.'],
        background: undefined,
        actions: [ACTIONS.signIn, ACTIONS.trySimulator, ACTIONS.showLog],
      };
    case 'signingIn':
      return {
        text: '$(loading~spin) Ayla DSS: signing in…',
        tooltip: [`Ayla DSS: signing in as ${state.account.email} to ${state.account.cloudLabel} (${state.account.clientType}).`],
        background: undefined,
        actions: [ACTIONS.showLog],
      };
    case 'signedIn':
      break;
  }

  const { account, streaming, paused } = state;
  const accountLine = `Signed in as ${account.email} to ${account.cloudLabel} (${account.clientType}).`;
  const streamsLine = state.streams.length > 0 ? `Streams: ${state.streams.join(', ')}.` : 'No stream open.';
  const countLine = `Events received: ${state.eventsReceived} (${formatRate(state.eventsPerSecond)}).`;
  const pauseLine = paused ? ['Paused: the views are frozen; events are still received and counted.'] : [];
  const pauseAction = paused ? ACTIONS.resume : ACTIONS.pause;
  const rate = formatRate(state.eventsPerSecond);

  switch (streaming.kind) {
    case 'stopped':
      return {
        text: paused ? '$(debug-pause) Ayla DSS: paused · not streaming' : '$(debug-disconnect) Ayla DSS: not streaming',
        tooltip: [accountLine, 'Not streaming: no events arrive.', ...pauseLine],
        background: undefined,
        actions: [ACTIONS.start, ...(paused ? [ACTIONS.resume] : []), ACTIONS.refresh, ACTIONS.showEvents, ACTIONS.showLog, ACTIONS.signOut],
      };
    case 'connecting':
      return {
        text: paused ? '$(debug-pause) Ayla DSS: paused · connecting…' : '$(sync~spin) Ayla DSS: connecting…',
        tooltip: [accountLine, `Connecting. ${streamsLine}`, ...pauseLine],
        background: undefined,
        actions: [pauseAction, ACTIONS.stop, ACTIONS.showEvents, ACTIONS.showLog, ACTIONS.signOut],
      };
    case 'live':
      return {
        text: paused ? `$(debug-pause) Ayla DSS: paused · ${rate}` : `$(pulse) Ayla DSS: live · ${rate}`,
        tooltip: [accountLine, `Live. ${streamsLine}`, countLine, ...pauseLine],
        background: undefined,
        actions: [pauseAction, ACTIONS.stop, ACTIONS.showEvents, ACTIONS.showLog, ACTIONS.signOut],
      };
    case 'reconnecting':
      return {
        text: `$(sync~spin) Ayla DSS: reconnecting (${reconnectText(streaming, now)})${paused ? ' · paused' : ''}`,
        tooltip: [
          accountLine,
          `The stream broke and is reconnecting by itself (${reconnectText(streaming, now)}); events resume where they stopped.`,
          `Last error: ${streaming.reason}`,
          streamsLine,
          countLine,
          ...pauseLine,
        ],
        background: 'warning',
        actions: [ACTIONS.showLog, ACTIONS.showEvents, pauseAction, ACTIONS.stop, ACTIONS.signOut],
      };
    case 'failed':
      return {
        text: `$(error) Ayla DSS: stream failed${paused ? ' · paused' : ''}`,
        tooltip: [accountLine, `Streaming stopped: ${streaming.reason}`, 'Start streaming again to retry.', countLine, ...pauseLine],
        background: 'error',
        actions: [ACTIONS.restart, ACTIONS.showLog, ACTIONS.stop, ACTIONS.signOut],
      };
  }
}
