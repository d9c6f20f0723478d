// What the Subscriptions view shows for each subscription on the server: label, description, tooltip,
// icon, and whose it is — this window's (it streams from it now), a leftover (named like ours, but not
// this window's: an earlier run that did not clean up, or another VS Code window), or another app's.
// Pure functions, free of `vscode`, so every rule is unit-tested in plain Node.
//
// The stream key is a secret: it is never shown, and every server-provided text is scrubbed of it (and of
// any other known secret) before it reaches a label, description or tooltip.
import { maskSecret, redactSecrets } from '../ayla/redact';
import { isOurSubscription } from '../ayla/subscriptions';
import type { Subscription } from '../ayla/wireTypes';
import { escapeMarkdown, shorten, type TreeItemView } from './deviceTreeItems';

export type SubscriptionOrigin = 'thisWindow' | 'leftover' | 'other';

/** Longest name shown as a label. */
const LABEL_LENGTH = 80;
/** Longest filter or description shown in a tooltip (a mobile subscription's DSN filter lists every device). */
const TOOLTIP_TEXT_LENGTH = 300;

const ORIGIN_ORDER: Record<SubscriptionOrigin, number> = { thisWindow: 0, leftover: 1, other: 2 };

/** Whose a subscription is: this window's (`activeIds`: the ones its session streams from), a leftover of ours, or another app's. */
export function subscriptionOrigin(subscription: Pick<Subscription, 'id' | 'name'>, activeIds: ReadonlySet<number>): SubscriptionOrigin {
  if (activeIds.has(subscription.id)) return 'thisWindow';
  return typeof subscription.name === 'string' && isOurSubscription(subscription.name) ? 'leftover' : 'other';
}

/** The subscriptions "Delete Leftover Subscriptions" removes: named like ours, and not this window's. */
export function leftoverSubscriptions<S extends Pick<Subscription, 'id' | 'name'>>(subscriptions: readonly S[], activeIds: ReadonlySet<number>): S[] {
  return subscriptions.filter((s) => subscriptionOrigin(s, activeIds) === 'leftover');
}

/** This window's first, then leftovers, then other apps'; by name within each. */
export function sortSubscriptions<S extends Pick<Subscription, 'id' | 'name'>>(subscriptions: readonly S[], activeIds: ReadonlySet<number>): S[] {
  return [...subscriptions].sort(
    (a, b) => ORIGIN_ORDER[subscriptionOrigin(a, activeIds)] - ORIGIN_ORDER[subscriptionOrigin(b, activeIds)] || textOf(a.name).localeCompare(textOf(b.name)) || a.id - b.id,
  );
}

export function subscriptionNodeId(id: number): string {
  return `subscription:${id}`;
}

/** The name to show (the id when the server sent none), one line, scrubbed of secrets. */
export function subscriptionLabel(subscription: Subscription): string {
  const name = scrub(subscription, textOf(subscription.name));
  return name === '' ? `subscription ${subscription.id}` : shorten(name, LABEL_LENGTH);
}

/** `datapoint · mobile · Online` (+ ` · suspended`). */
export function subscriptionDescription(subscription: Subscription): string {
  const parts = [
    textOf(subscription.subscription_type) || 'type unknown',
    textOf(subscription.client_type) || 'client type unknown',
    textOf(subscription.connection_status) || 'status unknown',
  ];
  if (subscription.is_suspended === true) parts.push('suspended');
  return shorten(scrub(subscription, parts.join(' · ')), LABEL_LENGTH);
}

const ORIGIN_TEXT: Record<SubscriptionOrigin, string> = {
  thisWindow: 'This window streams from it now.',
  leftover: 'Created by Ayla DSS Explorer, but not by this window: left behind by an earlier run (or another VS Code window streaming with this account). "Delete Leftover Subscriptions" removes it.',
  other: 'Not created by Ayla DSS Explorer: another app or tool made it, and deleting it stops that one receiving its events.',
};

/** Markdown; every server-provided string in it is scrubbed of secrets and escaped. Never the stream key. */
export function subscriptionTooltip(subscription: Subscription, origin: SubscriptionOrigin): string {
  const field = (name: string, value: unknown): string | undefined => {
    const text = textOf(value);
    return text === '' ? undefined : `${name}: ${escapeMarkdown(shorten(scrub(subscription, text), TOOLTIP_TEXT_LENGTH))}`;
  };
  const online = textOf(subscription.connection_status).toLowerCase() === 'online';
  const suspended = subscription.is_suspended === true ? `yes${textOf(subscription.date_suspended) ? ` (since ${textOf(subscription.date_suspended)})` : ''}` : 'no';
  const parts = [
    field('Id', subscription.id),
    field('Type', subscription.subscription_type),
    field('Client type', subscription.client_type),
    field('Connection', subscription.connection_status),
    field('Suspended', suspended),
    field('OEM model filter', subscription.oem_model),
    field('DSN filter', subscription.dsn),
    field('Property filter', subscription.property_name),
    field('OEM', subscription.oem),
    field('Created', subscription.created_at),
    field('Updated', subscription.updated_at),
    field('Description', subscription.description),
  ];
  const notes = [ORIGIN_TEXT[origin]];
  if (origin === 'leftover' && online) notes.push('It is online: another VS Code window may be streaming from it (that window makes itself a new one if it is deleted).');
  return `**${escapeMarkdown(subscriptionLabel(subscription))}**\n\n${notes.map((n) => `_${escapeMarkdown(n)}_`).join('  \n')}\n\n${parts.filter((p): p is string => p !== undefined).join('  \n')}`;
}

/**
 * Space-separated tokens for `when` clauses (`viewItem =~ /^subscription\b/`): `subscription` +
 * `thisWindow`|`leftover`|`other` [+ `online`] [+ `suspended`].
 */
export function subscriptionContextValue(subscription: Subscription, origin: SubscriptionOrigin): string {
  const tokens = ['subscription', origin];
  if (textOf(subscription.connection_status).toLowerCase() === 'online') tokens.push('online');
  if (subscription.is_suspended === true) tokens.push('suspended');
  return tokens.join(' ');
}

const ICONS: Record<SubscriptionOrigin, { icon: string; iconColor: string | undefined }> = {
  thisWindow: { icon: 'broadcast', iconColor: 'charts.green' },
  leftover: { icon: 'debug-disconnect', iconColor: 'list.warningForeground' },
  other: { icon: 'circle-outline', iconColor: undefined },
};

export function subscriptionItem(subscription: Subscription, origin: SubscriptionOrigin): TreeItemView {
  return {
    id: subscriptionNodeId(subscription.id),
    label: subscriptionLabel(subscription),
    description: subscriptionDescription(subscription),
    tooltip: subscriptionTooltip(subscription, origin),
    ...ICONS[origin],
    contextValue: subscriptionContextValue(subscription, origin),
    collapsible: 'none',
  };
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return '';
}

/** The subscription's own stream key (should a server echo it in a name or description) and every known secret, masked. */
function scrub(subscription: Subscription, text: string): string {
  const key = typeof subscription.stream_key === 'string' ? subscription.stream_key : '';
  const withoutKey = key.length >= 4 && text.includes(key) ? text.split(key).join(maskSecret(key)) : text;
  return redactSecrets(withoutKey);
}
