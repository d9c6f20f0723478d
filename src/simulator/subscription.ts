// One DSS subscription: what it lets through (type, oem_model, dsn, property_name), its stream key,
// its per-subscription sequence and replay buffer, and the socket streaming it (at most one).
import type { ClientType, EventType, Subscription as SubscriptionRecord } from '../ayla/wireTypes';
import type { PreparedEvent } from './events';
import { ReplayBuffer } from './replayBuffer';

/** What a stream socket must offer the subscription it serves. */
export interface AttachedSocket {
  /** Sends whatever the buffer holds beyond what this socket has sent. */
  pump(): void;
  close(code: number, reason: string): void;
}

export interface SubscriptionSetup {
  id: number;
  name: string;
  description: string;
  oem: string;
  oemModel: string;
  dsn: string;
  propertyName: string;
  clientType: ClientType;
  types: EventType[];
  subscriptionType: string;
  batchSize: number;
  userUuid: string | null;
  ownerUuid: string;
  streamKey: string;
  createdAt: string;
  replayBufferSize: number;
}

/** `*` (or empty) = anything; else a comma list. */
function listFilter(text: string): Set<string> | undefined {
  const items = text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  return items.length === 0 || items.includes('*') ? undefined : new Set(items);
}

export class Subscription {
  readonly replay: ReplayBuffer;
  socket: AttachedSocket | undefined;
  /** Set by the expire-stream-keys fault: the key is refused from then on. */
  keyExpired = false;
  private readonly types: ReadonlySet<EventType>;
  private readonly oemModels: ReadonlySet<string> | undefined;
  private readonly dsns: ReadonlySet<string> | undefined;
  private readonly propertyNames: ReadonlySet<string> | undefined;

  constructor(readonly setup: SubscriptionSetup) {
    this.replay = new ReplayBuffer(setup.replayBufferSize);
    this.types = new Set(setup.types);
    this.oemModels = listFilter(setup.oemModel);
    // A mobile subscription's dsn was filled in with the user's devices, so an empty list matches nothing.
    this.dsns = setup.dsn.trim() === '' ? new Set() : listFilter(setup.dsn);
    this.propertyNames = listFilter(setup.propertyName);
  }

  get id(): number {
    return this.setup.id;
  }

  get streamKey(): string {
    return this.setup.streamKey;
  }

  matches(event: PreparedEvent): boolean {
    if (!this.types.has(event.type)) return false;
    if (event.oem !== this.setup.oem) return false;
    if (this.oemModels && !this.oemModels.has(event.oemModel)) return false;
    if (this.dsns && !this.dsns.has(event.dsn)) return false;
    // property_name filters only events about a property (datapoint, datapointack).
    if (this.propertyNames && event.propertyName !== undefined && !this.propertyNames.has(event.propertyName)) return false;
    return true;
  }

  record(): SubscriptionRecord {
    const s = this.setup;
    return {
      id: s.id,
      oem: s.oem,
      dsn: s.dsn,
      name: s.name,
      description: s.description,
      property_name: s.propertyName,
      connection_status: this.socket ? 'Online' : 'Offline',
      batch_size: s.batchSize,
      is_suspended: false,
      created_at: s.createdAt,
      updated_at: s.createdAt,
      date_suspended: null,
      user_uuid: s.userUuid,
      oem_model: s.oemModel,
      stream_key: s.streamKey,
      client_type: s.clientType,
      subscription_type: s.subscriptionType as EventType,
    };
  }
}
