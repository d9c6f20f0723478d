// What the benchmarks need from the simulator: datapoints stamped with the monotonic send time
// (`stampSendTime`, CLI `--stamp-send-time`), a bigger replay buffer (`--replay-buffer`) and a silent log
// (`--quiet`), so a benchmark can run the simulator in its own process.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { decodeEvent, isDssEvent } from '../../../src/ayla/decode';
import type { DatapointEvent } from '../../../src/ayla/wireTypes';
import { sentStamp } from '../../bench/support/ayla';
import { parseArgs, UsageError } from '../../../src/cli/args';
import { tickMsFor } from '../../../src/simulator/devices';
import { startSimulator, type Simulator } from '../../../src/simulator';
import { monotonicMs } from '../../../src/simulator/clock';
import { createSubscription, signIn } from '../support/aylaHttp';
import { openStream, type StreamClient } from '../support/streamClient';
import { waitFor } from '../support/waitFor';

const CLI = join(process.cwd(), 'dist', 'cli.js');

describe('simulator: options for benchmarks', function () {
  this.timeout(20000);
  let sim: Simulator | undefined;
  let client: StreamClient | undefined;
  afterEach(async () => {
    await client?.close();
    client = undefined;
    await sim?.stop();
    sim = undefined;
  });

  async function datapoints(stampSendTime: boolean | undefined): Promise<DatapointEvent[]> {
    sim = await startSimulator({ eventsPerSecond: 0, ...(stampSendTime !== undefined && { stampSendTime }) });
    const token = (await signIn(sim.url, sim.demo)).access_token;
    const subscription = await createSubscription(sim.url, token, { subscription_type: 'datapoint' });
    client = await openStream(sim.url, subscription.stream_key);
    const dsn = sim.devices.list()[0]!.dsn;
    sim.devices.emitDatapoint(dsn, 'status', 'one');
    sim.devices.emitDatapoint(dsn, 'counter', 7);
    return (await client.waitForEvents(2)) as DatapointEvent[];
  }

  it('stampSendTime: device datapoints carry metadata.sent_mono_ms, the monotonic clock when published', async () => {
    const before = monotonicMs();
    const events = await datapoints(true);
    const after = monotonicMs();
    for (const event of events) {
      const sent = event.datapoint.metadata.sent_mono_ms;
      assert.equal(typeof sent, 'number');
      assert.ok((sent as number) >= before && (sent as number) <= after, `${sent} within [${before}, ${after}]`);
    }
  });

  it("the benchmarks' sentStamp reads the stamp from raw, the same number as the datapoint's parsed metadata", async () => {
    const events = await datapoints(true);
    const rawFrames = events.map((event) => JSON.stringify(event));
    for (const [i, raw] of rawFrames.entries()) {
      const decoded = decodeEvent(raw, Date.now());
      assert.ok(isDssEvent(decoded));
      assert.equal(sentStamp(decoded), events[i]!.datapoint.metadata.sent_mono_ms);
    }
    await client?.close();
    await sim?.stop();
    const unstamped = decodeEvent(JSON.stringify((await datapoints(undefined))[0]), Date.now());
    assert.ok(isDssEvent(unstamped));
    assert.equal(sentStamp(unstamped), undefined);
  });

  it('without it, datapoint metadata stays empty', async () => {
    for (const event of await datapoints(undefined)) assert.deepEqual(event.datapoint.metadata, {});
  });

  it('parseArgs takes switches without a value and refuses one given a value', () => {
    const args = parseArgs(['--quiet', '--port', '0', '--stamp-send-time'], ['port'], 'simulator', ['quiet', 'stamp-send-time']);
    assert.deepEqual([...args.flags], [['quiet', ''], ['port', '0'], ['stamp-send-time', '']]);
    assert.throws(() => parseArgs(['--quiet=yes'], [], 'simulator', ['quiet']), UsageError);
    assert.throws(() => parseArgs(['--quiet'], [], 'simulator'), UsageError, 'unknown unless declared');
  });

  it('`simulator --quiet --replay-buffer N --stamp-send-time` announces its port and logs nothing', async () => {
    const child = spawn(process.execPath, [CLI, 'simulator', '--port', '0', '--quiet', '--replay-buffer', '50000', '--stamp-send-time', '--rate', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await waitFor('the listening line', () => {
        if (child.exitCode !== null) throw new Error(`the simulator exited (${child.exitCode}): ${err}`);
        return /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out)?.[1];
      }, 15000);
      await signIn(url, { email: 'dev@example.com', password: 'simulator', appId: 'simulator-app', appSecret: 'simulator-secret' });
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.equal(err, '', 'no log line with --quiet');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('emits in ticks that follow the rate: about four events a tick, between 5 and 100 ms', () => {
    assert.equal(tickMsFor(0), 100);
    assert.equal(tickMsFor(1.5), 100, 'the demo rate keeps the long tick (idle CPU)');
    assert.equal(tickMsFor(40), 100);
    assert.equal(tickMsFor(100), 40);
    assert.equal(tickMsFor(1000), 5, '1 000 events/s: 5 events every 5 ms, not 100 in one burst');
    assert.equal(tickMsFor(500_000), 5);
  });
});
