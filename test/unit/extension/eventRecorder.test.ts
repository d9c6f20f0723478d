// The lossless record on a real disk: every event in order under a burst, a disk that is slow (the queue
// grows, nothing is dropped, the stream is fed only as it drains), a disk that fails (one sentence), and
// the export of a buffer.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DssEvent } from '../../../src/ayla/events';
import { EventRecorder, writeErrorSentence, writeEventsFile } from '../../../src/extension/eventRecorder';
import { connectivityEvent, datapointEvent, resetEventFactory } from '../support/eventFactory';
import { sleep, waitFor } from '../support/waitFor';

function lines(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  assert.ok(text === '' || text.endsWith('\n'), 'the file ends with a line break');
  return text === '' ? [] : text.slice(0, -1).split('\n');
}

function burst(count: number): DssEvent[] {
  return Array.from({ length: count }, (_, i) => (i % 10 === 0 ? connectivityEvent({ status: i % 20 === 0 ? 'Online' : 'Offline' }) : datapointEvent({ property: 'counter', value: i })));
}

type WriteCallback = (error: NodeJS.ErrnoException | null, written?: number) => void;

/** fs calls for the write stream with every write delayed (a slow disk), or failing after `failAfter` writes. */
function slowFileSystem(delayMs: number, failAfter = Infinity): { fileSystem: typeof fs & object; writes: () => number; maxChunk: () => number } {
  let writes = 0;
  let maxChunk = 0;
  const write = (fd: number, buffer: Buffer, offset: number, length: number, position: number | null, callback: WriteCallback): void => {
    writes++;
    maxChunk = Math.max(maxChunk, length);
    const n = writes;
    const timer = setTimeout(() => {
      if (n > failAfter) {
        const error: NodeJS.ErrnoException = new Error('ENOSPC: no space left on device, write');
        error.code = 'ENOSPC';
        callback(error);
        return;
      }
      fs.write(fd, buffer, offset, length, position, callback);
    }, delayMs);
    timer.unref(); // a write still waiting when a test ends must not hold the process
  };
  // writev is left out so that every chunk goes through the slow `write`.
  const fileSystem = { open: fs.open, close: fs.close, write } as unknown as typeof fs;
  return { fileSystem, writes: () => writes, maxChunk: () => maxChunk };
}

