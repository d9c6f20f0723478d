// DSS REST (ayla-protocol.md §4): subscriptions and OEM access rules. One event type per subscription,
// each named `vscode-<type>-<short id>` so that leftovers of a crashed session are recognisable and can be
// cleaned up. Stream keys are secrets: every key seen is registered with the redactor.
import { randomBytes } from 'node:crypto';
import { AylaApiError } from './errors';
import { EVENT_TYPES } from './events';
import { authorizedRequest, invalidResponse, type Authorization, type HttpClient, type HttpFailure, type JsonRequest } from './http';
import { registerSecret } from './redact';
import type { ClientType, EventType, OemAccessRule, OemAccessRuleRequest, Subscription, SubscriptionCreateRequest } from './wireTypes';

/** Every subscription this extension creates starts with this (unless a caller picks another prefix). */
export const SUBSCRIPTION_NAME_PREFIX = 'vscode-';
export const SUBSCRIPTION_DESCRIPTION = 'Created by Ayla DSS Explorer (VS Code); safe to delete when it is not streaming.';
const CLIENT_TYPES: readonly ClientType[] = ['cloud', 'mobile', 'user_opt_in'];

export const CLOUD_REFUSED_MESSAGE =
  'The cloud subscription was refused (403): cloud streams need an OEM admin, staff or support role and an OEM access rule for this event type; use the mobile client type or ask your OEM admin.';

/** `*` or one name or a list of names (sent as a comma list). */
export type FilterValue = string | readonly string[];

export interface CreateSubscriptionOptions {
  eventType: EventType;
  clientType: ClientType;
  dsn?: FilterValue;
  propertyName?: FilterValue;
  oemModel?: FilterValue;
  /** OEM id (cloud subscriptions). */
  oem?: string;
  /** Default `vscode-`; the name is `<prefix><type>-<8 hex>`. */
  namePrefix?: string;
  description?: string;
}

export interface DeleteResult {
  /** false when the service no longer knew it (404): already gone counts as deleted. */
  existed: boolean;
}

export interface SubscriptionServiceOptions extends Authorization {
  /** The DSS REST origin for the client type (`resolveHosts(…).dssRest`). */
  origin: string;
  http: HttpClient;
}

/** `vscode-datapoint-1a2b3c4d` for the default prefix. */
export function subscriptionName(eventType: EventType, prefix = SUBSCRIPTION_NAME_PREFIX): string {
  return `${prefix}${eventType}-${randomBytes(4).toString('hex')}`;
}

