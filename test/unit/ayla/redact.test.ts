// Secrets never shown: stream keys in URLs, auth_token headers, secret JSON fields, registered values.
import { strict as assert } from 'node:assert';
import { forgetSecret, maskSecret, redactSecrets, redactUrl, registerSecret } from '../../../src/ayla/redact';

const KEY = '2f6273dcbb224c5bb303b2a7e22c91ad';
const TOKEN = '22f9e1bbaf344bd790305c247a55dfee';

describe('ayla: redact', () => {
  it('masks the stream key in a stream URL, keeping the rest', () => {
    const url = `wss://mstream-dev.aylanetworks.com/stream?stream_key=${KEY}&seq_start=42`;
    const shown = redactUrl(url);
    assert.ok(!shown.includes(KEY));
    assert.equal(shown, 'wss://mstream-dev.aylanetworks.com/stream?stream_key=…91ad&seq_start=42');
    assert.equal(redactSecrets(`opening ws://127.0.0.1:9/stream?stream_key=${KEY}`), 'opening ws://127.0.0.1:9/stream?stream_key=…91ad');
  });

  it('masks auth_token values in header text', () => {
    assert.equal(redactSecrets(`Authorization: auth_token ${TOKEN}`), 'Authorization: auth_token …dfee');
  });

  it('masks secret JSON fields: tokens by their last 4 characters, password and app secret fully', () => {
    const body = JSON.stringify({ access_token: TOKEN, refresh_token: KEY, user: { password: 'pa"ss word', application: { app_secret: 'my-app-secret-1234' } }, stream_key: KEY, name: 'x' });
    const shown = redactSecrets(body);
    for (const secret of [TOKEN, KEY, 'pa\\"ss word', 'my-app-secret-1234', '1234']) assert.ok(!shown.includes(secret), `${secret} in ${shown}`);
    assert.match(shown, /"access_token":"…dfee"/);
    assert.match(shown, /"password":"\[redacted\]"/);
    assert.match(shown, /"app_secret":"\[redacted\]"/);
    assert.match(shown, /"name":"x"/);
  });

  it('masks registered values wherever they appear, and forgets them when asked', () => {
    const secret = 'correct-horse-battery';
    assert.equal(redactSecrets(`echo ${secret}!`), `echo ${secret}!`);
    registerSecret(secret, 'secret');
    assert.equal(redactSecrets(`echo ${secret}! and ${secret}`), 'echo [redacted]! and [redacted]');
    forgetSecret(secret);
    assert.equal(redactSecrets(`echo ${secret}!`), `echo ${secret}!`);
  });

  it('keeps a value registered twice until both registrations are forgotten', () => {
    const secret = 'twice-registered-pw';
    registerSecret(secret, 'secret');
    registerSecret(secret, 'secret');
    forgetSecret(secret);
    assert.equal(redactSecrets(secret), '[redacted]');
    forgetSecret(secret);
    assert.equal(redactSecrets(secret), secret);
  });

  it('shows registered tokens as …last4 and replaces a longer secret containing a shorter one whole', () => {
    const token = 'abcdef0123456789abcdef0123456789';
    // The shorter one first: replacing in registration order would cut the token apart.
    registerSecret('0123456789ab', 'secret');
    registerSecret(token, 'token');
    assert.equal(redactSecrets(`token ${token}`), 'token …6789');
    forgetSecret(token);
    forgetSecret('0123456789ab');
  });

  it('masks user:password in a URL', () => {
    const shown = redactUrl('https://bob:hunter2@proxy.example.com/a');
    assert.ok(!shown.includes('hunter2'));
    assert.ok(!shown.includes('bob'));
  });

  it('masks short secrets fully', () => {
    assert.equal(maskSecret('short', 'token'), '[redacted]');
    assert.equal(maskSecret(TOKEN, 'token'), '…dfee');
    assert.equal(maskSecret(TOKEN, 'secret'), '[redacted]');
  });

  it('leaves an unparseable URL readable but redacted', () => {
    assert.equal(redactUrl(`not a url stream_key=${KEY}`), 'not a url stream_key=…91ad');
  });
});
