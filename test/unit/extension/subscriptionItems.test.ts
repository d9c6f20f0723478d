// What the Subscriptions view shows for each subscription: whose it is (this window's, a leftover, another
// app's), label, description, tooltip, icon, context value — and never the stream key.
import { strict as assert } from 'node:assert';
import type { Subscription } from '../../../src/ayla/wireTypes';
import {
  leftoverSubscriptions,
  sortSubscriptions,
  subscriptionItem,
  subscriptionOrigin,
  type SubscriptionOrigin,
} from '../../../src/extension/subscriptionItems';

const KEY = '2f6273dcbb224c5bb303b2a7e22c91ad';

function subscription(fields: Partial<Subscription> = {}): Subscription {
  return {
    id: 50155,
    oem: '0dfc7900',
    dsn: 'AC000W000000001,AC000W000000002',
    name: 'vscode-datapoint-1a2b3c4d',
    description: 'Created by Ayla DSS Explorer (VS Code); safe to delete when it is not streaming.',
    property_name: '*',
    connection_status: 'Online',
    batch_size: 1,
    is_suspended: false,
    created_at: '2018-10-24T14:40:56Z',
    updated_at: '2018-10-24T14:41:00Z',
    date_suspended: null,
    user_uuid: '40e45b84-690c-11e8-acf3-12f911dcfe40',
    oem_model: 'ledevb',
    stream_key: KEY,
    client_type: 'mobile',
    subscription_type: 'datapoint',
    ...fields,
  };
}

/** Every text of an item a user can see. */
function texts(s: Subscription, origin: SubscriptionOrigin): string {
  const item = subscriptionItem(s, origin);
  return [item.id, item.label, item.description, item.tooltip, item.contextValue].join('\n');
}

