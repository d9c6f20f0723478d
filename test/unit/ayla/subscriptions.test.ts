// DSS REST against the simulator: flat create bodies (one event type each, recognisable names), list, get,
// delete (404 = already gone), cloud refusals, access rules, the 401 retry path, and stream keys kept secret.
import { strict as assert } from 'node:assert';
import { EVENT_TYPES } from '../../../src/ayla/events';
import type { Authorization } from '../../../src/ayla/http';
import { redactSecrets } from '../../../src/ayla/redact';
import { CLOUD_REFUSED_MESSAGE, isOurSubscription, SUBSCRIPTION_DESCRIPTION, subscriptionName } from '../../../src/ayla/subscriptions';
import type { Tokens } from '../../../src/ayla/userService';
import type { EventType } from '../../../src/ayla/wireTypes';
import { expectAylaError, useSimulator } from '../support/simulatorFixture';

describe('ayla: subscriptions', function () {
  this.timeout(10000);
  const fx = useSimulator();
  let user: Tokens;
  let admin: Tokens;
  const as = (tokens: () => Tokens): Authorization => ({ accessToken: () => tokens().accessToken });

  before(async () => {
    user = await fx.signIn();
    admin = await fx.signIn(fx.sim.oemAdmin);
  });
  afterEach(() => fx.sim.faults.reset());

  it('names subscriptions vscode-<type>-<8 hex> and recognises them', () => {
    for (const type of EVENT_TYPES) {
      const name = subscriptionName(type);
      assert.match(name, new RegExp(`^vscode-${type}-[0-9a-f]{8}$`));
      assert.ok(isOurSubscription(name), name);
    }
    assert.ok(isOurSubscription('team-datapoint-0a1b2c3d', 'team-'));
    for (const name of ['vscode-datapoint', 'vscode-foo-0a1b2c3d', 'vscode-datapoint-xyz', 'my-datapoint-0a1b2c3d', 'vscode-datapoint-0a1b2c3d-copy', 'team-datapoint-0a1b2c3d']) {
      assert.ok(!isOurSubscription(name), name);
    }
  });

  it('creates a mobile subscription per event type with the flat documented body', async () => {
    const subscriptions = fx.subscriptions(as(() => user));
    const mark = fx.proxy.requests.length;
    const created = [];
    for (const eventType of EVENT_TYPES) created.push(await subscriptions.createSubscription({ eventType, clientType: 'mobile' }));
    const sent = fx.proxy.requests.slice(mark);
    assert.equal(sent.length, EVENT_TYPES.length);
    sent.forEach((request, i) => {
      assert.equal(request.method, 'POST');
      assert.equal(request.url, '/api/v1/subscriptions.json');
      const body = JSON.parse(request.body) as Record<string, unknown>;
      assert.deepEqual(Object.keys(body).sort(), ['batch_size', 'client_type', 'description', 'dsn', 'name', 'oem_model', 'property_name', 'subscription_type']);
      assert.deepEqual({ ...body, name: undefined }, {
        name: undefined,
        description: SUBSCRIPTION_DESCRIPTION,
        oem_model: '*',
        dsn: '*',
        property_name: '*',
        client_type: 'mobile',
        subscription_type: EVENT_TYPES[i],
        batch_size: 1,
      });
    });
    for (const [i, subscription] of created.entries()) {
      fx.watch.secret(subscription.stream_key);
      assert.equal(subscription.subscription_type, EVENT_TYPES[i]);
      assert.equal(subscription.client_type, 'mobile');
      assert.ok(isOurSubscription(subscription.name), subscription.name);
      assert.match(subscription.stream_key, /^[0-9a-f]{32}$/);
      assert.ok(!redactSecrets(`key ${subscription.stream_key}`).includes(subscription.stream_key), 'stream keys are registered as secrets');
    }
    assert.equal(new Set(created.map((s) => s.name)).size, created.length, 'names are distinct');
  });

  it('sends filters as comma lists, and a custom name prefix', async () => {
    const dsns = fx.sim.devices.list().slice(0, 2).map((d) => d.dsn);
    const subscription = await fx.subscriptions(as(() => user)).createSubscription({
      eventType: 'datapoint',
      clientType: 'mobile',
      dsn: dsns,
      propertyName: 'Blue_LED, setpoint',
      oemModel: ['ledevb'],
      namePrefix: 'ci-',
      description: 'from a test',
    });
    fx.watch.secret(subscription.stream_key);
    assert.equal(subscription.dsn, dsns.join(','));
    assert.equal(subscription.property_name, 'Blue_LED,setpoint');
    assert.equal(subscription.oem_model, 'ledevb');
    assert.equal(subscription.description, 'from a test');
    assert.match(subscription.name, /^ci-datapoint-[0-9a-f]{8}$/);
    assert.ok(isOurSubscription(subscription.name, 'ci-'));
  });

  it('lists, gets and deletes; deleting again counts as already gone', async () => {
    const subscriptions = fx.subscriptions(as(() => user));
    const created = await subscriptions.createSubscription({ eventType: 'connectivity', clientType: 'mobile' });
    fx.watch.secret(created.stream_key);
    assert.ok((await subscriptions.listSubscriptions()).some((s) => s.id === created.id && s.name === created.name));
    assert.equal((await subscriptions.getSubscription(created.id)).stream_key, created.stream_key);
    const mark = fx.proxy.requests.length;
    assert.deepEqual(await subscriptions.deleteSubscription(created.id), { existed: true });
    assert.deepEqual(await subscriptions.deleteSubscription(created.id), { existed: false });
    assert.deepEqual(fx.since(mark).map((r) => `${r.method} ${r.url} ${r.status}`), [`DELETE /api/v1/subscriptions/${created.id}.json 204`, `DELETE /api/v1/subscriptions/${created.id}.json 404`]);
    assert.ok(!(await subscriptions.listSubscriptions()).some((s) => s.id === created.id));
    await expectAylaError(subscriptions.getSubscription(created.id), { kind: 'http', service: 'dss', status: 404, message: `Subscription ${created.id} does not exist (404); it may have been deleted.` }, fx.watch);
  });

  it('refuses a cloud subscription for an end user with the role/access-rule message', async () => {
    await expectAylaError(fx.subscriptions(as(() => user)).createSubscription({ eventType: 'datapoint', clientType: 'cloud' }), { kind: 'http', service: 'dss', status: 403, message: CLOUD_REFUSED_MESSAGE }, fx.watch);
  });

  it('lets an OEM admin stream from the cloud once an access rule exists, and manages rules', async () => {
    const subscriptions = fx.subscriptions(as(() => admin));
    await expectAylaError(subscriptions.createSubscription({ eventType: 'location', clientType: 'cloud', oem: '0dfc7900' }), { kind: 'http', status: 403, message: CLOUD_REFUSED_MESSAGE }, fx.watch);
    const rule = await subscriptions.createAccessRule({ role: 'OEM::Admin', oem_model: '*', property_name: '*', client_type: 'cloud', subscription_type: 'location' });
    assert.equal(rule.access_grant, true);
    assert.equal(rule.subscription_type, 'location');
    assert.ok((await subscriptions.listAccessRules()).some((r) => r.id === rule.id));
    const mark = fx.proxy.requests.length;
    const cloud = await subscriptions.createSubscription({ eventType: 'location', clientType: 'cloud', oem: '0dfc7900' });
    fx.watch.secret(cloud.stream_key);
    assert.equal(JSON.parse(fx.proxy.requests[mark]!.body).oem, '0dfc7900');
    assert.equal(cloud.client_type, 'cloud');
    assert.equal(cloud.user_uuid, null);
    assert.deepEqual(await subscriptions.deleteAccessRule(rule.id), { existed: true });
    assert.deepEqual(await subscriptions.deleteAccessRule(rule.id), { existed: false });
    assert.ok(!(await subscriptions.listAccessRules()).some((r) => r.id === rule.id));
  });

  it('refuses access rules to an end user', async () => {
    await expectAylaError(fx.subscriptions(as(() => user)).listAccessRules(), { kind: 'http', status: 403, message: /^The Datastream Service refused \(403: Access rules are managed by OEM roles.*\); access rules are managed by OEM admin, staff or support roles\.$/ }, fx.watch);
  });

  it("refuses a mobile subscription to another user's device, and words a 422", async () => {
    const subscriptions = fx.subscriptions(as(() => user));
    const foreign = fx.sim.devices.list().at(-1)!.dsn;
    await expectAylaError(subscriptions.createSubscription({ eventType: 'datapoint', clientType: 'mobile', dsn: foreign }), { kind: 'http', status: 403, message: `The datapoint subscription was refused (403: Not your device: ${foreign}); subscribe only to devices of this account.` }, fx.watch);
    await expectAylaError(
      subscriptions.createSubscription({ eventType: 'datapoint', clientType: 'mobile', description: 'x'.repeat(5000) }),
      { kind: 'http', status: 422, message: 'The Datastream Service (DSS) refused to create a mobile datapoint subscription: invalid request (422: description is longer than 4096 characters); check the values sent.' },
      fx.watch,
    );
  });

  it('checks the event type, client type, filters and ids before sending', async () => {
    const subscriptions = fx.subscriptions(as(() => user));
    const mark = fx.proxy.requests.length;
    await expectAylaError(subscriptions.createSubscription({ eventType: 'datapoints' as EventType, clientType: 'mobile' }), { kind: 'invalid-request', service: 'dss', message: /^Unknown event type "datapoints": use one of connectivity, datapoint, datapointack, location, registration\.$/ }, fx.watch);
    await expectAylaError(subscriptions.createSubscription({ eventType: 'datapoint', clientType: 'desktop' as 'mobile' }), { kind: 'invalid-request', message: /Unknown client type "desktop"/ }, fx.watch);
    await expectAylaError(subscriptions.createSubscription({ eventType: 'datapoint', clientType: 'mobile', dsn: ' , ' }), { kind: 'invalid-request', message: /The DSN filter is empty/ }, fx.watch);
    await expectAylaError(subscriptions.createSubscription({ eventType: 'datapoint', clientType: 'mobile', dsn: 'AC000W000000001 AC000W000000002' }), { kind: 'invalid-request', message: /^The DSN filter has "AC000W000000001 AC000W000000002", which is no DSN name: separate names with commas/ }, fx.watch);
    await expectAylaError(subscriptions.createSubscription({ eventType: 'datapoint', clientType: 'mobile', propertyName: 'temp;rm' }), { kind: 'invalid-request', message: /The property filter has "temp;rm"/ }, fx.watch);
    await expectAylaError(subscriptions.deleteSubscription(1.5), { kind: 'invalid-request', message: /whole number/ }, fx.watch);
    assert.equal(fx.proxy.requests.length, mark);
  });

  it('renews the token once on a 401 and creates the subscription once', async () => {
    const users = fx.users();
    let tokens = await fx.signIn();
    let renewals = 0;
    const subscriptions = fx.subscriptions({
      accessToken: () => tokens.accessToken,
      onUnauthorized: async () => {
        renewals++;
        tokens = fx.watch.tokens(await users.refresh(tokens.refreshToken));
      },
    });
    fx.sim.faults.expireAccessTokens();
    const mark = fx.proxy.requests.length;
    const created = await subscriptions.createSubscription({ eventType: 'registration', clientType: 'mobile' });
    fx.watch.secret(created.stream_key);
    assert.equal(renewals, 1);
    assert.deepEqual(fx.since(mark).map((r) => `${r.method} ${r.url} ${r.status}`), ['POST /api/v1/subscriptions.json 401', 'POST /users/refresh_token.json 200', 'POST /api/v1/subscriptions.json 201']);
    // The fixture's own tokens expired too.
    user = await fx.signIn();
    admin = await fx.signIn(fx.sim.oemAdmin);
  });

  it('never said a token, password, app secret or stream key', () => {
    fx.watch.assertClean();
  });
});
