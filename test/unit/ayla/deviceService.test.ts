// The device service against the simulator: every call, each error status, the checks setValue makes
// before sending (nothing reaches the wire when they fail), and the 401 → onUnauthorized → retry path.
import { strict as assert } from 'node:assert';
import { checkValue, DeviceService, MAX_MESSAGE_BYTES, type SettableProperty } from '../../../src/ayla/deviceService';
import { AylaApiError } from '../../../src/ayla/errors';
import type { Authorization } from '../../../src/ayla/http';
import type { Property } from '../../../src/ayla/wireTypes';
import { startScriptedServer } from '../support/scriptedServer';
import { expectAylaError, useSimulator } from '../support/simulatorFixture';

const input = (name: string, base_type: Property['base_type']): SettableProperty => ({ name, base_type, direction: 'input', read_only: false });

describe('ayla: device service', function () {
  this.timeout(10000);
  const fx = useSimulator({ ackDelayMs: 5 });
  let token: string;
  let dsn: string;
  let foreignDsn: string;
  const auth = (): Authorization => ({ accessToken: () => token });

  before(async () => {
    token = (await fx.signIn()).accessToken;
    const devices = fx.sim.devices.list();
    dsn = devices[0]!.dsn;
    foreignDsn = devices[devices.length - 1]!.dsn;
  });
  afterEach(() => fx.sim.faults.reset());

  async function property(name: string): Promise<Property> {
    const [found] = await fx.devices(auth()).listProperties(dsn, [name]);
    assert.ok(found, `property ${name}`);
    return found;
  }

  it("lists the user's devices, unwrapped", async () => {
    const devices = await fx.devices(auth()).listDevices();
    assert.deepEqual(devices.map((d) => d.dsn), fx.sim.devices.list().slice(0, 3).map((d) => d.dsn));
    assert.equal(devices[0]!.oem, '0dfc7900');
    assert.ok(['Online', 'Offline'].includes(devices[0]!.connection_status));
  });

  it('reads one device', async () => {
    const device = await fx.devices(auth()).getDevice(dsn);
    assert.equal(device.dsn, dsn);
    assert.equal(device.product_name, 'Kitchen Freezer');
  });

  it('says when a device is not yours (403) or unknown (404)', async () => {
    const devices = fx.devices(auth());
    await expectAylaError(devices.getDevice(foreignDsn), { kind: 'http', service: 'device', status: 403, message: `Device ${foreignDsn} is not one of this account's devices (403); sign in with the account that owns it.` }, fx.watch);
    await expectAylaError(devices.getDevice('AC000WNOPE'), { kind: 'http', status: 404, message: 'The device service does not know device AC000WNOPE (404: Device AC000WNOPE not found); check the DSN, and the region.' }, fx.watch);
    await expectAylaError(devices.listProperties(foreignDsn), { kind: 'http', status: 403 }, fx.watch);
  });

  it('lists all properties, or only the named ones (names[]=…)', async () => {
    const devices = fx.devices(auth());
    const all = await devices.listProperties(dsn);
    assert.equal(all.length, 11);
    assert.ok(all.every((p) => p.type === 'Property' && typeof p.base_type === 'string'));
    const mark = fx.proxy.requests.length;
    const some = await devices.listProperties(dsn, ['Blue_LED', 'setpoint']);
    assert.deepEqual(some.map((p) => p.name).sort(), ['Blue_LED', 'setpoint']);
    assert.equal(fx.since(mark)[0]!.url, `/apiv1/dsns/${dsn}/properties.json?names[]=Blue_LED&names[]=setpoint`);
  });

  it('sets a to-device boolean from "on"/"off" as 1/0, with the documented body', async () => {
    const devices = fx.devices(auth());
    const led = await property('Blue_LED');
    const mark = fx.proxy.requests.length;
    const datapoint = await devices.setValue(dsn, led, 'on', { source: 'test' });
    assert.equal(datapoint.value, 1);
    assert.deepEqual(datapoint.metadata, { source: 'test' });
    const sent = fx.proxy.requests.slice(mark);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.url, `/apiv1/dsns/${dsn}/properties/Blue_LED/datapoints.json`);
    assert.deepEqual(JSON.parse(sent[0]!.body), { datapoint: { value: 1, metadata: { source: 'test' } } });
    assert.equal((await property('Blue_LED')).value, 1);
    assert.equal((await devices.setValue(dsn, led, 'off')).value, 0);
    assert.equal((await property('Blue_LED')).value, 0);
  });

  it('sets integer, decimal, string and message values, converting typed text', async () => {
    const devices = fx.devices(auth());
    assert.equal((await devices.setValue(dsn, await property('setpoint'), ' 42 ')).value, 42);
    assert.equal((await devices.setValue(dsn, await property('decimal_in'), '-3.25')).value, -3.25);
    assert.equal((await devices.setValue(dsn, await property('cmd'), 'reboot | now €')).value, 'reboot | now €');
    const config = JSON.stringify({ mode: 'eco', items: 'x'.repeat(2000) });
    assert.equal((await devices.setValue(dsn, await property('config'), config)).value, config);
    assert.equal((await property('setpoint')).value, 42);
  });

  it('reads the history of a property, newest last', async () => {
    const devices = fx.devices(auth());
    const led = await property('Blue_LED');
    for (const v of [1, 0, 1]) await devices.setValue(dsn, led, v);
    const history = await devices.datapointHistory(dsn, 'Blue_LED', 3);
    assert.deepEqual(history.map((d) => d.value), [1, 0, 1]);
    await expectAylaError(devices.datapointHistory(dsn, 'nope', 3), { kind: 'http', status: 404, message: /does not know device .* or its property nope \(404/ }, fx.watch);
  });

  describe('checks before sending (nothing reaches the service)', () => {
    const refusals: [string, () => Promise<SettableProperty>, unknown, string | RegExp][] = [
      ['a from-device property', () => property('Blue_button'), 1, 'Blue_button is a from-device property: only the device sets it.'],
      ['a read-only property', async () => ({ ...(await property('Blue_LED')), read_only: true }), 1, 'Blue_LED is read-only: it cannot be set from here.'],
      ['a boolean that is not one', () => property('Blue_LED'), 'maybe', 'Blue_LED is a boolean property: set it to true/false, on/off or 1/0, not "maybe".'],
      ['a boolean 2', () => property('Blue_LED'), 2, /not 2\.$/],
      ['a fractional integer', () => property('setpoint'), 1.5, 'setpoint is an integer property: set it to a whole number, not 1.5.'],
      ['an integer past 32 bits', () => property('setpoint'), 2 ** 31, /set it to a whole number from -2147483648 to 2147483647, not 2147483648\./],
      ['integer text with junk', () => property('setpoint'), '12abc', /whole number, not "12abc"/],
      ['a decimal NaN', () => property('decimal_in'), Number.NaN, /finite number, not NaN/],
      ['a decimal Infinity', () => property('decimal_in'), Number.POSITIVE_INFINITY, /finite number/],
      ['an empty decimal', () => property('decimal_in'), '  ', /finite number/],
      ['a string of 1026 UTF-8 bytes', () => property('cmd'), '€'.repeat(342), 'cmd takes at most 1024 bytes of UTF-8 text; this value has 1026.'],
      ['a non-string string', () => property('cmd'), 5, 'cmd is a string property: set it to text, not 5.'],
      ['a message over 512 KB', () => property('config'), 'x'.repeat(MAX_MESSAGE_BYTES + 1), `config takes at most ${MAX_MESSAGE_BYTES} bytes of UTF-8 text; this value has ${MAX_MESSAGE_BYTES + 1}.`],
      ['a file property', async () => ({ ...(await property('snapshot')), direction: 'input', read_only: false }), 'https://x/y.jpg', 'snapshot is a file property: its value is an uploaded file, which cannot be set from here.'],
      ['an unknown base type', async () => ({ ...input('odd', 'string'), base_type: 'blob' as Property['base_type'] }), 'x', 'odd has the base type "blob", which this extension does not know how to set.'],
    ];
    for (const [what, get, value, message] of refusals) {
      it(`refuses ${what}`, async () => {
        const prop = await get();
        const mark = fx.proxy.requests.length;
        await expectAylaError(fx.devices(auth()).setValue(dsn, prop, value), { kind: 'invalid-request', service: 'device', status: undefined, message }, fx.watch);
        assert.equal(fx.proxy.requests.length, mark, 'no request was sent');
      });
    }

    it('refuses more than 10 metadata keys, and metadata values that are not text, numbers or booleans', async () => {
      const led = await property('Blue_LED');
      const mark = fx.proxy.requests.length;
      const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, i]));
      await expectAylaError(fx.devices(auth()).setValue(dsn, led, 1, eleven), { kind: 'invalid-request', message: 'The metadata for Blue_LED has 11 keys; at most 10 are allowed.' }, fx.watch);
      const nested = { a: { b: 1 } } as unknown as Record<string, string>;
      await expectAylaError(fx.devices(auth()).setValue(dsn, led, 1, nested), { kind: 'invalid-request', message: 'The metadata entry "a" for Blue_LED must be text, a number or true/false.' }, fx.watch);
      assert.equal(fx.proxy.requests.length, mark);
    });

    it('refuses a history limit out of range', async () => {
      const mark = fx.proxy.requests.length;
      await expectAylaError(fx.devices(auth()).datapointHistory(dsn, 'Blue_LED', 0), { kind: 'invalid-request', message: /from 1 to 1000 \(got 0\)/ }, fx.watch);
      assert.equal(fx.proxy.requests.length, mark);
    });

    it('converts every accepted boolean spelling', () => {
      const led = input('Blue_LED', 'boolean');
      for (const v of [true, 1, '1', 'on', 'ON', ' true ', 'True']) assert.equal(checkValue(led, v), 1, String(v));
      for (const v of [false, 0, '0', 'off', 'false', 'FALSE']) assert.equal(checkValue(led, v), 0, String(v));
      assert.equal(checkValue(input('n', 'integer'), -2147483648), -2147483648);
      assert.equal(checkValue(input('n', 'integer'), '+7'), 7);
      assert.equal(checkValue(input('d', 'decimal'), '1e3'), 1000);
      assert.equal(checkValue(input('s', 'string'), '€'.repeat(341)), '€'.repeat(341));
    });
  });

  describe('errors the service answers', () => {
    it('words a 422 for a value the client let through (a property the server knows better)', async () => {
      const claimedInput = input('temperature', 'decimal');
      await expectAylaError(
        fx.devices(auth()).setValue(dsn, claimedInput, 3),
        { kind: 'http', service: 'device', status: 422, message: /^The device service refused the value for temperature on AC000W\d+ \(422: temperature is a read-only from-device property.*\); check the value and the property\.$/ },
        fx.watch,
      );
    });

    it('words a 404 for an unknown property and a 403 for a foreign device', async () => {
      await expectAylaError(fx.devices(auth()).setValue(dsn, input('nope', 'integer'), 3), { kind: 'http', status: 404, message: /does not know device AC000W\d+ or its property nope \(404: .*\); check the DSN and the property name, and the region\./ }, fx.watch);
      await expectAylaError(fx.devices(auth()).setValue(foreignDsn, input('Blue_LED', 'boolean'), 1), { kind: 'http', status: 403, message: new RegExp(`^Device ${foreignDsn} is not one of this account's devices \\(403\\)`) }, fx.watch);
    });

    it('answers 401 for a bad token when there is no onUnauthorized hook', async () => {
      const bad = 'ffffffffffffffffffffffffffffffff';
      await expectAylaError(fx.devices({ accessToken: () => bad }).listDevices(), { kind: 'http', status: 401, message: 'The device service rejected the access token (401): sign in again.' }, fx.watch);
    });

    it('never repeats a setValue that met a 5xx', async () => {
      fx.sim.faults.failRequests({ status: 503, pathPrefix: '/apiv1/dsns' });
      const mark = fx.proxy.requests.length;
      await expectAylaError(fx.devices(auth()).setValue(dsn, input('Blue_LED', 'boolean'), 1), { kind: 'http', status: 503, message: /not repeated automatically/ }, fx.watch);
      assert.equal(fx.since(mark).length, 1);
    });

    it('refuses a device list that is not a list', async () => {
      const server = await startScriptedServer(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"devices":[]}' }));
      try {
        const devices = new DeviceService({ origin: server.url, http: fx.http(), accessToken: () => token });
        await expectAylaError(devices.listDevices(), { kind: 'invalid-response', service: 'device', message: /without a list of devices/ }, fx.watch);
      } finally {
        await server.close();
      }
    });
  });

  describe('an expired access token', () => {
    // Expiring tokens expires the fixture's too: sign in again for whatever runs next.
    after(async () => {
      token = (await fx.signIn()).accessToken;
    });

    it('calls onUnauthorized once, then repeats the call with the new token', async () => {
      const users = fx.users();
      let tokens = await fx.signIn();
      let renewals = 0;
      const devices = fx.devices({
        accessToken: async () => tokens.accessToken,
        onUnauthorized: async () => {
          renewals++;
          tokens = fx.watch.tokens(await users.refresh(tokens.refreshToken));
        },
      });
      const led = await property('Blue_LED');
      fx.sim.faults.expireAccessTokens();
      const mark = fx.proxy.requests.length;
      assert.equal((await devices.listDevices()).length, 3);
      assert.equal(renewals, 1);
      assert.deepEqual(fx.since(mark).map((r) => `${r.method} ${r.url.split('?')[0]} ${r.status}`), [
        'GET /apiv1/devices.json 401',
        'POST /users/refresh_token.json 200',
        'GET /apiv1/devices.json 200',
      ]);
      // A POST is repeated too: the 401 means the service did not act.
      fx.sim.faults.expireAccessTokens();
      const before = fx.proxy.requests.length;
      assert.equal((await devices.setValue(dsn, led, 1)).value, 1);
      assert.equal(renewals, 2);
      assert.deepEqual(fx.since(before).filter((r) => r.method === 'POST' && r.url.includes('datapoints')).map((r) => r.status), [401, 201]);
    });

    it('does not loop when the renewed token is refused too', async () => {
      let renewals = 0;
      const devices = fx.devices({ accessToken: () => 'ffffffffffffffffffffffffffffffff', onUnauthorized: () => void renewals++ });
      const mark = fx.proxy.requests.length;
      await expectAylaError(devices.listDevices(), { kind: 'http', status: 401 }, fx.watch);
      assert.equal(renewals, 1);
      assert.equal(fx.since(mark).length, 2);
    });

    it("fails with onUnauthorized's own error when renewing fails", async () => {
      const devices = fx.devices({
        accessToken: () => 'ffffffffffffffffffffffffffffffff',
        onUnauthorized: () => {
          throw new AylaApiError('user', 'http', 401, 'The user service refused to renew the session (401): it has ended or been signed out; sign in again.');
        },
      });
      await expectAylaError(devices.getDevice(dsn), { kind: 'http', service: 'user', status: 401, message: /renew the session/ }, fx.watch);
    });
  });

  it('never said a token, password, app secret or stream key', () => {
    fx.watch.assertClean();
  });
});
