// Cloud subscriptions refused for lack of an OEM access rule (ayla-protocol.md §4): recognising the
// refusal, who may create access rules, which rules are missing, creating them, and what the user is told.
// Free of `vscode`, so it is unit-tested in plain Node (against the simulator).
import { CLOUD_REFUSED_MESSAGE } from '../ayla/subscriptions';
import type { EventType, OemAccessRule } from '../ayla/wireTypes';

/** The roles that manage OEM access rules: OEM admin, staff and support (not OEM::Developer, not EndUser). */
const ACCESS_RULE_ROLE = /^OEM::(Admin|Staff|Support[A-Za-z]*)$/;

export function mayCreateAccessRules(role: string | undefined): boolean {
  return role !== undefined && ACCESS_RULE_ROLE.test(role.trim());
}

/**
 * Whether starting to stream failed because a cloud subscription was refused (403). Recognised by shape,
 * not `instanceof`: a session built by another bundle (an integration test's) throws its own AylaApiError.
 */
export function isCloudRefusal(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as Error & { status?: unknown; service?: unknown };
  return e.status === 403 && e.service === 'dss' && e.message === CLOUD_REFUSED_MESSAGE;
}

/** The chosen event types no granting cloud rule of `role` covers. */
export function missingAccessRuleTypes(rules: readonly OemAccessRule[], role: string, eventTypes: readonly EventType[]): EventType[] {
  const granted = new Set(rules.filter((r) => r.access_grant !== false && r.role === role && r.client_type === 'cloud').map((r) => r.subscription_type));
  return [...new Set(eventTypes)].filter((t) => !granted.has(t));
}

/** What creating access rules needs of the subscription service. */
export interface AccessRuleApi {
  listAccessRules(): Promise<OemAccessRule[]>;
  createAccessRule(rule: { role: string; oem_model: string; property_name: string; client_type: 'cloud'; subscription_type: EventType }): Promise<OemAccessRule>;
}

/**
 * Creates one rule per event type not yet granted to `role` (all OEM models, all properties, cloud), and
 * returns the ones it created. If the rules cannot be listed first, it creates one for every type asked.
 */
export async function createAccessRules(api: AccessRuleApi, role: string, eventTypes: readonly EventType[]): Promise<OemAccessRule[]> {
  let missing: EventType[];
  try {
    missing = missingAccessRuleTypes(await api.listAccessRules(), role, eventTypes);
  } catch {
    missing = [...new Set(eventTypes)];
  }
  const created: OemAccessRule[] = [];
  for (const subscription_type of missing) {
    created.push(await api.createAccessRule({ role, oem_model: '*', property_name: '*', client_type: 'cloud', subscription_type }));
  }
  return created;
}

/** The role as a sentence part: `OEM::Admin`, or a phrase when the service did not name one. */
function roleText(role: string | undefined): string {
  return role !== undefined && role.trim() !== '' ? role.trim() : 'a role the service did not name';
}

/** Not an OEM admin/staff/support role: say why, and what to do instead; nothing to offer. */
export function refusedForRoleMessage(role: string | undefined): string {
  return (
    `Streaming did not start: the cloud subscription was refused (403). Cloud streams need an OEM admin, staff or support role and an OEM access rule, ` +
    `and you are signed in as ${roleText(role)}. Sign in again with the mobile client type, or ask your OEM admin for cloud access.`
  );
}

/** An OEM role without the access rules: offer to create them. */
export function missingRulesMessage(role: string, missing: readonly EventType[]): string {
  const rules = missing.length === 1 ? 'an OEM access rule' : `OEM access rules`;
  return (
    `Streaming did not start: the cloud subscription was refused (403) because no OEM access rule lets ${role} subscribe to ${missing.join(', ')} events. ` +
    `Create ${rules} (all OEM models and properties, one per event type) and stream again?`
  );
}

/** An OEM role whose rules all exist, and still refused: nothing to create. */
export function refusedDespiteRulesMessage(role: string): string {
  return (
    `Streaming did not start: the cloud subscription was refused (403) although OEM access rules for ${role} exist for every chosen event type. ` +
    `Ask your OEM admin to check the rules, or sign in with the mobile client type.`
  );
}

export function createdRulesMessage(role: string, created: readonly OemAccessRule[]): string {
  if (created.length === 0) return `The OEM access rules for ${role} already exist; streaming again.`;
  const types = created.map((r) => r.subscription_type).join(', ');
  return `Created ${created.length === 1 ? 'an OEM access rule' : `${created.length} OEM access rules`} for ${role} cloud subscriptions (${types}); streaming again.`;
}