describe('extension: event recorder (JSON Lines file)', () => {
  let dir: string;

  beforeEach(() => {
    resetEventFactory();
    dir = mkdtempSync(join(tmpdir(), 'ayla-recorder-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes every event of a 50 000-event burst, in order, one raw JSON per line', async () => {
    const path = join(dir, 'burst.jsonl');
    const recorder = await EventRecorder.open(path, { highWaterMark: 256 });
    const events = burst(50_000);
    for (const event of events) recorder.record(event);
    assert.equal(recorder.recorded, 50_000);
    const result = await recorder.stop();
    assert.deepEqual(result, { path, recorded: 50_000, written: 50_000, error: undefined });
    const written = lines(path);
    assert.equal(written.length, 50_000);
    for (let i = 0; i < events.length; i++) if (written[i] !== events[i]!.raw) assert.fail(`line ${i + 1} is event ${i + 1}`);
    for (const line of written.slice(0, 20)) JSON.parse(line);
  });

  it('survives a slow disk: events keep being taken, the queue drains in chunks, nothing is dropped', async () => {
    const path = join(dir, 'slow.jsonl');
    const disk = slowFileSystem(5);
    const recorder = await EventRecorder.open(path, { highWaterMark: 64, maxChunkChars: 16 * 1024, fileSystem: disk.fileSystem });
    const events = burst(10_000);
    // Arrives in bursts while the disk is busy, as socket frames do.
    for (let i = 0; i < events.length; i += 1000) {
      for (const event of events.slice(i, i + 1000)) recorder.record(event);
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(recorder.recorded, 10_000, 'record never refuses or blocks');
    assert.ok(recorder.written < 10_000, `the slow disk is behind (${recorder.written} written)`);
    assert.ok(recorder.pendingLength > 0, 'the rest waits in memory, not in the stream');
    const result = await recorder.stop();
    assert.equal(result.written, 10_000);
    assert.equal(result.error, undefined);
    assert.deepEqual(lines(path), events.map((e) => e.raw));
    assert.ok(disk.writes() > 10, `written in many chunks (${disk.writes()})`);
    assert.ok(disk.maxChunk() <= 16 * 1024 + 2048, `no chunk larger than the limit (${disk.maxChunk()} bytes)`);
  });

  it('puts a JSON that arrived with line breaks between tokens on one line', async () => {
    const path = join(dir, 'multiline.jsonl');
    const recorder = await EventRecorder.open(path);
    const raw = '{\n  "seq": "1",\r\n  "metadata": {"event_type": "connectivity", "dsn": "AC1"},\n  "connection": {"status": "Online"}\n}';
    recorder.recordLine(raw);
    recorder.recordLine('{"value":"a|b ü 🚀 \\n"}');
    await recorder.stop();
    const written = lines(path);
    assert.equal(written.length, 2);
    assert.deepEqual(JSON.parse(written[0]!), JSON.parse(raw));
    assert.equal(written[1], '{"value":"a|b ü 🚀 \\n"}');
  });

  it('a path in a folder that does not exist: one sentence naming the file and the folder', async () => {
    const path = join(dir, 'missing', 'events.jsonl');
    await assert.rejects(EventRecorder.open(path), (error: Error) => {
      assert.equal(error.message, `Could not write events to ${path}: the folder ${join(dir, 'missing')} does not exist.`);
      return true;
    });
  });

  it('a write error mid-recording: reported once, as one sentence; what was written stays', async () => {
    const path = join(dir, 'full.jsonl');
    const disk = slowFileSystem(1, 2);
    const recorder = await EventRecorder.open(path, { highWaterMark: 64, maxChunkChars: 1024, fileSystem: disk.fileSystem });
    const errors: string[] = [];
    recorder.onError((sentence) => errors.push(sentence));
    const events = burst(2000);
    for (const event of events) recorder.record(event);
    await waitFor('the write error', () => errors.length > 0);
    recorder.record(events[0]!); // ignored: the recording has ended
    const result = await recorder.stop();
    assert.deepEqual(errors, [`Could not write events to ${path}: the disk is full.`]);
    assert.equal(result.error, errors[0]);
    assert.equal(recorder.open, false);
    const written = lines(path);
    assert.equal(written.length, result.written, 'the count says what the file holds');
    assert.ok(result.written > 0 && result.written < 2000, `${result.written} written`);
    assert.deepEqual(written, events.slice(0, result.written).map((e) => e.raw));
  });

  it('a disk that stops: the recording fails with a sentence before memory runs out', async () => {
    const path = join(dir, 'stuck.jsonl');
    const disk = slowFileSystem(60_000);
    const recorder = await EventRecorder.open(path, { highWaterMark: 64, maxPendingChars: 100_000, fileSystem: disk.fileSystem });
    const errors: string[] = [];
    recorder.onError((sentence) => errors.push(sentence));
    for (const event of burst(2000)) recorder.record(event);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /^Recording to .*stuck\.jsonl stopped: the disk did not keep up \(\d+ MB of events waiting\)\.$/);
    assert.equal(recorder.pendingLength, 0, 'the queue is freed');
    await recorder.stop();
  });

  it('stop is idempotent, and events after stop are not recorded', async () => {
    const path = join(dir, 'twice.jsonl');
    const recorder = await EventRecorder.open(path);
    recorder.record(datapointEvent());
    const [a, b] = await Promise.all([recorder.stop(), recorder.stop()]);
    assert.deepEqual(a, b);
    recorder.record(datapointEvent());
    await sleep(10);
    assert.equal(lines(path).length, 1);
  });

  it('exports a buffer as JSON Lines', async () => {
    const path = join(dir, 'export.jsonl');
    const events = burst(1234);
    const result = await writeEventsFile(path, events);
    assert.equal(result.written, 1234);
    assert.deepEqual(lines(path), events.map((e) => e.raw));
    await assert.rejects(writeEventsFile(join(dir, 'nope', 'x.jsonl'), events), /^Error: Could not write events to .*: the folder .* does not exist\.$/);
  });

  it('names common errors in words', () => {
    const error = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: something`), { code });
    assert.equal(writeErrorSentence(error('EACCES'), '/x/y.jsonl'), 'Could not write events to /x/y.jsonl: permission denied.');
    assert.equal(writeErrorSentence(error('EISDIR'), '/x'), 'Could not write events to /x: it is a folder.');
    assert.equal(writeErrorSentence(new Error('odd failure.\n    at somewhere'), '/x'), 'Could not write events to /x: odd failure.');
  });
});
