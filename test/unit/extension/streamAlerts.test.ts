// A broken stream is never silent: one warning per outage, one "live again" when it recovers.
import { strict as assert } from 'node:assert';
import type { AccountInfo, ExplorerState, StreamingStatus } from '../../../src/extension/explorerState';
import { formatDuration, StreamAlerts, type AlertSink } from '../../../src/extension/streamAlerts';

const account: AccountInfo = { email: 'dev@example.com', cloudLabel: 'Local simulator', clientType: 'mobile' };

function state(streaming: StreamingStatus, paused = false): ExplorerState {
  return { kind: 'signedIn', account, streaming, paused, streams: ['datapoint'], eventsPerSecond: 0, eventsReceived: 0 };
}

const live = state({ kind: 'live' });
const connecting = state({ kind: 'connecting' });
const stopped = state({ kind: 'stopped' });
const reconnecting = (attempt: number, at = 0): ExplorerState => state({ kind: 'reconnecting', attempt, nextTryAt: at + 1000, reason: 'datapoint: connection lost (1006)' });
const failed = state({ kind: 'failed', reason: 'datapoint: stream key refused' });

function setup(options: { quietMs?: number; answer?: string } = {}) {
  const clock = { now: 0 };
  const said: { severity: string; text: string; actions: string[] }[] = [];
  const ran: string[] = [];
  const record =
    (severity: string) =>
    (text: string, ...actions: string[]): PromiseLike<string | undefined> => {
      said.push({ severity, text, actions });
      return Promise.resolve(options.answer);
    };
  const sink: AlertSink = { info: record('info'), warn: record('warn'), error: record('error') };
  const alerts = new StreamAlerts(sink, { now: () => clock.now, runCommand: (c) => ran.push(c), ...(options.quietMs !== undefined && { quietMs: options.quietMs }) });
  return { clock, said, ran, alerts };
}

describe('extension: stream alerts', () => {
  it('warns once when a live stream breaks, however many retries follow, and says when it is live again', () => {
    const { clock, said, alerts } = setup();
    alerts.update(connecting);
    alerts.update(live);
    assert.equal(said.length, 0, 'nothing to say while all is well');
    clock.now = 1000;
    alerts.update(reconnecting(1, clock.now));
    for (let attempt = 2; attempt < 10; attempt++) alerts.update(reconnecting(attempt, clock.now));
    alerts.update(state({ kind: 'reconnecting', attempt: 10, nextTryAt: 0, reason: 'connectivity: HTTP 503 at the upgrade' }, true));
    assert.equal(said.length, 1);
    assert.equal(said[0]!.severity, 'warn');
    assert.match(said[0]!.text, /^The event stream broke \(datapoint: connection lost \(1006\)\)\. Reconnecting by itself \(attempt 1, next try in 1s\)/);
    assert.deepEqual(said[0]!.actions, ['Show Log', 'Stop Streaming']);
    clock.now = 13_000;
    alerts.update(live);
    alerts.update(live);
    assert.equal(said.length, 2);
    assert.equal(said[1]!.severity, 'info');
    assert.equal(said[1]!.text, 'The event stream is live again after 12s; it resumed after the last event received.');
  });

  it('says nothing when the user stops streaming or signs out during an outage', () => {
    const { said, alerts } = setup();
    alerts.update(live);
    alerts.update(reconnecting(1));
    alerts.update(stopped);
    alerts.update(connecting);
    alerts.update(live);
    alerts.update(reconnecting(1));
    alerts.update({ kind: 'signedOut', reason: undefined });
    assert.deepEqual(said.map((s) => s.severity), ['warn', 'warn'], 'each break (stopping restarts the quiet time), and no "live again" for an outage ended on purpose');
  });

  it('warns again for a new outage after the quiet time, but not for a flapping server within it', () => {
    const { clock, said, alerts } = setup({ quietMs: 60_000 });
    alerts.update(live);
    alerts.update(reconnecting(1));
    alerts.update(live);
    clock.now = 10_000;
    alerts.update(reconnecting(1));
    alerts.update(live);
    assert.deepEqual(said.map((s) => s.severity), ['warn', 'info'], 'the second break within a minute is neither announced nor its recovery');
    clock.now = 70_000;
    alerts.update(reconnecting(1));
    alerts.update(live);
    assert.deepEqual(said.map((s) => s.severity), ['warn', 'info', 'warn', 'info']);
  });

  it('reports a failed stream once as an error, and its recovery after a restart', () => {
    const { said, alerts } = setup();
    alerts.update(live);
    alerts.update(reconnecting(1));
    alerts.update(failed);
    alerts.update(failed);
    assert.deepEqual(said.map((s) => s.severity), ['warn', 'error']);
    assert.match(said[1]!.text, /^The event stream stopped: datapoint: stream key refused\. No events arrive until you start streaming again\.$/);
    assert.deepEqual(said[1]!.actions, ['Start Streaming', 'Show Log']);
    alerts.update(connecting);
    alerts.update(live);
    assert.deepEqual(said.map((s) => s.severity), ['warn', 'error', 'info']);
  });

  it('reports a stream that fails before it was ever live', () => {
    const { said, alerts } = setup();
    alerts.update(connecting);
    alerts.update(failed);
    assert.deepEqual(said.map((s) => s.severity), ['error']);
  });

  it('reports a stream that never opens after a few attempts, once', () => {
    const { said, alerts } = setup();
    alerts.update(connecting);
    alerts.update(reconnecting(1));
    alerts.update(reconnecting(2));
    assert.equal(said.length, 0, 'a first retry or two is normal');
    alerts.update(reconnecting(3));
    alerts.update(reconnecting(4));
    assert.equal(said.length, 1);
    assert.match(said[0]!.text, /^The event stream could not be opened yet/);
    alerts.update(live);
    assert.equal(said.at(-1)!.severity, 'info');
  });

  it('runs the command behind the action the user picks', async () => {
    const { ran, alerts } = setup({ answer: 'Show Log' });
    alerts.update(live);
    alerts.update(reconnecting(1));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(ran, ['aylaDss.showLog']);
  });

  it('formats outage durations', () => {
    assert.equal(formatDuration(400), '0s');
    assert.equal(formatDuration(12_400), '12s');
    assert.equal(formatDuration(185_000), '3m 5s');
    assert.equal(formatDuration(2 * 3_600_000 + 4 * 60_000), '2h 4m');
  });
});
