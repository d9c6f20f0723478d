// What is stored about an account: the tokens (SecretStorage) hold exactly three fields; the account facts
// (globalState) hold no secret; anything malformed reads as "nothing stored".
import { strict as assert } from 'node:assert';
import { parseStoredAccount, parseStoredTokens, serializeTokens, tokensFrom } from '../../../src/extension/accountRecords';

describe('extension: account records', () => {
  const tokens = { accessToken: 'a'.repeat(32), refreshToken: 'r'.repeat(32), expiresAt: 1_800_000_000_000 };

  it('serializes the access token, refresh token and expiry, and nothing else', () => {
    const withExtras = { ...tokens, role: 'EndUser', password: 'hunter2', appSecret: 's' } as typeof tokens;
    assert.deepEqual(JSON.parse(serializeTokens(withExtras)), tokens);
  });

  it('reads back what it wrote', () => {
    assert.deepEqual(parseStoredTokens(serializeTokens(tokens)), tokens);
  });

  it('reads malformed or partial tokens as nothing stored', () => {
    for (const text of [undefined, '', 'not json', 'null', '[]', '{}', JSON.stringify({ ...tokens, accessToken: '' }), JSON.stringify({ ...tokens, refreshToken: 5 }), JSON.stringify({ ...tokens, expiresAt: 'soon' })]) {
      assert.equal(parseStoredTokens(text), undefined, String(text));
    }
  });

  it('reads an account with a known cloud and client type, keeping only its fields', () => {
    assert.deepEqual(parseStoredAccount({ cloudId: 'eu-field', clientType: 'cloud', email: 'a@b.c', role: 'OEM::Admin', extra: 1 }), {
      cloudId: 'eu-field',
      clientType: 'cloud',
      email: 'a@b.c',
      role: 'OEM::Admin',
    });
    assert.deepEqual(parseStoredAccount({ cloudId: 'simulator', clientType: 'mobile', email: 'dev@example.com', baseUrl: 'http://127.0.0.1:1234' }), {
      cloudId: 'simulator',
      clientType: 'mobile',
      email: 'dev@example.com',
      role: '',
      baseUrl: 'http://127.0.0.1:1234',
    });
  });

  it('reads an unknown cloud, client type, a missing email, or a simulator without its URL as nothing stored', () => {
    for (const value of [
      undefined,
      'us-field',
      { cloudId: 'mars-field', clientType: 'mobile', email: 'a@b.c' },
      { cloudId: 'us-field', clientType: 'user_opt_in', email: 'a@b.c' },
      { cloudId: 'us-field', clientType: 'mobile', email: '' },
      { cloudId: 'simulator', clientType: 'mobile', email: 'dev@example.com' },
    ]) {
      assert.equal(parseStoredAccount(value), undefined, JSON.stringify(value));
    }
  });

  it('rebuilds the session tokens with the role from the account', () => {
    assert.deepEqual(tokensFrom(tokens, { cloudId: 'us-dev', clientType: 'mobile', email: 'a@b.c', role: 'EndUser' }), { ...tokens, role: 'EndUser' });
  });
});