describe('extension: subscription items', () => {
  it('tells this window\'s, leftovers and other apps\' subscriptions apart', () => {
    const active = new Set([1]);
    assert.equal(subscriptionOrigin({ id: 1, name: 'vscode-datapoint-1a2b3c4d' }, active), 'thisWindow');
    // Even a name not like ours is this window's when its session streams from it.
    assert.equal(subscriptionOrigin({ id: 1, name: 'renamed' }, active), 'thisWindow');
    assert.equal(subscriptionOrigin({ id: 2, name: 'vscode-location-00ff00ff' }, active), 'leftover');
    for (const name of ['other-app', 'vscode-datapoint', 'vscode-datapoint-1a2b3c4d-copy', 'my-vscode-datapoint-1a2b3c4d']) {
      assert.equal(subscriptionOrigin({ id: 3, name }, active), 'other', name);
    }
    assert.equal(subscriptionOrigin({ id: 4, name: undefined as unknown as string }, active), 'other', 'a name the server left out');
  });

  it('picks exactly the leftovers: ours by name, not this window\'s, not other apps\'', () => {
    const list = [
      { id: 1, name: 'vscode-datapoint-00000001' },
      { id: 2, name: 'vscode-datapoint-00000002' },
      { id: 3, name: 'vscode-connectivity-00000003' },
      { id: 4, name: 'other-app' },
    ];
    assert.deepEqual(leftoverSubscriptions(list, new Set([1])).map((s) => s.id), [2, 3]);
    assert.deepEqual(leftoverSubscriptions(list, new Set([1, 2, 3])), []);
  });

  it('sorts this window\'s first, then leftovers, then other apps\', by name within each', () => {
    const list = [
      { id: 4, name: 'b-other' },
      { id: 3, name: 'vscode-location-00000003' },
      { id: 2, name: 'vscode-datapoint-00000002' },
      { id: 5, name: 'a-other' },
      { id: 1, name: 'vscode-registration-00000001' },
    ];
    assert.deepEqual(sortSubscriptions(list, new Set([1])).map((s) => s.id), [1, 2, 3, 5, 4]);
  });

  it('this window\'s: name, type · client type · status, a green broadcast icon, the filters in the tooltip', () => {
    const item = subscriptionItem(subscription(), 'thisWindow');
    assert.equal(item.id, 'subscription:50155');
    assert.equal(item.label, 'vscode-datapoint-1a2b3c4d');
    assert.equal(item.description, 'datapoint · mobile · Online');
    assert.equal(item.icon, 'broadcast');
    assert.equal(item.iconColor, 'charts.green');
    assert.equal(item.contextValue, 'subscription thisWindow online');
    assert.equal(item.collapsible, 'none');
    assert.match(item.tooltip, /This window streams from it now/);
    assert.match(item.tooltip, /Id: 50155/);
    assert.match(item.tooltip, /OEM model filter: ledevb/);
    assert.match(item.tooltip, /DSN filter: AC000W000000001,AC000W000000002/);
    assert.match(item.tooltip, /Property filter: \\\*/);
    assert.match(item.tooltip, /Created: 2018-10-24T14:40:56Z/);
    assert.match(item.tooltip, /Suspended: no/);
  });

  it('a leftover: warning icon, says how to clean it up, and warns when it is online elsewhere', () => {
    const online = subscriptionItem(subscription({ id: 7 }), 'leftover');
    assert.equal(online.icon, 'debug-disconnect');
    assert.equal(online.iconColor, 'list.warningForeground');
    assert.equal(online.contextValue, 'subscription leftover online');
    assert.match(online.tooltip, /Delete Leftover Subscriptions/);
    assert.match(online.tooltip, /another VS Code window may be streaming from it/);
    const offline = subscriptionItem(subscription({ id: 7, connection_status: 'Offline' }), 'leftover');
    assert.equal(offline.description, 'datapoint · mobile · Offline');
    assert.equal(offline.contextValue, 'subscription leftover');
    assert.doesNotMatch(offline.tooltip, /another VS Code window may be streaming/);
  });

  it('another app\'s: a plain icon and a tooltip that says deleting it stops that app', () => {
    const item = subscriptionItem(subscription({ name: 'other-app', client_type: 'cloud', connection_status: 'Offline', is_suspended: true, date_suspended: '2024-01-02T03:04:05Z' }), 'other');
    assert.equal(item.label, 'other-app');
    assert.equal(item.description, 'datapoint · cloud · Offline · suspended');
    assert.equal(item.icon, 'circle-outline');
    assert.equal(item.iconColor, undefined);
    assert.equal(item.contextValue, 'subscription other suspended');
    assert.match(item.tooltip, /Not created by Ayla DSS Explorer/);
    assert.match(item.tooltip, /Suspended: yes \(since 2024-01-02T03:04:05Z\)/);
  });

  it('never shows the stream key, not even when the server echoes it in the name or description', () => {
    for (const origin of ['thisWindow', 'leftover', 'other'] as const) {
      assert.ok(!texts(subscription(), origin).includes(KEY), origin);
      const echoed = subscription({ name: `key-${KEY}`, description: `stream_key=${KEY} and "stream_key":"${KEY}"`, dsn: KEY });
      const shown = texts(echoed, origin);
      assert.ok(!shown.includes(KEY), `${origin}: ${shown}`);
      assert.ok(shown.includes('key-…91ad'), 'an echoed key shows as its last four characters only');
    }
    // Self-check: the key would be found if it were shown.
    assert.ok(JSON.stringify(subscription()).includes(KEY));
  });

  it('escapes server text in the tooltip and keeps labels on one line', () => {
    const item = subscriptionItem(subscription({ name: 'evil\n[link](http://x) *bold*', description: '<img src=x onerror=alert(1)>' }), 'other');
    assert.equal(item.label, 'evil⏎[link](http://x) *bold*');
    assert.match(item.tooltip, /evil⏎\\\[link\\\]\(http:\/\/x\) \\\*bold\\\*/);
    assert.match(item.tooltip, /\\<img src=x onerror=alert\(1\)\\>/);
    assert.doesNotMatch(item.tooltip, /(?<!\\)<img/, "no unescaped HTML");
  });

  it('copes with fields the server left out', () => {
    const bare = { id: 9, stream_key: KEY } as unknown as Subscription;
    const item = subscriptionItem(bare, 'other');
    assert.equal(item.label, 'subscription 9');
    assert.equal(item.description, 'type unknown · client type unknown · status unknown');
    assert.match(item.tooltip, /Id: 9/);
    assert.ok(!texts(bare, 'other').includes(KEY));
  });
});
