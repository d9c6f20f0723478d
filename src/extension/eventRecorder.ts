// The lossless record: every event handed to `record` is written to a JSON Lines file, one raw event per
// line, in the order received. No vscode: plain Node fs streams, so it is unit-tested against a real disk.
//
// Writing never blocks the caller and never drops an event: lines wait in memory and go to the stream in
// chunks, one chunk at a time as the stream takes them (`write` → false → wait for 'drain'), so a slow disk
// only makes the queue longer. A queue that still grows past `maxPendingChars` (a disk that stopped) ends
// the recording with an error rather than the window's memory. A write error ends it too, as one sentence.
import { createWriteStream, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { DssEvent } from '../ayla/events';
import { Emitter, type Disposable } from '../ayla/emitter';
import { oneLine } from './eventLines';

export interface EventRecorderOptions {
  /** The stream's buffer (bytes); default 64 KiB. Small values make a slow disk in tests. */
  highWaterMark?: number;
  /** Characters waiting in memory before the recording fails instead; default 256 Mi. */
  maxPendingChars?: number;
  /** Largest chunk handed to one `write` (characters); default 1 Mi. */
  maxChunkChars?: number;
  /** `w` (default) replaces the file, `a` appends, `wx` refuses an existing file. */
  flags?: 'w' | 'a' | 'wx';
  /** The file system calls the stream makes (open, write, writev, close); tests pass a slow or failing one. */
  fileSystem?: Exclude<Parameters<typeof createWriteStream>[1], string | undefined>['fs'];
}

export interface RecordingResult {
  readonly path: string;
  /** Events handed to `record` while the recording was open. */
  readonly recorded: number;
  /** Events in the file (written and flushed to the operating system). */
  readonly written: number;
  /** Why the recording ended early, as one sentence; undefined when it ended normally. */
  readonly error: string | undefined;
}

/** `error` as one sentence naming the file and what went wrong. */
export function writeErrorSentence(error: unknown, path: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = ((): string => {
    switch (code) {
      case 'ENOENT':
        return `the folder ${dirname(path)} does not exist`;
      case 'EACCES':
      case 'EPERM':
        return 'permission denied';
      case 'ENOSPC':
        return 'the disk is full';
      case 'EDQUOT':
        return 'the disk quota is used up';
      case 'EISDIR':
        return 'it is a folder';
      case 'EROFS':
        return 'the file system is read-only';
      case 'EEXIST':
        return 'the file already exists';
      default: {
        const message = error instanceof Error ? error.message : String(error);
        return message.split('\n')[0]!.replace(/[.\s]+$/, '');
      }
    }
  })();
  return `Could not write events to ${path}: ${reason}.`;
}

export class EventRecorder {
  private readonly stream: WriteStream;
  private readonly maxPendingChars: number;
  private readonly maxChunkChars: number;
  /** Lines not yet handed to the stream, oldest first, from `head` on (taken lines are dropped in bulk). */
  private pending: string[] = [];
  private head = 0;
  private pendingChars = 0;
  private waitingForDrain = false;
  private flushScheduled = false;
  private recordedCount = 0;
  private writtenCount = 0;
  /** Events handed to the stream whose write callback has not run yet. */
  private inStream = 0;
  private failure: string | undefined;
  private stopping: Promise<RecordingResult> | undefined;
  private readonly errorEmitter = new Emitter<string>();
  private readonly idleWaiters: (() => void)[] = [];

  /** Once, when the recording fails (write error, disk not keeping up): the sentence to show. */
  readonly onError = (listener: (sentence: string) => void): Disposable => this.errorEmitter.event(listener);

  private constructor(
    readonly path: string,
    stream: WriteStream,
    options: EventRecorderOptions,
  ) {
    this.stream = stream;
    this.maxPendingChars = options.maxPendingChars ?? 256 * 1024 * 1024;
    this.maxChunkChars = options.maxChunkChars ?? 1024 * 1024;
    stream.on('error', (error) => this.fail(writeErrorSentence(error, path)));
    stream.on('drain', () => {
      this.waitingForDrain = false;
      this.flush();
    });
  }

  /** Opens (creates or replaces) `path`; rejects with a one-sentence Error when it cannot be written. */
  static open(path: string, options: EventRecorderOptions = {}): Promise<EventRecorder> {
    return new Promise((resolve, reject) => {
      const stream = createWriteStream(path, {
        flags: options.flags ?? 'w',
        encoding: 'utf8',
        highWaterMark: options.highWaterMark ?? 64 * 1024,
        ...(options.fileSystem && { fs: options.fileSystem }),
      });
      const onError = (error: Error): void => {
        stream.off('open', onOpen);
        stream.destroy();
        reject(new Error(writeErrorSentence(error, path)));
      };
      const onOpen = (): void => {
        stream.off('error', onError);
        resolve(new EventRecorder(path, stream, options));
      };
      stream.once('error', onError);
      stream.once('open', onOpen);
    });
  }

  /** Events handed to `record`. */
  get recorded(): number {
    return this.recordedCount;
  }

  /** Events in the file so far. */
  get written(): number {
    return this.writtenCount;
  }

  /** Characters waiting in memory for the disk. */
  get pendingLength(): number {
    return this.pendingChars;
  }

  get error(): string | undefined {
    return this.failure;
  }

  /** Still taking events (not stopped, not failed). */
  get open(): boolean {
    return this.stopping === undefined && this.failure === undefined;
  }

  /** Queues one event's raw JSON as one line. Cheap: the write happens later, in a chunk. */
  record(event: DssEvent): void {
    this.recordLine(event.raw);
  }

  /** Queues one line of JSON (line breaks between tokens are replaced by spaces). */
  recordLine(json: string): void {
    if (!this.open) return;
    const line = `${oneLine(json)}\n`;
    this.pending.push(line);
    this.pendingChars += line.length;
    this.recordedCount++;
    if (this.pendingChars > this.maxPendingChars) {
      this.fail(`Recording to ${this.path} stopped: the disk did not keep up (${Math.round(this.pendingChars / (1024 * 1024))} MB of events waiting).`);
      return;
    }
    if (!this.flushScheduled && !this.waitingForDrain) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.flush();
      });
    }
  }

  /** Writes what is queued, waits until the disk has it, closes the file. Safe to call twice. */
  stop(): Promise<RecordingResult> {
    this.stopping ??= this.finish();
    return this.stopping;
  }

  private async finish(): Promise<RecordingResult> {
    if (this.failure === undefined) {
      this.flush();
      await this.idle();
    }
    if (this.failure === undefined) {
      // 'close': the data is with the operating system and the file is closed (or it failed; see `error`).
      await new Promise<void>((resolve) => {
        this.stream.once('close', () => resolve());
        this.stream.end();
      });
    } else if (!this.stream.destroyed) {
      this.stream.destroy();
    }
    this.errorEmitter.dispose();
    return { path: this.path, recorded: this.recordedCount, written: this.writtenCount, error: this.failure };
  }

  /** Resolves once every queued line has been written (or the recording failed). */
  private idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.failure !== undefined || (this.head === this.pending.length && this.inStream === 0);
  }

  private wakeIdle(): void {
    if (!this.isIdle()) return;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Hands queued lines to the stream, a chunk at a time, while it takes them. */
  private flush(): void {
    const pending = this.pending;
    while (this.head < pending.length && !this.waitingForDrain && this.failure === undefined) {
      const from = this.head;
      let to = from;
      let chars = 0;
      while (to < pending.length && (to === from || chars + pending[to]!.length <= this.maxChunkChars)) {
        chars += pending[to]!.length;
        to++;
      }
      const chunk = from === 0 && to === pending.length ? pending.join('') : pending.slice(from, to).join('');
      this.head = to;
      this.pendingChars -= chars;
      const take = to - from;
      this.inStream += take;
      const accepted = this.stream.write(chunk, (error) => {
        this.inStream -= take;
        if (error) this.fail(writeErrorSentence(error, this.path));
        else this.writtenCount += take;
        this.wakeIdle();
      });
      if (!accepted) this.waitingForDrain = true;
    }
    // Forget the lines handed over: all at once when everything went, else once they are most of the array.
    if (this.head === pending.length) {
      this.pending = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > pending.length) {
      this.pending = pending.slice(this.head);
      this.head = 0;
    }
    this.wakeIdle();
  }

  private fail(sentence: string): void {
    if (this.failure !== undefined) return;
    this.failure = sentence;
    this.pending = [];
    this.head = 0;
    this.pendingChars = 0;
    this.stream.destroy();
    this.wakeIdle();
    this.errorEmitter.fire(sentence);
  }
}

/** Writes `events` to `path` as JSON Lines (replacing the file); resolves with how many were written. */
export async function writeEventsFile(path: string, events: readonly DssEvent[], options: EventRecorderOptions = {}): Promise<RecordingResult> {
  const recorder = await EventRecorder.open(path, options);
  for (const event of events) recorder.record(event);
  const result = await recorder.stop();
  if (result.error !== undefined) throw new Error(result.error);
  return result;
}
