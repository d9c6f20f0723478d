// The status bar item's text, tooltip and click actions for every ExplorerState.
import { strict as assert } from 'node:assert';
import type { AccountInfo, ExplorerState, StreamingStatus } from '../../../src/extension/explorerState';
import { formatRate, statusView } from '../../../src/extension/statusBarText';

const NOW = 1_700_000_000_000;
const account: AccountInfo = { email: 'dev@example.com', cloudLabel: 'Local simulator', clientType: 'mobile' };

function signedIn(streaming: StreamingStatus, extra: Partial<Extract<ExplorerState, { kind: 'signedIn' }>> = {}): ExplorerState {
  return {
    kind: 'signedIn',
    account,
    streaming,
    paused: false,
    streams: streaming.kind === 'stopped' ? [] : ['datapoint', 'connectivity'],
    eventsPerSecond: 12.4,
    eventsReceived: 321,
    ...extra,
  };
}

const commands = (state: ExplorerState): string[] => statusView(state, NOW).actions.map((a) => a.command);

describe('extension: status bar text', () => {
  it('formats the event rate', () => {
    assert.equal(formatRate(0), '0 ev/s');
    assert.equal(formatRate(-1), '0 ev/s');
    assert.equal(formatRate(Number.NaN), '0 ev/s');
    assert.equal(formatRate(0.44), '0.4 ev/s');
    assert.equal(formatRate(3), '3 ev/s');
    assert.equal(formatRate(12.4), '12 ev/s');
    assert.equal(formatRate(1234), '1.2k ev/s');
    assert.equal(formatRate(56_789), '57k ev/s');
  });

  it('signed out: offers sign-in and the simulator, and says why it signed out', () => {
    const view = statusView({ kind: 'signedOut', reason: 'Your session expired: sign in again.' }, NOW);
    assert.equal(view.text, '$(cloud) Ayla DSS: signed out');
    assert.ok(view.tooltip.includes('Your session expired: sign in again.'));
    assert.equal(view.background, undefined);
    assert.deepEqual(commands({ kind: 'signedOut', reason: undefined }), ['aylaDss.signIn', 'aylaDss.tryLocalSimulator', 'aylaDss.showLog']);
  });

  it('signing in: names the account and cloud', () => {
    const view = statusView({ kind: 'signingIn', account }, NOW);
    assert.equal(view.text, '$(loading~spin) Ayla DSS: signing in…');
    assert.deepEqual(view.tooltip, ['Ayla DSS: signing in as dev@example.com to Local simulator (mobile).']);
    assert.deepEqual(view.actions.map((a) => a.command), ['aylaDss.showLog']);
  });

  it('signed in, not streaming: offers to start', () => {
    const view = statusView(signedIn({ kind: 'stopped' }), NOW);
    assert.equal(view.text, '$(debug-disconnect) Ayla DSS: not streaming');
    assert.ok(view.tooltip.includes('Signed in as dev@example.com to Local simulator (mobile).'));
    assert.deepEqual(view.actions.map((a) => a.command), ['aylaDss.startStreaming', 'aylaDss.refreshDevices', 'aylaDss.showEvents', 'aylaDss.showLog', 'aylaDss.signOut']);
  });

  it('connecting', () => {
    const view = statusView(signedIn({ kind: 'connecting' }), NOW);
    assert.equal(view.text, '$(sync~spin) Ayla DSS: connecting…');
    assert.ok(view.tooltip.some((l) => l.includes('Streams: datapoint, connectivity.')));
    assert.deepEqual(view.actions.map((a) => a.command), ['aylaDss.pauseStreaming', 'aylaDss.stopStreaming', 'aylaDss.showEvents', 'aylaDss.showLog', 'aylaDss.signOut']);
  });

  it('live: shows events per second, the account, the cloud and the open streams', () => {
    const view = statusView(signedIn({ kind: 'live' }), NOW);
    assert.equal(view.text, '$(pulse) Ayla DSS: live · 12 ev/s');
    assert.deepEqual(view.tooltip, [
      'Signed in as dev@example.com to Local simulator (mobile).',
      'Live. Streams: datapoint, connectivity.',
      'Events received: 321 (12 ev/s).',
    ]);
    assert.equal(view.background, undefined);
    assert.deepEqual(view.actions.map((a) => a.command), ['aylaDss.pauseStreaming', 'aylaDss.stopStreaming', 'aylaDss.showEvents', 'aylaDss.showLog', 'aylaDss.signOut']);
  });

  it('paused: says so, keeps counting, offers resume instead of pause', () => {
    const view = statusView(signedIn({ kind: 'live' }, { paused: true }), NOW);
    assert.equal(view.text, '$(debug-pause) Ayla DSS: paused · 12 ev/s');
    assert.ok(view.tooltip.some((l) => /Paused: the views are frozen; events are still received and counted/.test(l)));
    assert.deepEqual(view.actions.map((a) => a.command), ['aylaDss.resumeStreaming', 'aylaDss.stopStreaming', 'aylaDss.showEvents', 'aylaDss.showLog', 'aylaDss.signOut']);
  });

  it('reconnecting: shows the attempt and the seconds to the next try, with a warning background', () => {
    const state = signedIn({ kind: 'reconnecting', attempt: 3, nextTryAt: NOW + 4200, reason: 'datapoint: connection lost (1006)' });
    const view = statusView(state, NOW);
    assert.equal(view.text, '$(sync~spin) Ayla DSS: reconnecting (attempt 3, next try in 5s)');
    assert.equal(view.background, 'warning');
    assert.ok(view.tooltip.includes('Last error: datapoint: connection lost (1006)'));
    assert.equal(statusView(state, NOW + 4200).text, '$(sync~spin) Ayla DSS: reconnecting (attempt 3, retrying now)');
    assert.equal(statusView(signedIn(state.kind === 'signedIn' ? state.streaming : { kind: 'live' }, { paused: true }), NOW).text, '$(sync~spin) Ayla DSS: reconnecting (attempt 3, next try in 5s) · paused');
    assert.equal(view.actions[0]?.command, 'aylaDss.showLog');
    assert.equal(view.actions[1]?.command, 'aylaDss.showEvents');
  });

  it('failed: says so with an error background and offers to start again', () => {
    const view = statusView(signedIn({ kind: 'failed', reason: 'datapoint: the subscription was refused (403)' }), NOW);
    assert.equal(view.text, '$(error) Ayla DSS: stream failed');
    assert.equal(view.background, 'error');
    assert.ok(view.tooltip.includes('Streaming stopped: datapoint: the subscription was refused (403)'));
    assert.equal(view.actions[0]?.command, 'aylaDss.startStreaming');
  });

});
