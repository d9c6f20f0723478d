// Refused cloud subscriptions: recognising the refusal, who may create access rules, which are missing,
// creating only those (against the simulator), and what the user is told.
import { strict as assert } from 'node:assert';
import { AylaApiError } from '../../../src/ayla/errors';
import type { Authorization } from '../../../src/ayla/http';
import { CLOUD_REFUSED_MESSAGE } from '../../../src/ayla/subscriptions';
import type { Tokens } from '../../../src/ayla/userService';
import type { OemAccessRule } from '../../../src/ayla/wireTypes';
import {
  createAccessRules,
  isCloudRefusal,
  mayCreateAccessRules,
  missingAccessRuleTypes,
  missingRulesMessage,
  refusedForRoleMessage,
} from '../../../src/extension/cloudAccess';
import { useSimulator } from '../support/simulatorFixture';

function rule(fields: Partial<OemAccessRule>): OemAccessRule {
  return {
    id: 1,
    oem_id: '0dfc7900',
    role: 'OEM::Admin',
    oem_model: '*',
    property_name: '*',
    client_type: 'cloud',
    subscription_type: 'datapoint',
    access_grant: true,
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    ...fields,
  };
}

describe('extension: cloud access rules', function () {
  this.timeout(10000);
  const fx = useSimulator();
  let user: Tokens;
  let admin: Tokens;
  const as = (tokens: () => Tokens): Authorization => ({ accessToken: () => tokens().accessToken });

  before(async () => {
    user = await fx.signIn();
    admin = await fx.signIn(fx.sim.oemAdmin);
  });

  it('offers access rules to OEM admin, staff and support roles only', () => {
    for (const role of ['OEM::Admin', 'OEM::Staff', 'OEM::SupportEngineer', 'OEM::SupportManager']) assert.ok(mayCreateAccessRules(role), role);
    for (const role of ['EndUser', 'OEM::Developer', '', undefined, 'OEM::Admin2', 'xOEM::Admin']) assert.ok(!mayCreateAccessRules(role), String(role));
  });

  it('recognises a refused cloud subscription, and nothing else', () => {
    assert.ok(isCloudRefusal(new AylaApiError('dss', 'http', 403, CLOUD_REFUSED_MESSAGE)));
    // By shape: an error of another bundle's AylaApiError class counts too.
    assert.ok(isCloudRefusal(Object.assign(new Error(CLOUD_REFUSED_MESSAGE), { status: 403, service: 'dss' })));
    assert.ok(!isCloudRefusal(new AylaApiError('dss', 'http', 403, 'The datapoint subscription was refused (403); subscribe only to devices of this account.')));
    assert.ok(!isCloudRefusal(new AylaApiError('dss', 'http', 500, CLOUD_REFUSED_MESSAGE)));
    assert.ok(!isCloudRefusal(new AylaApiError('device', 'http', 403, CLOUD_REFUSED_MESSAGE)));
    assert.ok(!isCloudRefusal(CLOUD_REFUSED_MESSAGE));
    assert.ok(!isCloudRefusal(undefined));
  });

  it('finds the event types no granting cloud rule of the role covers', () => {
    const rules = [
      rule({ subscription_type: 'datapoint' }),
      rule({ subscription_type: 'location', client_type: 'mobile' }),
      rule({ subscription_type: 'connectivity', role: 'OEM::Staff' }),
      rule({ subscription_type: 'registration', access_grant: false }),
    ];
    assert.deepEqual(missingAccessRuleTypes(rules, 'OEM::Admin', ['datapoint', 'location', 'connectivity', 'registration', 'datapoint']), ['location', 'connectivity', 'registration']);
    assert.deepEqual(missingAccessRuleTypes(rules, 'OEM::Admin', ['datapoint']), []);
  });

  it('says what happened and what to do, naming the role and the missing types', () => {
    const forRole = refusedForRoleMessage('EndUser');
    assert.match(forRole, /refused \(403\)/);
    assert.match(forRole, /OEM admin, staff or support role and an OEM access rule/);
    assert.match(forRole, /signed in as EndUser/);
    assert.match(forRole, /mobile client type/);
    assert.match(refusedForRoleMessage(''), /a role the service did not name/);
    const missing = missingRulesMessage('OEM::Admin', ['datapoint', 'location']);
    assert.match(missing, /no OEM access rule lets OEM::Admin subscribe to datapoint, location events/);
    assert.match(missing, /Create OEM access rules/);
  });

  it('creates one rule per missing type on the service, after which cloud subscriptions are accepted', async () => {
    const subscriptions = fx.subscriptions(as(() => admin));
    await assert.rejects(subscriptions.createSubscription({ eventType: 'connectivity', clientType: 'cloud' }), (e: unknown) => isCloudRefusal(e));
    await subscriptions.createAccessRule({ role: 'OEM::Admin', oem_model: '*', property_name: '*', client_type: 'cloud', subscription_type: 'datapoint' });
    const created = await createAccessRules(subscriptions, 'OEM::Admin', ['datapoint', 'connectivity', 'registration']);
    assert.deepEqual(created.map((r) => r.subscription_type), ['connectivity', 'registration'], 'the existing datapoint rule is not made twice');
    for (const r of created) assert.deepEqual([r.role, r.oem_model, r.property_name, r.client_type], ['OEM::Admin', '*', '*', 'cloud']);
    const rules = await subscriptions.listAccessRules();
    assert.deepEqual(rules.filter((r) => r.role === 'OEM::Admin' && r.client_type === 'cloud').map((r) => r.subscription_type).sort(), ['connectivity', 'datapoint', 'registration']);
    const cloud = await subscriptions.createSubscription({ eventType: 'connectivity', clientType: 'cloud' });
    fx.watch.secret(cloud.stream_key);
    assert.equal(cloud.client_type, 'cloud');
    await subscriptions.deleteSubscription(cloud.id);
    assert.deepEqual(await createAccessRules(subscriptions, 'OEM::Admin', ['connectivity']), [], 'nothing left to create');
  });

  it('an end user gets the refusal, and cannot create rules either', async () => {
    const subscriptions = fx.subscriptions(as(() => user));
    await assert.rejects(subscriptions.createSubscription({ eventType: 'datapoint', clientType: 'cloud' }), (e: unknown) => isCloudRefusal(e));
    await assert.rejects(createAccessRules(subscriptions, 'EndUser', ['datapoint']), (e: unknown) => e instanceof AylaApiError && e.status === 403);
  });
});