/** Whether a subscription name is one this extension made (with the default or the given prefix). */
export function isOurSubscription(name: string, prefix = SUBSCRIPTION_NAME_PREFIX): boolean {
  if (!name.startsWith(prefix)) return false;
  const match = /^([a-z]+)-[0-9a-f]{8}$/.exec(name.slice(prefix.length));
  return match !== null && (EVENT_TYPES as readonly string[]).includes(match[1]!);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refuse(message: string): AylaApiError {
  return new AylaApiError('dss', 'invalid-request', undefined, message);
}

function filter(what: string, value: FilterValue | undefined): string {
  if (value === undefined) return '*';
  const list = (typeof value === 'string' ? value.split(',') : [...value]).map((s) => s.trim()).filter((s) => s !== '');
  if (list.length === 0) throw refuse(`The ${what} filter is empty: give "*" or one or more names.`);
  // DSNs, property names and OEM models are letters, digits and a little punctuation: anything else is a typo
  // (a space or a semicolon instead of a comma) that would silently match nothing.
  const odd = list.find((name) => name !== '*' && !/^[A-Za-z0-9_.:-]{1,128}$/.test(name));
  if (odd !== undefined) throw refuse(`The ${what} filter has "${odd.slice(0, 64)}", which is no ${what} name: separate names with commas, e.g. "AC000W000000001,AC000W000000002".`);
  return list.includes('*') ? '*' : list.join(',');
}

function detail(failure: HttpFailure): string {
  return failure.serverMessage ? `: ${failure.serverMessage.replace(/[.\s]+$/, '')}` : '';
}

export class SubscriptionService {
  private readonly origin: string;
  private readonly http: HttpClient;
  private readonly auth: Authorization;

  constructor(options: SubscriptionServiceOptions) {
    this.origin = options.origin;
    this.http = options.http;
    this.auth = { accessToken: options.accessToken, onUnauthorized: options.onUnauthorized };
  }

  async createSubscription(options: CreateSubscriptionOptions): Promise<Subscription> {
    const { eventType, clientType } = options;
    if (!EVENT_TYPES.includes(eventType)) throw refuse(`Unknown event type "${String(eventType)}": use one of ${EVENT_TYPES.join(', ')}.`);
    if (!CLIENT_TYPES.includes(clientType)) throw refuse(`Unknown client type "${String(clientType)}": use cloud or mobile.`);
    // Flat, not wrapped in {"subscription":…} [doc].
    const body: SubscriptionCreateRequest = {
      name: subscriptionName(eventType, options.namePrefix),
      description: options.description ?? SUBSCRIPTION_DESCRIPTION,
      oem_model: filter('OEM model', options.oemModel),
      dsn: filter('DSN', options.dsn),
      property_name: filter('property', options.propertyName),
      client_type: clientType,
      subscription_type: eventType,
      batch_size: 1,
    };
    if (options.oem !== undefined && options.oem.trim() !== '') body.oem = options.oem.trim();
    const action = `create a ${clientType} ${eventType} subscription`;
    const response = await this.call({
      method: 'POST',
      path: '/api/v1/subscriptions.json',
      body,
      action,
      explain: (failure) => {
        if (failure.status !== 403) return undefined;
        if (clientType === 'cloud') return CLOUD_REFUSED_MESSAGE;
        return `The ${eventType} subscription was refused (403${detail(failure)}); subscribe only to devices of this account.`;
      },
    });
    return this.subscription(response.body, action);
  }

  async listSubscriptions(): Promise<Subscription[]> {
    const action = 'list subscriptions';
    const response = await this.call({ method: 'GET', path: '/api/v1/subscriptions.json', action });
    if (!Array.isArray(response.body)) throw invalidResponse('dss', this.origin, action, 'a list of subscriptions');
    return response.body.map((element: unknown) => this.subscription(element, action));
  }

  async getSubscription(id: number): Promise<Subscription> {
    const action = `read subscription ${id}`;
    const response = await this.call({
      method: 'GET',
      path: `/api/v1/subscriptions/${checkId(id, 'subscription')}.json`,
      action,
      explain: (failure) => (failure.status === 404 ? `Subscription ${id} does not exist (404); it may have been deleted.` : undefined),
    });
    return this.subscription(response.body, action);
  }

  /** Deletes a subscription; one the service no longer knows (404) counts as already gone. */
  async deleteSubscription(id: number): Promise<DeleteResult> {
    return this.delete(`/api/v1/subscriptions/${checkId(id, 'subscription')}.json`, `delete subscription ${id}`, undefined);
  }

  /** Creates an OEM access rule (OEM roles only), needed before cloud subscriptions of that type. */
  async createAccessRule(rule: OemAccessRuleRequest): Promise<OemAccessRule> {
    if (!EVENT_TYPES.includes(rule.subscription_type)) throw refuse(`Unknown event type "${String(rule.subscription_type)}": use one of ${EVENT_TYPES.join(', ')}.`);
    const action = `create an access rule for ${rule.role} ${rule.subscription_type} subscriptions`;
    const response = await this.call({ method: 'POST', path: '/api/v1/oemAccessRules', body: rule, action, explain: accessRuleRefused });
    return unwrapRule(response.body, () => invalidResponse('dss', this.origin, action, 'the access rule it created'));
  }

  async listAccessRules(): Promise<OemAccessRule[]> {
    const action = 'list access rules';
    const response = await this.call({ method: 'GET', path: '/api/v1/oemAccessRules', action, explain: accessRuleRefused });
    const invalid = (): AylaApiError => invalidResponse('dss', this.origin, action, 'a list of access rules');
    if (!Array.isArray(response.body)) throw invalid();
    return response.body.map((element: unknown) => unwrapRule(element, invalid));
  }

  async deleteAccessRule(id: number): Promise<DeleteResult> {
    return this.delete(`/api/v1/oemAccessRules/${checkId(id, 'access rule')}`, `delete access rule ${id}`, accessRuleRefused);
  }

  private async delete(path: string, action: string, explain: JsonRequest['explain']): Promise<DeleteResult> {
    try {
      // DELETE is idempotent, so the HTTP client retries it on 5xx; a retry after a lost 204 then sees 404.
      await this.call({ method: 'DELETE', path, action, expectJson: false, explain });
      return { existed: true };
    } catch (error) {
      if (error instanceof AylaApiError && error.kind === 'http' && error.status === 404) return { existed: false };
      throw error;
    }
  }

  private async call(req: Pick<JsonRequest, 'method' | 'path' | 'body' | 'action' | 'explain' | 'expectJson'>): Promise<{ body: unknown }> {
    return authorizedRequest(this.http, this.auth, { service: 'dss', origin: this.origin, ...req });
  }

  private subscription(body: unknown, action: string): Subscription {
    const inner = isRecord(body) && isRecord(body.subscription) ? body.subscription : undefined;
    if (!inner || typeof inner.id !== 'number' || typeof inner.stream_key !== 'string') {
      throw invalidResponse('dss', this.origin, action, 'a subscription with an id and a stream key');
    }
    registerSecret(inner.stream_key, 'token');
    return inner as unknown as Subscription;
  }
}

function accessRuleRefused(failure: HttpFailure): string | undefined {
  return failure.status === 403 ? `The Datastream Service refused (403${detail(failure)}); access rules are managed by OEM admin, staff or support roles.` : undefined;
}

function checkId(id: number, what: string): number {
  if (!Number.isSafeInteger(id) || id < 0) throw refuse(`A ${what} id is a whole number (got ${String(id)}).`);
  return id;
}

function unwrapRule(body: unknown, invalid: () => AylaApiError): OemAccessRule {
  const inner = isRecord(body) ? (isRecord(body.OemAccessRule) ? body.OemAccessRule : isRecord(body.oem_access_rule) ? body.oem_access_rule : undefined) : undefined;
  if (!inner || typeof inner.id !== 'number') throw invalid();
  return inner as unknown as OemAccessRule;
}
