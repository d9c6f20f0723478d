// The host table (ayla-protocol.md §1), baseUrl, overrides, and the https-except-loopback rule.
import { strict as assert } from 'node:assert';
import { HOST_TABLE, isLoopbackHost, knownRegionDeployments, resolveHosts } from '../../../src/ayla/hosts';

describe('ayla: hosts', () => {
  it('has exactly the six region/deployment rows of the protocol table', () => {
    assert.deepEqual(knownRegionDeployments(), ['us/dev', 'us/field', 'us/staging', 'eu/field', 'cn/dev', 'cn/field']);
  });

  // Every cell of the table, spelled out once more so a typo in either copy fails.
  const expected: Record<string, { user: string; device: string; cloud: [string, string]; mobile: [string, string] }> = {
    'us/dev': { user: 'user-dev.aylanetworks.com', device: 'ads-dev.aylanetworks.com', cloud: ['stream.aylanetworks.com', 'wss://stream.aylanetworks.com/stream'], mobile: ['mdss-dev.aylanetworks.com', 'wss://mstream-dev.aylanetworks.com/stream'] },
    'us/field': { user: 'user-field.aylanetworks.com', device: 'ads-field.aylanetworks.com', cloud: ['stream-field.aylanetworks.com', 'wss://stream-field.aylanetworks.com/stream'], mobile: ['mdss-field.aylanetworks.com', 'wss://mstream-field.aylanetworks.com/stream'] },
    'us/staging': { user: 'staging-user.ayladev.com', device: 'staging-ads.ayladev.com', cloud: ['staging-dss.ayladev.com', 'wss://staging-dss.ayladev.com/stream'], mobile: ['staging-mdss.ayladev.com', 'wss://staging-mstream.ayladev.com/stream'] },
    'eu/field': { user: 'user-field-eu.aylanetworks.com', device: 'ads-eu.aylanetworks.com', cloud: ['stream-field-eu.aylanetworks.com', 'wss://stream-field-eu.aylanetworks.com/stream'], mobile: ['mdss-field-eu.aylanetworks.com', 'wss://mstream-field-eu.aylanetworks.com/stream'] },
    'cn/dev': { user: 'user-dev.ayla.com.cn', device: 'ads-dev.ayla.com.cn', cloud: ['stream.ayla.com.cn', 'wss://stream.ayla.com.cn/stream/stream'], mobile: ['mdss-dev.ayla.com.cn', 'wss://mstream.ayla.com.cn/stream'] },
    'cn/field': { user: 'user-field.ayla.com.cn', device: 'ads-field.ayla.com.cn', cloud: ['stream-field.ayla.com.cn', 'wss://stream-field.ayla.com.cn/stream'], mobile: ['mdss-field.ayla.com.cn', 'wss://mstream-field.ayla.com.cn/stream'] },
  };

  for (const [combo, want] of Object.entries(expected)) {
    for (const clientType of ['cloud', 'mobile'] as const) {
      it(`resolves ${combo} for the ${clientType} client type`, () => {
        const [region, deployment] = combo.split('/') as [string, string];
        const hosts = resolveHosts({ region, deployment, clientType });
        assert.deepEqual(hosts, {
          user: `https://${want.user}`,
          device: `https://${want.device}`,
          dssRest: `https://${want[clientType][0]}`,
          stream: want[clientType][1],
        });
      });
    }
  }

  it('every stream URL in the table is wss and ends in /stream', () => {
    for (const row of HOST_TABLE) {
      for (const url of [row.cloud.stream, row.mobile.stream]) assert.match(url, /^wss:\/\/[^/]+(\/stream)+$/);
    }
  });

  it('accepts region and deployment in any case and with spaces (settings are free text)', () => {
    assert.equal(resolveHosts({ region: ' EU ', deployment: 'Field', clientType: 'mobile' }).user, 'https://user-field-eu.aylanetworks.com');
  });

  it('refuses EU dev (and other unknown combinations) naming the valid ones', () => {
    for (const [region, deployment] of [['eu', 'dev'], ['eu', 'staging'], ['cn', 'staging'], ['jp', 'field']] as const) {
      assert.throws(
        () => resolveHosts({ region, deployment, clientType: 'cloud' }),
        (error: Error) => {
          assert.ok(error instanceof RangeError);
          assert.match(error.message, new RegExp(`region "${region}" and deployment "${deployment}"`));
          assert.match(error.message, /us\/dev, us\/field, us\/staging, eu\/field, cn\/dev, cn\/field/);
          return true;
        },
      );
    }
  });

  it('points every service at baseUrl, with the stream at ws://…/stream', () => {
    assert.deepEqual(resolveHosts({ region: 'us', deployment: 'dev', clientType: 'mobile', baseUrl: 'http://127.0.0.1:8080/' }), {
      user: 'http://127.0.0.1:8080',
      device: 'http://127.0.0.1:8080',
      dssRest: 'http://127.0.0.1:8080',
      stream: 'ws://127.0.0.1:8080/stream',
    });
    assert.equal(resolveHosts({ region: 'us', deployment: 'dev', clientType: 'cloud', baseUrl: 'https://proxy.example.com/ayla' }).stream, 'wss://proxy.example.com/ayla/stream');
  });

  it('uses baseUrl even for a region/deployment the table lacks (the simulator has every combination)', () => {
    assert.equal(resolveHosts({ region: 'eu', deployment: 'dev', clientType: 'cloud', baseUrl: 'http://localhost:9' }).device, 'http://localhost:9');
  });

  it('applies per-service overrides over the table and over baseUrl', () => {
    const hosts = resolveHosts({
      region: 'us',
      deployment: 'field',
      clientType: 'mobile',
      overrides: { user: 'user-field-0dfc7900.aylanetworks.com', device: 'https://ads-field-eu.aylanetworks.com', stream: 'mstream.example.com' },
    });
    assert.equal(hosts.user, 'https://user-field-0dfc7900.aylanetworks.com');
    assert.equal(hosts.device, 'https://ads-field-eu.aylanetworks.com');
    assert.equal(hosts.dssRest, 'https://mdss-field.aylanetworks.com');
    assert.equal(hosts.stream, 'wss://mstream.example.com/stream');

    const local = resolveHosts({ region: 'us', deployment: 'dev', clientType: 'cloud', baseUrl: 'http://127.0.0.1:1', overrides: { dssRest: 'http://127.0.0.1:2', stream: 'http://127.0.0.1:3/stream/stream' } });
    assert.equal(local.user, 'http://127.0.0.1:1');
    assert.equal(local.dssRest, 'http://127.0.0.1:2');
    assert.equal(local.stream, 'ws://127.0.0.1:3/stream/stream');
  });

  it('ignores empty overrides (an empty setting means "use the table")', () => {
    assert.equal(resolveHosts({ region: 'us', deployment: 'dev', clientType: 'cloud', baseUrl: '  ', overrides: { user: '' } }).user, 'https://user-dev.aylanetworks.com');
  });

  it('allows http and ws only to loopback hosts', () => {
    for (const baseUrl of ['http://127.0.0.1:8080', 'http://127.1.2.3', 'http://localhost:3000', 'http://[::1]:8080']) {
      assert.doesNotThrow(() => resolveHosts({ region: 'us', deployment: 'dev', clientType: 'cloud', baseUrl }), baseUrl);
    }
    for (const [what, options] of [
      ['baseUrl', { baseUrl: 'http://192.168.1.10:8080' }],
      ['baseUrl', { baseUrl: 'http://localhost.example.com' }],
      ['user override', { overrides: { user: 'http://user.example.com' } }],
      ['stream override', { overrides: { stream: 'ws://stream.example.com/stream' } }],
    ] as const) {
      assert.throws(() => resolveHosts({ region: 'us', deployment: 'dev', clientType: 'cloud', ...options }), (error: Error) => {
        assert.match(error.message, new RegExp(`The ${what} .* unencrypted .*only loopback hosts`));
        return true;
      });
    }
  });

  it('lets http and ws reach other hosts only when the user allowed it explicitly', () => {
    const options = { region: 'us', deployment: 'dev', clientType: 'cloud', overrides: { user: 'http://proxy.lan:8080', stream: 'ws://proxy.lan:8080' } } as const;
    assert.throws(() => resolveHosts(options), /clear text.*setting aylaDss\.allowInsecureHosts/);
    assert.throws(() => resolveHosts({ ...options, allowInsecure: false }), /clear text/);
    const hosts = resolveHosts({ ...options, allowInsecure: true });
    assert.equal(hosts.user, 'http://proxy.lan:8080');
    assert.equal(hosts.stream, 'ws://proxy.lan:8080/stream');
    // Allowing clear text does not allow anything else.
    assert.throws(() => resolveHosts({ ...options, overrides: { user: 'http://u:p@proxy.lan' }, allowInsecure: true }), /user name or password/);
  });

  it('refuses other schemes, credentials, queries and unparseable URLs with a clear message', () => {
    const bad: [string, RegExp][] = [
      ['ftp://127.0.0.1', /must start with https:\/\//],
      ['https://user:hunter22@proxy.example.com', /must not contain a user name or password/],
      ['https://proxy.example.com/?token=x', /must not have a query/],
      ['https://exa mple.com', /not a valid URL/],
    ];
    for (const [baseUrl, message] of bad) {
      assert.throws(() => resolveHosts({ region: 'us', deployment: 'dev', clientType: 'cloud', baseUrl }), (error: Error) => {
        assert.match(error.message, message);
        assert.ok(!error.message.includes('hunter22'), 'never echoes a password');
        return true;
      });
    }
  });

  it('refuses an unknown client type', () => {
    assert.throws(() => resolveHosts({ region: 'us', deployment: 'dev', clientType: 'user_opt_in' as 'cloud' }), /Unknown client type "user_opt_in"/);
  });

  it('knows what a loopback host is', () => {
    assert.ok(isLoopbackHost('127.0.0.1'));
    assert.ok(isLoopbackHost('127.255.255.255'));
    assert.ok(isLoopbackHost('LOCALHOST'));
    assert.ok(isLoopbackHost('[::1]'));
    assert.ok(!isLoopbackHost('127.0.0.256'));
    assert.ok(!isLoopbackHost('128.0.0.1'));
    assert.ok(!isLoopbackHost('localhost.evil.com'));
    assert.ok(!isLoopbackHost('0.0.0.0'));
  });
});
