// The user service against the simulator: sign-in and each failure, the lock, never retrying a sign-in,
// refresh, sign-out, profile, and the password never kept nor said.
import { strict as assert } from 'node:assert';
import { redactSecrets } from '../../../src/ayla/redact';
import { UserService } from '../../../src/ayla/userService';
import { HttpClient } from '../../../src/ayla/http';
import { startScriptedServer } from '../support/scriptedServer';
import { expectAylaError, useSimulator } from '../support/simulatorFixture';

const WRONG_PASSWORD = 'wrong-password-4f2a9c';
const WRONG_PASSWORD_MESSAGE = 'Sign-in failed: wrong email or password (401). Five failures lock the account for 30 minutes.';

describe('ayla: user service', function () {
  this.timeout(10000);
  const fx = useSimulator();
  afterEach(() => fx.sim.faults.reset());
  before(() => fx.watch.secret(WRONG_PASSWORD));

  const signInRequests = (mark: number): number => fx.since(mark).filter((r) => r.url.startsWith('/users/sign_in')).length;

  it('signs in and returns tokens with their expiry and role', async () => {
    const before = Date.now();
    const tokens = await fx.signIn();
    const after = Date.now();
    assert.match(tokens.accessToken, /^[0-9a-f]{32}$/);
    assert.match(tokens.refreshToken, /^[0-9a-f]{32}$/);
    assert.notEqual(tokens.accessToken, tokens.refreshToken);
    assert.ok(tokens.expiresAt >= before + 86400_000 && tokens.expiresAt <= after + 86400_000, 'expiresAt = now + expires_in');
    assert.equal(tokens.role, 'EndUser');
    assert.equal((await fx.signIn(fx.sim.oemAdmin)).role, 'OEM::Admin');
  });

  it('sends the documented sign-in body, once', async () => {
    const mark = fx.proxy.requests.length;
    await fx.signIn();
    const sent = fx.proxy.requests.slice(mark);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.url, '/users/sign_in.json');
    assert.deepEqual(JSON.parse(sent[0]!.body), { user: { email: 'dev@example.com', password: 'simulator', application: { app_id: 'simulator-app', app_secret: 'simulator-secret' } } });
  });

  it('reads the profile', async () => {
    const tokens = await fx.signIn();
    const profile = await fx.users().profile(tokens.accessToken);
    assert.equal(profile.email, 'dev@example.com');
    assert.match(profile.uuid ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(profile.firstName, 'Demo');
    assert.equal(profile.role, 'EndUser');
    assert.equal(profile.raw.email, 'dev@example.com');
  });

  it('fails a wrong password with 401 and the lock warning, sending one request', async () => {
    const mark = fx.proxy.requests.length;
    await expectAylaError(fx.users().signIn({ ...fx.sim.demo, password: WRONG_PASSWORD }), { kind: 'http', service: 'user', status: 401, message: WRONG_PASSWORD_MESSAGE }, fx.watch);
    assert.equal(signInRequests(mark), 1);
  });

  it('fails an unknown app id or app secret with 404', async () => {
    const message = 'Sign-in failed: the app id or app secret is not known to this Ayla region (404). Check them, and that the region is right.';
    await expectAylaError(fx.users().signIn({ ...fx.sim.demo, appId: 'no-such-app' }), { kind: 'http', status: 404, message }, fx.watch);
    await expectAylaError(fx.users().signIn({ ...fx.sim.demo, appSecret: 'no-such-secret-99' }), { kind: 'http', status: 404, message }, fx.watch);
  });

  it('says the account is locked, and for how long, after five failures', async () => {
    const mark = fx.proxy.requests.length;
    const users = fx.users();
    for (let i = 0; i < 5; i++) {
      await expectAylaError(users.signIn({ ...fx.sim.otherUser, password: WRONG_PASSWORD }), { kind: 'http', status: 401, message: WRONG_PASSWORD_MESSAGE }, fx.watch);
    }
    await expectAylaError(
      users.signIn(fx.sim.otherUser),
      { kind: 'http', status: 401, message: 'Sign-in failed: the account is locked after too many failed sign-ins (401); wait 30 minutes before trying again.' },
      fx.watch,
    );
    assert.equal(signInRequests(mark), 6, 'each sign-in went out exactly once');
  });

  it('never retries a sign-in that met a 5xx', async () => {
    fx.sim.faults.failRequests({ status: 503, pathPrefix: '/users/sign_in' });
    const logged = fx.simLog.length;
    const mark = fx.proxy.requests.length;
    await expectAylaError(fx.users().signIn(fx.sim.demo), { kind: 'http', status: 503, message: /^The Ayla user service answered 503 \(service unavailable\) when asked to sign in \(not repeated automatically/ }, fx.watch);
    assert.equal(signInRequests(mark), 1);
    assert.equal(fx.simLog.slice(logged).filter((l) => l.includes('answering POST /users/sign_in')).length, 1, 'the simulator saw one sign-in');
  });

  it('never retries a sign-in that timed out', async () => {
    fx.sim.faults.delayResponses(3000, 1);
    const mark = fx.proxy.requests.length;
    await expectAylaError(fx.users(fx.http({ timeoutMs: 100 })).signIn(fx.sim.demo), { kind: 'timeout', service: 'user', message: /when asked to sign in \(not repeated automatically/ }, fx.watch);
    assert.equal(signInRequests(mark), 1);
  });

  it('keeps no copy of the password: not in the service, not in the redactor after the call', async () => {
    const password = 'a-distinctive-password-81c3';
    fx.watch.secret(password);
    const users = fx.users();
    await expectAylaError(users.signIn({ ...fx.sim.demo, password }), { kind: 'http', status: 401 }, fx.watch);
    assert.ok(!JSON.stringify(users, (_k, v: unknown) => (typeof v === 'function' ? undefined : v)).includes(password));
    assert.equal(redactSecrets(`x ${password}`), `x ${password}`, 'the redactor forgot it once the call ended');
  });

  it('refreshes: new tokens work, the old access token no longer does', async () => {
    const users = fx.users();
    const old = await fx.signIn();
    const renewed = fx.watch.tokens(await users.refresh(old.refreshToken));
    assert.notEqual(renewed.accessToken, old.accessToken);
    assert.notEqual(renewed.refreshToken, old.refreshToken);
    assert.ok(renewed.expiresAt > Date.now());
    assert.equal((await users.profile(renewed.accessToken)).email, 'dev@example.com');
    await expectAylaError(users.profile(old.accessToken), { kind: 'http', service: 'user', status: 401, message: 'The user service rejected the access token (401): sign in again.' }, fx.watch);
    await expectAylaError(users.refresh(old.refreshToken), { kind: 'http', status: 401, message: 'The user service refused to renew the session (401): it has ended or been signed out; sign in again.' }, fx.watch);
  });

  it('refreshes an expired access token', async () => {
    const users = fx.users();
    const tokens = await fx.signIn();
    fx.sim.faults.expireAccessTokens();
    await expectAylaError(users.profile(tokens.accessToken), { kind: 'http', status: 401 }, fx.watch);
    const renewed = fx.watch.tokens(await users.refresh(tokens.refreshToken));
    assert.equal((await users.profile(renewed.accessToken)).email, 'dev@example.com');
  });

  it('signs out: both tokens stop working, and signing out again is done too', async () => {
    const users = fx.users();
    const tokens = await fx.signIn();
    await users.signOut(tokens.accessToken);
    await expectAylaError(users.profile(tokens.accessToken), { kind: 'http', status: 401 }, fx.watch);
    await expectAylaError(users.refresh(tokens.refreshToken), { kind: 'http', status: 401 }, fx.watch);
    const mark = fx.proxy.requests.length;
    await users.signOut(tokens.accessToken);
    assert.deepEqual(fx.since(mark).map((r) => r.status), [401], 'the second sign-out reached the service and 401 counted as done');
  });

  it('fails sign-out on other errors', async () => {
    fx.sim.faults.failRequests({ status: 500, pathPrefix: '/users/sign_out' });
    await expectAylaError(fx.users().signOut('0123456789abcdef0123456789abcdef'), { kind: 'http', status: 500 }, fx.watch);
  });

  it('refuses a sign-in answer without tokens as an invalid response', async () => {
    const server = await startScriptedServer(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"role":"EndUser"}' }));
    try {
      const users = new UserService({ origin: server.url, http: new HttpClient({ onRequest: fx.watch.trace }) });
      await expectAylaError(users.signIn(fx.sim.demo), { kind: 'invalid-response', service: 'user', message: /answered the request to sign in without an access token and a refresh token/ }, fx.watch);
    } finally {
      await server.close();
    }
  });

  it('takes the expiry from expires_in', async () => {
    const server = await startScriptedServer(() => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ access_token: 'a'.repeat(32), refresh_token: 'b'.repeat(32), expires_in: 60, role: 'OEM::Staff', role_tags: [] }),
    }));
    try {
      const users = new UserService({ origin: server.url, http: new HttpClient(), now: () => 1_000_000 });
      assert.deepEqual(await users.signIn(fx.sim.demo), { accessToken: 'a'.repeat(32), refreshToken: 'b'.repeat(32), expiresAt: 1_060_000, role: 'OEM::Staff' });
    } finally {
      await server.close();
    }
  });

  it('never said a token, password, app secret or stream key', () => {
    fx.watch.assertClean();
  });
});
