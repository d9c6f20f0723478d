// DSS REST: subscriptions (create/list/get/delete, validation, mobile scoping, cloud access rules)
// and OEM access rules.
import { strict as assert } from 'node:assert';
import type { OemAccessRule, OemAccessRuleWrapper, Subscription, SubscriptionWrapper } from '../../../src/ayla/wireTypes';
import { startSimulator, type Simulator } from '../../../src/simulator';
import { apiErrorMessage, call, createSubscription, signIn } from '../support/aylaHttp';
import { openStream } from '../support/streamClient';
import { waitFor } from '../support/waitFor';

const SUBSCRIPTION_KEYS = ['id', 'oem', 'dsn', 'name', 'description', 'property_name', 'connection_status', 'batch_size', 'is_suspended', 'created_at', 'updated_at', 'date_suspended', 'user_uuid', 'oem_model', 'stream_key', 'client_type', 'subscription_type'];

describe('simulator: DSS subscriptions and access rules', function () {
  this.timeout(15000);
  let sim: Simulator;
  let token: string;
  let otherToken: string;
  let adminToken: string;
  let demoUuid: string;
  let demoDsns: string[];
  let otherDsn: string;
  const rulesPath = '/api/v1/oemAccessRules';

  before(async () => {
    sim = await startSimulator({ eventsPerSecond: 0 });
    token = (await signIn(sim.url, sim.demo)).access_token;
    otherToken = (await signIn(sim.url, sim.otherUser)).access_token;
    adminToken = (await signIn(sim.url, sim.oemAdmin)).access_token;
    demoUuid = (await call<{ uuid: string }>(sim.url, 'GET', '/users/get_user_profile.json', { token })).body.uuid;
    const devices = sim.devices.list();
    demoDsns = devices.filter((d) => d.ownerUuid === demoUuid).map((d) => d.dsn);
    otherDsn = devices.find((d) => d.ownerUuid !== demoUuid)!.dsn;
  });
  after(() => sim.stop());

  for (const path of ['/api/v1/subscriptions.json', '/api/v1/subscriptions']) {
    it(`creates a mobile subscription at ${path}: 201, documented shape, dsn filled with the user's devices`, async () => {
      const body = { name: 'vscode-datapoint', description: '', oem_model: '*', dsn: '*', property_name: '*', client_type: 'mobile', subscription_type: 'datapoint', batch_size: 1 };
      const reply = await call<SubscriptionWrapper>(sim.url, 'POST', path, { token, json: body });
      assert.equal(reply.status, 201);
      assert.deepEqual(Object.keys(reply.body), ['subscription']);
      const s = reply.body.subscription;
      assert.deepEqual(Object.keys(s), SUBSCRIPTION_KEYS);
      assert.equal(typeof s.id, 'number');
      assert.match(s.stream_key, /^[0-9a-f]{32}$/);
      assert.equal(s.dsn, demoDsns.join(','));
      assert.equal(s.user_uuid, demoUuid);
      assert.equal(s.oem, '0dfc7900');
      assert.equal(s.connection_status, 'Offline');
      assert.equal(s.client_type, 'mobile');
      assert.equal(s.subscription_type, 'datapoint');
      assert.equal(s.batch_size, 1);
      assert.equal(s.is_suspended, false);
      assert.equal(s.date_suspended, null);
      assert.equal(s.name, 'vscode-datapoint');
    });
  }

  it('keeps a mobile subscription to some of my devices, and refuses 403 for a device of someone else', async () => {
    const mine = await createSubscription(sim.url, token, { dsn: demoDsns[1]! });
    assert.equal(mine.dsn, demoDsns[1]);
    const foreign = await call(sim.url, 'POST', '/api/v1/subscriptions.json', { token, json: { name: 'x', client_type: 'mobile', subscription_type: 'datapoint', dsn: `${demoDsns[0]},${otherDsn}` } });
    assert.equal(foreign.status, 403);
    assert.match(apiErrorMessage(foreign.body), new RegExp(otherDsn));
  });

  it('validates the body: 401 / 400 / 422 with {"error":{"message":…}}', async () => {
    const good = { name: 'x', client_type: 'mobile', subscription_type: 'datapoint' };
    const cases: [string, number, Awaited<ReturnType<typeof call>>][] = [
      ['no token', 401, await call(sim.url, 'POST', '/api/v1/subscriptions.json', { json: good })],
      ['malformed JSON', 400, await call(sim.url, 'POST', '/api/v1/subscriptions.json', { token, raw: '{"name":' })],
      ['array body', 400, await call(sim.url, 'POST', '/api/v1/subscriptions.json', { token, json: [good] })],
      ['empty body', 400, await call(sim.url, 'POST', '/api/v1/subscriptions.json', { token })],
      ['no name', 422, await call(sim.url, 'POST', '/api/v1/subscriptions.json', { token, json: { ...good, name: undefined } })],
      ['name a number', 422, await call(sim.url, 'POST', '/api/v1/subscriptions.json', { token, json: { ...good, name: 5 } })],
      ['bad client_type', 422, await call(sim.url, 'POST', '/api/v1/subscriptions.json', { token, json: { ...good, client_type: 'desktop' } })],
      ['no client_type', 422, await call(sim.url, 'POST', '/api/v1/subscriptions.json', { token, json: { ...good, client_type: undefined } })],
      ['bad subscription_type', 422, await call(sim.url, 'POST', '/api/v1/subscriptions.json', { token, json: { ...good, subscription_type: 'datapoints' } })],
      ['no subscription_type', 422, await call(sim.url, 'POST', '/api/v1/subscriptions.json', { token, json: { ...good, subscription_type: undefined } })],
      ['dsn a number', 422, await call(sim.url, 'POST', '/api/v1/subscriptions.json', { token, json: { ...good, dsn: 12 } })],
      ['empty property_name', 422, await call(sim.url, 'POST', '/api/v1/subscriptions.json', { token, json: { ...good, property_name: '' } })],
      ['batch_size 5', 422, await call(sim.url, 'POST', '/api/v1/subscriptions.json', { token, json: { ...good, batch_size: 5 } })],
      ['batch_size "1"', 422, await call(sim.url, 'POST', '/api/v1/subscriptions.json', { token, json: { ...good, batch_size: '1' } })],
    ];
    for (const [what, status, reply] of cases) {
      assert.equal(reply.status, status, what);
      apiErrorMessage(reply.body);
    }
  });

  it('accepts a comma list of subscription types', async () => {
    const s = await createSubscription(sim.url, token, { subscription_type: 'connectivity,location' as 'connectivity' });
    assert.equal(s.subscription_type, 'connectivity,location');
  });

  it("lists my subscriptions (not someone else's), gets one, deletes it (204), then 404", async () => {
    const mine = await createSubscription(sim.url, token, { name: 'listed' });
    const theirs = await createSubscription(sim.url, otherToken, { name: 'theirs' });
    assert.equal(theirs.dsn, otherDsn);
    for (const path of ['/api/v1/subscriptions.json', '/api/v1/subscriptions']) {
      const list = await call<SubscriptionWrapper[]>(sim.url, 'GET', path, { token });
      assert.equal(list.status, 200);
      assert.ok(list.body.every((w) => Object.keys(w).join() === 'subscription'));
      assert.ok(list.body.some((w) => w.subscription.id === mine.id));
      assert.ok(!list.body.some((w) => w.subscription.id === theirs.id));
    }
    for (const path of [`/api/v1/subscriptions/${mine.id}.json`, `/api/v1/subscriptions/${mine.id}`]) {
      const got = await call<SubscriptionWrapper>(sim.url, 'GET', path, { token });
      assert.equal(got.status, 200);
      assert.deepEqual(got.body.subscription, mine);
    }
    assert.equal((await call(sim.url, 'GET', `/api/v1/subscriptions/${theirs.id}.json`, { token })).status, 404);
    assert.equal((await call(sim.url, 'DELETE', `/api/v1/subscriptions/${theirs.id}.json`, { token })).status, 404);
    assert.equal((await call(sim.url, 'GET', '/api/v1/subscriptions/999999.json', { token })).status, 404);
    assert.equal((await call(sim.url, 'GET', '/api/v1/subscriptions/abc.json', { token })).status, 404);
    assert.equal((await call(sim.url, 'GET', '/api/v1/subscriptions.json')).status, 401);
    const deleted = await call(sim.url, 'DELETE', `/api/v1/subscriptions/${mine.id}.json`, { token });
    assert.equal(deleted.status, 204);
    assert.equal(deleted.text, '');
    const gone = await call(sim.url, 'GET', `/api/v1/subscriptions/${mine.id}.json`, { token });
    assert.equal(gone.status, 404);
    apiErrorMessage(gone.body);
    assert.equal((await call(sim.url, 'DELETE', `/api/v1/subscriptions/${mine.id}`, { token })).status, 404);
  });

  it('shows connection_status Online while a socket streams the subscription', async () => {
    const s = await createSubscription(sim.url, token);
    const client = await openStream(sim.url, s.stream_key);
    const online = await call<SubscriptionWrapper>(sim.url, 'GET', `/api/v1/subscriptions/${s.id}.json`, { token });
    assert.equal(online.body.subscription.connection_status, 'Online');
    await client.close();
    await waitFor('Offline', async () => (await call<SubscriptionWrapper>(sim.url, 'GET', `/api/v1/subscriptions/${s.id}.json`, { token })).body.subscription.connection_status === 'Offline');
  });

  it('scopes mobile subscriptions to the owner’s devices', async () => {
    const demoSub = await createSubscription(sim.url, token, { subscription_type: 'connectivity' });
    const otherSub = await createSubscription(sim.url, otherToken, { subscription_type: 'connectivity' });
    const demoStream = await openStream(sim.url, demoSub.stream_key);
    const otherStream = await openStream(sim.url, otherSub.stream_key);
    sim.devices.setOnline(otherDsn, false);
    sim.devices.setOnline(demoDsns[0]!, false);
    sim.devices.setOnline(otherDsn, true);
    sim.devices.setOnline(demoDsns[0]!, true);
    await demoStream.waitForEvents(2);
    await otherStream.waitForEvents(2);
    sim.devices.setOnline(demoDsns[2]!, false); // a marker: once it arrives, nothing else is in flight
    await demoStream.waitForEvents(3);
    assert.deepEqual(demoStream.events.map((e) => e.metadata.dsn), [demoDsns[0], demoDsns[0], demoDsns[2]]);
    assert.deepEqual(otherStream.events.map((e) => e.metadata.dsn), [otherDsn, otherDsn]);
    await demoStream.close();
    await otherStream.close();
  });

  describe('cloud subscriptions and access rules', () => {
    const cloud = { name: 'cloud-datapoint', client_type: 'cloud', subscription_type: 'datapoint', oem_model: '*', dsn: '*', property_name: '*' };
    let rule: OemAccessRule;

    it('refuses a cloud subscription to an end user with 403', async () => {
      const reply = await call(sim.url, 'POST', '/api/v1/subscriptions.json', { token, json: cloud });
      assert.equal(reply.status, 403);
      assert.match(apiErrorMessage(reply.body), /OEM/);
    });

    it('refuses a cloud subscription to the OEM admin until an access rule matches (403)', async () => {
      const reply = await call(sim.url, 'POST', '/api/v1/subscriptions.json', { token: adminToken, json: cloud });
      assert.equal(reply.status, 403);
      assert.match(apiErrorMessage(reply.body), /access rule/i);
    });

    it('refuses access-rule calls to end users (403) and without a token (401)', async () => {
      const body = { role: 'OEM::Admin', oem_model: '*', property_name: '*', client_type: 'cloud', subscription_type: 'datapoint' };
      assert.equal((await call(sim.url, 'POST', rulesPath, { token, json: body })).status, 403);
      assert.equal((await call(sim.url, 'GET', rulesPath, { token })).status, 403);
      assert.equal((await call(sim.url, 'POST', rulesPath, { json: body })).status, 401);
    });

    it('creates an access rule: 201 {"OemAccessRule":{id,…,access_grant:true}}; validates its body (422)', async () => {
      const body = { role: 'OEM::Admin', oem_model: '*', property_name: '*', client_type: 'cloud', subscription_type: 'datapoint' };
      const reply = await call<OemAccessRuleWrapper>(sim.url, 'POST', rulesPath, { token: adminToken, json: body });
      assert.equal(reply.status, 201);
      assert.deepEqual(Object.keys(reply.body), ['OemAccessRule']);
      rule = reply.body.OemAccessRule;
      assert.equal(typeof rule.id, 'number');
      assert.equal(Object.keys(rule)[0], 'id');
      assert.equal(rule.access_grant, true);
      assert.equal(rule.role, 'OEM::Admin');
      assert.equal(rule.subscription_type, 'datapoint');
      for (const bad of [{ ...body, subscription_type: 'nope' }, { ...body, role: '' }, { ...body, client_type: 'x' }]) {
        const r = await call(sim.url, 'POST', rulesPath, { token: adminToken, json: bad });
        assert.equal(r.status, 422, JSON.stringify(bad));
        apiErrorMessage(r.body);
      }
      assert.equal((await call(sim.url, 'POST', `${rulesPath}.json`, { token: adminToken, raw: 'nope' })).status, 400);
    });

    it('lists access rules', async () => {
      const reply = await call<OemAccessRuleWrapper[]>(sim.url, 'GET', rulesPath, { token: adminToken });
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.body.map((w) => w.OemAccessRule.id), [rule.id]);
    });

    it('then creates the cloud subscription (no user_uuid, dsn as asked) that sees every device of the OEM', async () => {
      const reply = await call<SubscriptionWrapper>(sim.url, 'POST', '/api/v1/subscriptions.json', { token: adminToken, json: cloud });
      assert.equal(reply.status, 201);
      const s: Subscription = reply.body.subscription;
      const endUser = await call(sim.url, 'POST', '/api/v1/subscriptions.json', { token, json: cloud });
      assert.equal(endUser.status, 403, 'an end user stays refused even though a rule exists');
      assert.equal(s.client_type, 'cloud');
      assert.equal(s.user_uuid, null);
      assert.equal(s.dsn, '*');
      const client = await openStream(sim.url, s.stream_key);
      sim.devices.emitDatapoint(otherDsn, 'counter', 7);
      sim.devices.emitDatapoint(demoDsns[0]!, 'counter', 8);
      const events = await client.waitForEvents(2);
      assert.deepEqual(events.map((e) => e.metadata.dsn), [otherDsn, demoDsns[0]]);
      await client.close();
      // The rule is per subscription_type.
      const location = await call(sim.url, 'POST', '/api/v1/subscriptions.json', { token: adminToken, json: { ...cloud, subscription_type: 'location' } });
      assert.equal(location.status, 403);
    });

    it('deletes an access rule (204, then 404), after which cloud subscriptions are refused again', async () => {
      for (const path of [`${rulesPath}/${rule.id}`]) {
        const reply = await call(sim.url, 'DELETE', path, { token: adminToken });
        assert.equal(reply.status, 204);
        assert.equal((await call(sim.url, 'DELETE', `${path}.json`, { token: adminToken })).status, 404);
      }
      assert.equal((await call(sim.url, 'DELETE', `${rulesPath}/abc`, { token: adminToken })).status, 404);
      assert.equal((await call(sim.url, 'POST', '/api/v1/subscriptions.json', { token: adminToken, json: cloud })).status, 403);
    });
  });
});
