// To-device writes the user started ("Set Value…") and how far each got. The REST call answers quickly;
// what the user wants to know is whether the device took the value: its datapoint event, and for
// ack-enabled properties its datapointack (Ayla's SDK shows such a value as applied only once acked).
import type { DatapointValue } from '../ayla/wireTypes';

/**
 * - `pending`: sent, no matching datapoint yet.
 * - `applied`: the datapoint with this value arrived. Final for properties without acks; ack-enabled
 *   properties stay unsettled until the ack.
 * - `acked`: the device acknowledged it; `ackStatus`/`ackMessage` say how it went.
 * - `failed`: the caller reported a failure (`failWrite`: REST error, timeout) or the write was evicted.
 */
export type WriteStatus = 'pending' | 'applied' | 'acked' | 'failed';

export interface PendingWrite {
  /** Unique within a store, increasing. */
  readonly id: number;
  readonly dsn: string;
  readonly property: string;
  /** As sent (booleans as 0/1). */
  readonly value: DatapointValue;
  readonly status: WriteStatus;
  /** Nothing more is expected for this write. */
  readonly settled: boolean;
  /** Local times (ms since the epoch). */
  readonly startedAt: number;
  readonly appliedAt: number | undefined;
  readonly settledAt: number | undefined;
  readonly ackStatus: number | undefined;
  readonly ackMessage: number | string | undefined;
  /** Why it failed (`failed` only). */
  readonly error: string | undefined;
}

/** The store's mutable record behind a `PendingWrite`. */
export class WriteEntry implements PendingWrite {
  status: WriteStatus = 'pending';
  settled = false;
  appliedAt: number | undefined = undefined;
  settledAt: number | undefined = undefined;
  ackStatus: number | undefined = undefined;
  ackMessage: number | string | undefined = undefined;
  error: string | undefined = undefined;

  constructor(
    readonly id: number,
    readonly dsn: string,
    readonly property: string,
    readonly value: DatapointValue,
    readonly startedAt: number,
  ) {}

  /** A datapoint with this write's value arrived. */
  apply(at: number, awaitAck: boolean): void {
    if (this.settled || this.status !== 'pending') return;
    this.status = 'applied';
    this.appliedAt = at;
    if (!awaitAck) this.settle(at);
  }

  /** The device acknowledged this write's value (possibly before its datapoint was seen). */
  ack(at: number, status: number | undefined, message: number | string | undefined): void {
    if (this.settled && this.status !== 'applied') return;
    if (this.appliedAt === undefined) this.appliedAt = at;
    this.status = 'acked';
    this.ackStatus = status;
    this.ackMessage = message;
    this.settle(at);
  }

  fail(at: number, message: string): void {
    if (this.settled) return;
    this.status = 'failed';
    this.error = message;
    this.settle(at);
  }

  private settle(at: number): void {
    this.settled = true;
    this.settledAt = at;
  }
}
