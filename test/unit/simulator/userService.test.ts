// The user service: sign-in, refresh, sign-out, profile, the account lock and token expiry.
import { strict as assert } from 'node:assert';
import type { SignInResponse, UserProfile } from '../../../src/ayla/wireTypes';
import { startSimulator, type Simulator } from '../../../src/simulator';
import { call, signIn, signInBody, userErrorMessage } from '../support/aylaHttp';
import { waitFor } from '../support/waitFor';

const HEX32 = /^[0-9a-f]{32}$/;

describe('simulator: user service', function () {
  this.timeout(15000);
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ eventsPerSecond: 0 });
  });
  after(() => sim.stop());

  for (const path of ['/users/sign_in.json', '/users/sign_in']) {
    it(`signs the demo user in at ${path}`, async () => {
      const reply = await call<SignInResponse>(sim.url, 'POST', path, { json: signInBody(sim.demo) });
      assert.equal(reply.status, 200);
      assert.match(String(reply.headers['content-type']), /application\/json/);
      assert.deepEqual(Object.keys(reply.body), ['access_token', 'refresh_token', 'expires_in', 'role', 'role_tags']);
      assert.match(reply.body.access_token, HEX32);
      assert.match(reply.body.refresh_token, HEX32);
      assert.notEqual(reply.body.access_token, reply.body.refresh_token);
      assert.equal(reply.body.expires_in, 86400);
      assert.equal(reply.body.role, 'EndUser');
      assert.deepEqual(reply.body.role_tags, []);
    });
  }

  it('signs the OEM admin in with role OEM::Admin', async () => {
    assert.equal((await signIn(sim.url, sim.oemAdmin)).role, 'OEM::Admin');
  });

  it('answers 401 {"error":"…"} for a wrong password or an unknown email', async () => {
    for (const login of [{ ...sim.demo, password: 'wrong' }, { ...sim.demo, email: 'nobody@example.com' }]) {
      const reply = await call(sim.url, 'POST', '/users/sign_in.json', { json: signInBody(login) });
      assert.equal(reply.status, 401);
      assert.ok(userErrorMessage(reply.body).length > 0);
    }
  });

  it('answers 404 for an unknown app id or a wrong app secret', async () => {
    for (const login of [{ ...sim.demo, appId: 'unknown-app' }, { ...sim.demo, appSecret: 'wrong-secret' }]) {
      const reply = await call(sim.url, 'POST', '/users/sign_in.json', { json: signInBody(login) });
      assert.equal(reply.status, 404);
      userErrorMessage(reply.body);
    }
  });

  it('answers 400 {"error":"…"} for malformed JSON and missing fields', async () => {
    const malformed = await call(sim.url, 'POST', '/users/sign_in.json', { raw: '{"user":' });
    assert.equal(malformed.status, 400);
    userErrorMessage(malformed.body);
    for (const json of [{}, { user: { email: 'dev@example.com' } }, { user: { email: 1, password: 'x', application: { app_id: 'a', app_secret: 'b' } } }, []]) {
      const reply = await call(sim.url, 'POST', '/users/sign_in.json', { json });
      assert.equal(reply.status, 400, JSON.stringify(json));
      userErrorMessage(reply.body);
    }
  });

  it('locks an account after 5 failed sign-ins, even against the right password, until reset', async () => {
    const other = sim.otherUser;
    for (let i = 0; i < 5; i++) {
      const reply = await call(sim.url, 'POST', '/users/sign_in.json', { json: signInBody({ ...other, password: `wrong-${i}` }) });
      assert.equal(reply.status, 401);
      assert.doesNotMatch(userErrorMessage(reply.body), /locked/i, `attempt ${i + 1} is not locked yet`);
    }
    const locked = await call(sim.url, 'POST', '/users/sign_in.json', { json: signInBody(other) });
    assert.equal(locked.status, 401);
    assert.match(userErrorMessage(locked.body), /locked/i);
    // Other accounts are not affected.
    await signIn(sim.url, sim.demo);
    sim.faults.reset();
    await signIn(sim.url, other);
  });

  it('unlocks an account after the lock time', async () => {
    const short = await startSimulator({ eventsPerSecond: 0, accountLockSeconds: 1 });
    try {
      for (let i = 0; i < 5; i++) await call(short.url, 'POST', '/users/sign_in.json', { json: signInBody({ ...short.demo, password: 'nope' }) });
      const locked = await call(short.url, 'POST', '/users/sign_in.json', { json: signInBody(short.demo) });
      assert.match(userErrorMessage(locked.body), /locked/i);
      await waitFor('the lock to end', async () => (await call(short.url, 'POST', '/users/sign_in.json', { json: signInBody(short.demo) })).status === 200, 5000, 100);
    } finally {
      await short.stop();
    }
  });

  for (const path of ['/users/get_user_profile.json', '/users/get_user_profile']) {
    it(`gives the profile at ${path} and 401 without a valid token`, async () => {
      const tokens = await signIn(sim.url, sim.demo);
      const reply = await call<UserProfile>(sim.url, 'GET', path, { token: tokens.access_token });
      assert.equal(reply.status, 200);
      assert.equal(reply.body.email, 'dev@example.com');
      assert.match(reply.body.uuid, /^[0-9a-f-]{36}$/);
      assert.equal(typeof reply.body.firstname, 'string');
      assert.equal(typeof reply.body.lastname, 'string');
      assert.equal((await call(sim.url, 'GET', path)).status, 401);
      const bad = await call(sim.url, 'GET', path, { token: '0'.repeat(32) });
      assert.equal(bad.status, 401);
      userErrorMessage(bad.body);
      const wrongScheme = await call(sim.url, 'GET', path, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      assert.equal(wrongScheme.status, 401);
    });
  }

  it('refreshes: new tokens, the old access and refresh tokens stop working', async () => {
    const first = await signIn(sim.url, sim.demo);
    for (const path of ['/users/refresh_token.json', '/users/refresh_token']) {
      const old = path.endsWith('.json') ? first : await signIn(sim.url, sim.demo);
      const reply = await call<SignInResponse>(sim.url, 'POST', path, { json: { user: { refresh_token: old.refresh_token } } });
      assert.equal(reply.status, 200);
      assert.deepEqual(Object.keys(reply.body), ['access_token', 'refresh_token', 'expires_in', 'role', 'role_tags']);
      assert.match(reply.body.access_token, HEX32);
      assert.notEqual(reply.body.access_token, old.access_token);
      assert.notEqual(reply.body.refresh_token, old.refresh_token);
      assert.equal((await call(sim.url, 'GET', '/users/get_user_profile.json', { token: old.access_token })).status, 401);
      assert.equal((await call(sim.url, 'GET', '/users/get_user_profile.json', { token: reply.body.access_token })).status, 200);
      const again = await call(sim.url, 'POST', path, { json: { user: { refresh_token: old.refresh_token } } });
      assert.equal(again.status, 401);
      userErrorMessage(again.body);
    }
    assert.equal((await call(sim.url, 'POST', '/users/refresh_token.json', { json: { user: {} } })).status, 400);
  });

  it('signs out: both tokens stop working', async () => {
    for (const path of ['/users/sign_out.json', '/users/sign_out']) {
      const tokens = await signIn(sim.url, sim.demo);
      const reply = await call(sim.url, 'POST', path, { json: { user: { access_token: tokens.access_token } } });
      assert.equal(reply.status, 200);
      assert.equal((await call(sim.url, 'GET', '/apiv1/devices.json', { token: tokens.access_token })).status, 401);
      assert.equal((await call(sim.url, 'POST', '/users/refresh_token.json', { json: { user: { refresh_token: tokens.refresh_token } } })).status, 401);
      assert.equal((await call(sim.url, 'POST', path, { json: { user: { access_token: tokens.access_token } } })).status, 401);
    }
  });

  it('expires access tokens after accessTokenTtlSeconds; the refresh token still works', async () => {
    const short = await startSimulator({ eventsPerSecond: 0, accessTokenTtlSeconds: 1 });
    try {
      const tokens = await signIn(short.url, short.demo);
      assert.equal(tokens.expires_in, 1);
      assert.equal((await call(short.url, 'GET', '/apiv1/devices.json', { token: tokens.access_token })).status, 200);
      await waitFor('the access token to expire', async () => (await call(short.url, 'GET', '/apiv1/devices.json', { token: tokens.access_token })).status === 401, 5000, 100);
      const refreshed = await call<SignInResponse>(short.url, 'POST', '/users/refresh_token.json', { json: { user: { refresh_token: tokens.refresh_token } } });
      assert.equal(refreshed.status, 200);
      assert.equal((await call(short.url, 'GET', '/apiv1/devices.json', { token: refreshed.body.access_token })).status, 200);
    } finally {
      await short.stop();
    }
  });

  it('takes other secrets than the published demo ones when asked (for a security audit)', async () => {
    const audit = await startSimulator({ eventsPerSecond: 0, secrets: { password: 'Pw-audit-7f3c', appSecret: 'Secret-audit-0b5d' } });
    try {
      assert.deepEqual({ password: audit.demo.password, appSecret: audit.demo.appSecret }, { password: 'Pw-audit-7f3c', appSecret: 'Secret-audit-0b5d' });
      assert.equal(audit.oemAdmin.password, 'Pw-audit-7f3c');
      const published = await call(audit.url, 'POST', '/users/sign_in.json', { json: signInBody(sim.demo) });
      assert.equal(published.status, 404, 'the published app secret is refused');
      const wrongPassword = await call(audit.url, 'POST', '/users/sign_in.json', { json: signInBody({ ...audit.demo, password: 'simulator' }) });
      assert.equal(wrongPassword.status, 401, 'the published password is refused');
      assert.match((await signIn(audit.url, audit.demo)).access_token, HEX32);
    } finally {
      await audit.stop();
    }
  });
});
