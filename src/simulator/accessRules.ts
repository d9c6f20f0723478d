// OEM access rules (ayla-protocol.md §4): an OEM role creates a rule per (role, subscription_type) before
// it may create cloud subscriptions. POST/GET /api/v1/oemAccessRules, DELETE /api/v1/oemAccessRules/{id}.
import type { EventType, OemAccessRule, OemAccessRuleWrapper } from '../ayla/wireTypes';
import type { Account, Accounts } from './accounts';
import { isOemRole, requireAccount } from './auth';
import { aylaTime } from './clock';
import { HttpError, requireObjectBody, type RequestContext, type Route } from './http';
import { clientType, eventTypes, filterText, requiredText } from './validation';

export class AccessRules {
  private readonly rules = new Map<number, OemAccessRule>();
  private nextId = 755;

  add(fields: Omit<OemAccessRule, 'id' | 'created_at' | 'updated_at' | 'access_grant'>): OemAccessRule {
    const now = aylaTime();
    const rule: OemAccessRule = {
      id: this.nextId++,
      oem_id: fields.oem_id,
      role: fields.role,
      oem_model: fields.oem_model,
      property_name: fields.property_name,
      client_type: fields.client_type,
      subscription_type: fields.subscription_type,
      access_grant: true,
      created_at: now,
      updated_at: now,
    };
    this.rules.set(rule.id, rule);
    return rule;
  }

  list(oemId: string): OemAccessRule[] {
    return [...this.rules.values()].filter((r) => r.oem_id === oemId);
  }

  remove(oemId: string, id: number): boolean {
    const rule = this.rules.get(id);
    if (!rule || rule.oem_id !== oemId) return false;
    this.rules.delete(id);
    return true;
  }

  /** Whether a rule of the account's OEM grants its role cloud subscriptions of this type. */
  grants(account: Account, type: EventType): boolean {
    return this.list(account.oemId).some(
      (r) => r.access_grant && r.role === account.role && r.client_type === 'cloud' && r.subscription_type === type,
    );
  }
}

function oemAccount(accounts: Accounts, ctx: RequestContext): Account {
  const account = requireAccount(accounts, ctx);
  if (!isOemRole(account.role)) throw new HttpError(403, `Access rules are managed by OEM roles; ${account.email} is ${account.role}.`);
  return account;
}

export function accessRuleRoutes(accounts: Accounts, rules: AccessRules): Route[] {
  return [
    {
      method: 'POST',
      pattern: /^\/api\/v1\/oemAccessRules$/,
      style: 'api',
      handle(ctx) {
        const account = oemAccount(accounts, ctx);
        const body = requireObjectBody(ctx);
        const rule = rules.add({
          oem_id: account.oemId,
          role: requiredText(body, 'role'),
          oem_model: filterText(body, 'oem_model'),
          property_name: filterText(body, 'property_name'),
          client_type: clientType(body, 'cloud'),
          subscription_type: eventTypes(body, false)[0]!,
        });
        const reply: OemAccessRuleWrapper = { OemAccessRule: rule };
        return { status: 201, body: reply };
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/oemAccessRules$/,
      style: 'api',
      handle(ctx) {
        const account = oemAccount(accounts, ctx);
        const body: OemAccessRuleWrapper[] = rules.list(account.oemId).map((r) => ({ OemAccessRule: r }));
        return { status: 200, body };
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/api\/v1\/oemAccessRules\/([^/]+)$/,
      style: 'api',
      handle(ctx, [id]) {
        const account = oemAccount(accounts, ctx);
        if (!/^\d+$/.test(id!) || !rules.remove(account.oemId, Number(id))) throw new HttpError(404, `Access rule ${id} not found.`);
        return { status: 204 };
      },
    },
  ];
}
