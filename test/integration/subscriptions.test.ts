// The Subscriptions view, its delete commands and the cloud access-rule offer, in the real extension host
// against the built-in simulator. Sessions are signed in here directly (as in tree.test.ts) and handed to
// the extension's explorer; what the server holds is checked with raw HTTP calls as the same user, never
// through the extension's own client.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { request } from 'undici';
import { EVENT_TYPES } from '../../src/ayla/events';
import type { HostClientType } from '../../src/ayla/hosts';
import { AylaSession } from '../../src/ayla/session';
import type { Subscription } from '../../src/ayla/wireTypes';
import type { ExtensionApi } from '../../src/extension/api';
import type { SubscriptionRow } from '../../src/extension/subscriptionsView';
import { waitFor } from '../unit/support/waitFor';
import { activeApi, attachSimulatorSession, messagesSince, startQuietSimulator } from './support/host';

const WAIT_MS = 10_000;
const SIGNED_OUT = 'Sign in to see the subscriptions of your Ayla account.';

let api: ExtensionApi;
let simulatorUrl: string;
let session: AylaSession | undefined;


/** A raw DSS REST call as the signed-in user (not through the extension's client). */
async function raw(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  assert.ok(session, 'signed in');
  const response = await request(`${simulatorUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `auth_token ${session.keeper.tokens.accessToken}` },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.body.text();
  return { status: response.statusCode, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

async function serverSubscriptions(): Promise<Subscription[]> {
  const { status, json } = await raw('GET', '/api/v1/subscriptions.json');
  assert.equal(status, 200);
  return (json as { subscription: Subscription }[]).map((w) => w.subscription);
}

/** Creates a subscription on the server as another client would (a leftover of ours, or another app's). */
async function createRaw(name: string, type = 'datapoint'): Promise<Subscription> {
  const { status, json } = await raw('POST', '/api/v1/subscriptions.json', {
    name,
    description: '',
    oem_model: '*',
    dsn: '*',
    property_name: '*',
    client_type: 'mobile',
    subscription_type: type,
    batch_size: 1,
  });
  assert.equal(status, 201, JSON.stringify(json));
  return (json as { subscription: Subscription }).subscription;
}

function leftoverName(type: string): string {
  return `vscode-${type}-${randomBytes(4).toString('hex')}`;
}

async function signIn(email: string, clientType: HostClientType): Promise<void> {
  session = await attachSimulatorSession(api, simulatorUrl, email, clientType);
}

async function startStreaming(): Promise<void> {
  await api.explorer.startStreaming({ eventTypes: EVENT_TYPES, dsn: '', propertyName: '', oemModel: '', stream: { backoff: { initialMs: 200, maxMs: 400 } } });
  await waitFor('streaming to be live', () => streamingKind() === 'live', WAIT_MS);
}

function streamingKind(): string {
  const state = api.explorer.state;
  return state.kind === 'signedIn' ? state.streaming.kind : state.kind;
}

async function showSubscriptionsView(): Promise<void> {
  await vscode.commands.executeCommand('aylaDss.subscriptions.focus');
  await waitFor('the Subscriptions view to be visible', () => api.testing.subscriptionsVisible(), WAIT_MS);
}

function rows(): SubscriptionRow[] {
  return api.testing.subscriptionsTree();
}

function origin(row: SubscriptionRow): string | undefined {
  return row.contextValue?.split(' ')[1];
}

function idsOf(origin_: string): number[] {
  return rows()
    .filter((r) => origin(r) === origin_)
    .map((r) => Number(r.id?.replace('subscription:', '')))
    .sort((a, b) => a - b);
}

function activeIds(): number[] {
  return (session?.activeSubscriptions() ?? []).map((s) => s.id).sort((a, b) => a - b);
}

/** Messages shown in the current test (since its mark) that match. */
let mark = 0;
function messages(pattern: RegExp): number {
  return messagesSince(api, mark).filter((m) => pattern.test(m.text)).length;
}

function lastMessage(): { severity: string; text: string } | undefined {
  return api.recentMessages().at(-1);
}

describe('Subscriptions view (real host, simulator)', function () {
  this.timeout(60_000);

  beforeEach(async () => {
    api = await activeApi();
    mark = api.messageCount();
    api.testing.answerConfirmations(undefined);
    simulatorUrl = await startQuietSimulator(api);
  });

  afterEach(async () => {
    api.testing.answerConfirmations(undefined);
    if (api.explorer.currentSession) await api.explorer.stopStreaming().catch(() => undefined);
    await api.explorer.detach(undefined);
    session?.dispose();
    session = undefined;
    await vscode.commands.executeCommand('aylaDss.stopSimulator');
  });

  it('lists this window\'s subscriptions, one per event type, once streaming starts; empties on stop; says sign in when signed out', async () => {
    await showSubscriptionsView();
    assert.deepEqual(rows(), []);
    assert.equal(api.testing.subscriptionsMessage(), SIGNED_OUT);

    await signIn('dev@example.com', 'mobile');
    await waitFor('the empty listing', () => api.testing.subscriptionsMessage() === 'No subscriptions on this account.', WAIT_MS);
    await startStreaming();
    const listed = await waitFor(
      'the five streams\' subscriptions, online, marked this window\'s',
      () => {
        const r = rows();
        return r.length === 5 && r.every((row) => origin(row) === 'thisWindow' && /· Online$/.test(row.description)) && r;
      },
      WAIT_MS,
    );
    assert.deepEqual(idsOf('thisWindow'), activeIds(), 'exactly the subscriptions this window streams from');
    const active = session!.activeSubscriptions();
    for (const subscription of active) {
      const row = listed.find((r) => r.id === `subscription:${subscription.id}`);
      assert.ok(row, subscription.name);
      assert.equal(row.label, subscription.name);
      assert.equal(row.description, `${subscription.subscription_type} · mobile · Online`);
      assert.equal(row.icon, 'broadcast');
      assert.match(row.tooltip, new RegExp(`Id: ${subscription.id}`));
      assert.match(row.tooltip, /This window streams from it now/);
      assert.ok(!row.tooltip.includes(subscription.stream_key) && !row.label.includes(subscription.stream_key));
    }
    assert.deepEqual(listed.map((r) => r.description.split(' · ')[0]).sort(), [...EVENT_TYPES].sort());
    assert.equal(api.testing.subscriptionsMessage(), undefined);

    // Stopping deletes them; the view follows once they are gone (not just when the sockets close).
    await api.explorer.stopStreaming();
    await waitFor('the view to empty after the subscriptions are deleted', () => rows().length === 0 && api.testing.subscriptionsMessage() === 'No subscriptions on this account.', WAIT_MS);
    assert.deepEqual(await serverSubscriptions(), []);

    await api.explorer.detach(undefined);
    await waitFor('the signed-out message', () => api.testing.subscriptionsMessage() === SIGNED_OUT, WAIT_MS);
    assert.deepEqual(rows(), []);
  });

  it('marks leftovers and other apps\' subscriptions; "Delete Leftover Subscriptions" asks, then deletes exactly the leftovers', async () => {
    await showSubscriptionsView();
    await signIn('dev@example.com', 'mobile');
    await startStreaming();
    const leftovers = [await createRaw(leftoverName('datapoint')), await createRaw(leftoverName('location'), 'location')];
    const other = await createRaw('other-app');
    assert.equal(await vscode.commands.executeCommand('aylaDss.refreshSubscriptions'), true);

    assert.equal(rows().length, 8);
    assert.deepEqual(idsOf('thisWindow'), activeIds());
    assert.deepEqual(idsOf('leftover'), leftovers.map((s) => s.id).sort((a, b) => a - b));
    assert.deepEqual(idsOf('other'), [other.id]);
    const otherRow = rows().find((r) => r.id === `subscription:${other.id}`)!;
    assert.equal(otherRow.icon, 'circle-outline');
    assert.match(otherRow.tooltip, /Not created by Ayla DSS Explorer/);
    assert.equal(rows().find((r) => r.id === `subscription:${leftovers[0]!.id}`)?.icon, 'debug-disconnect');

    // No stream key of any subscription on the server appears anywhere in the view.
    const keys = (await serverSubscriptions()).map((s) => s.stream_key);
    assert.equal(keys.length, 8);
    const shown = JSON.stringify(rows());
    for (const key of keys) assert.ok(key.length >= 16 && !shown.includes(key), `a stream key (…${key.slice(-4)}) is shown`);

    // Declined: nothing is deleted.
    const asked = api.testing.confirmationsAsked().length;
    api.testing.answerConfirmations(false);
    assert.equal(await vscode.commands.executeCommand('aylaDss.deleteLeftoverSubscriptions'), undefined);
    assert.equal(api.testing.confirmationsAsked().length, asked + 1);
    assert.match(api.testing.confirmationsAsked().at(-1)!, /^Delete 2 leftover subscriptions\?/);
    assert.equal((await serverSubscriptions()).length, 8);

    // Accepted: exactly the two leftovers go; this window's and the other app's stay.
    api.testing.answerConfirmations(true);
    assert.deepEqual(await vscode.commands.executeCommand('aylaDss.deleteLeftoverSubscriptions'), { deleted: 2, failed: 0 });
    const remaining = (await serverSubscriptions()).map((s) => s.id).sort((a, b) => a - b);
    assert.deepEqual(remaining, [...activeIds(), other.id].sort((a, b) => a - b));
    assert.match(lastMessage()?.text ?? '', /^Deleted 2 leftover subscriptions\.$/);
    assert.deepEqual(idsOf('leftover'), [], 'the view was refreshed');
    assert.equal(rows().length, 6);
    assert.equal(streamingKind(), 'live', 'this window still streams');

    // Nothing left to clean up: said so, and no confirmation asked.
    const before = api.testing.confirmationsAsked().length;
    assert.deepEqual(await vscode.commands.executeCommand('aylaDss.deleteLeftoverSubscriptions'), { deleted: 0, failed: 0 });
    assert.equal(api.testing.confirmationsAsked().length, before);
    assert.match(lastMessage()?.text ?? '', /^No leftover subscriptions/);
  });

  it('"Delete Subscription": a leftover at once; another app\'s and this window\'s live one only after a confirmation — and the stream renews itself', async () => {
    await showSubscriptionsView();
    await signIn('dev@example.com', 'mobile');
    await startStreaming();
    const leftover = await createRaw(leftoverName('registration'), 'registration');
    const other = await createRaw('other-app');
    await vscode.commands.executeCommand('aylaDss.refreshSubscriptions');

    // A leftover: deleted without asking (a "no" would have stopped it).
    api.testing.answerConfirmations(false);
    let asked = api.testing.confirmationsAsked().length;
    assert.equal(await vscode.commands.executeCommand('aylaDss.deleteSubscription', leftover.id), true);
    assert.equal(api.testing.confirmationsAsked().length, asked);
    assert.ok(!(await serverSubscriptions()).some((s) => s.id === leftover.id));
    assert.ok(!rows().some((r) => r.id === `subscription:${leftover.id}`), 'gone from the view');

    // Another app's: asks; "no" keeps it, "yes" deletes it.
    assert.equal(await vscode.commands.executeCommand('aylaDss.deleteSubscription', other.id), false);
    assert.equal(api.testing.confirmationsAsked().length, asked + 1);
    assert.match(api.testing.confirmationsAsked().at(-1)!, /^Delete other-app\? Ayla DSS Explorer did not create it\./);
    assert.ok((await serverSubscriptions()).some((s) => s.id === other.id));
    api.testing.answerConfirmations(true);
    assert.equal(await vscode.commands.executeCommand('aylaDss.deleteSubscription', other.id), true);
    assert.ok(!(await serverSubscriptions()).some((s) => s.id === other.id));
    assert.match(lastMessage()?.text ?? '', /^Deleted the subscription other-app\.$/);

    // This window's live one: asks, says the stream renews, and it does, on a new subscription.
    const datapoint = session!.activeSubscriptions().find((s) => s.subscription_type === 'datapoint')!;
    asked = api.testing.confirmationsAsked().length;
    assert.equal(await vscode.commands.executeCommand('aylaDss.deleteSubscription', datapoint.id), true);
    assert.equal(api.testing.confirmationsAsked().length, asked + 1);
    assert.match(api.testing.confirmationsAsked().at(-1)!, /This window streams from it now\.\n.*renew itself on a new subscription/);
    const renewed = await waitFor(
      'a new datapoint subscription of this window, in the view',
      () => {
        const now = session!.activeSubscriptions().find((s) => s.subscription_type === 'datapoint');
        return now && now.id !== datapoint.id && streamingKind() === 'live' && rows().some((r) => r.id === `subscription:${now.id}` && origin(r) === 'thisWindow') && now;
      },
      WAIT_MS,
    );
    const onServer = (await serverSubscriptions()).map((s) => s.id);
    assert.ok(!onServer.includes(datapoint.id) && onServer.includes(renewed.id));
    assert.ok(!rows().some((r) => r.id === `subscription:${datapoint.id}`));
  });

  it('cloud client type as an end user: the refusal says why, with no access-rule offer', async () => {
    await signIn('dev@example.com', 'cloud');
    const generic = messages(/^Streaming did not start: The cloud subscription was refused/);
    assert.equal(await vscode.commands.executeCommand('aylaDss.startStreaming'), false);
    const shown = lastMessage();
    assert.equal(shown?.severity, 'error');
    assert.match(shown?.text ?? '', /^Streaming did not start: the cloud subscription was refused \(403\)\./);
    assert.match(shown?.text ?? '', /OEM admin, staff or support role and an OEM access rule/);
    assert.match(shown?.text ?? '', /signed in as EndUser/);
    assert.equal(api.testing.accessRuleOffer(), undefined, 'no offer to an end user');
    assert.equal(messages(/^Streaming did not start: The cloud subscription was refused/), generic, 'one message, not the generic one as well');
    assert.equal(streamingKind(), 'stopped');
    assert.deepEqual(await serverSubscriptions(), [], 'nothing left behind');
  });

  it('cloud client type as an OEM admin: offers "Create Access Rule", which creates one rule per event type and streams', async () => {
    await showSubscriptionsView();
    await signIn('admin@example.com', 'cloud');
    assert.equal(await vscode.commands.executeCommand('aylaDss.startStreaming'), false);
    const offer = api.testing.accessRuleOffer();
    assert.ok(offer, 'the offer is showing');
    assert.equal(offer.role, 'OEM::Admin');
    assert.deepEqual([...offer.eventTypes].sort(), [...EVENT_TYPES].sort());
    assert.equal(lastMessage()?.text, offer.message);
    assert.match(offer.message, /no OEM access rule lets OEM::Admin subscribe to/);
    const before = await raw('GET', '/api/v1/oemAccessRules');
    assert.deepEqual(before.json, []);

    assert.equal(await api.testing.acceptAccessRuleOffer(), true);
    assert.equal(api.testing.accessRuleOffer(), undefined, 'the offer is used up');
    const rules = ((await raw('GET', '/api/v1/oemAccessRules')).json as { OemAccessRule: Record<string, unknown> }[]).map((w) => w.OemAccessRule);
    assert.deepEqual(rules.map((r) => r.subscription_type).sort(), [...EVENT_TYPES].sort());
    for (const rule of rules) assert.deepEqual([rule.role, rule.oem_model, rule.property_name, rule.client_type], ['OEM::Admin', '*', '*', 'cloud']);
    assert.ok(api.recentMessages().some((m) => /^Created 5 OEM access rules for OEM::Admin cloud subscriptions/.test(m.text)));

    await waitFor('streaming to be live', () => streamingKind() === 'live', WAIT_MS);
    const active = session!.activeSubscriptions();
    assert.equal(active.length, 5);
    assert.ok(active.every((s) => s.client_type === 'cloud'));
    await waitFor('the cloud subscriptions in the view', () => rows().length === 5 && rows().every((r) => origin(r) === 'thisWindow' && / · cloud · /.test(r.description)), WAIT_MS);
  });
});
