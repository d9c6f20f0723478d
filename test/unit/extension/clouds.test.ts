// The clouds "Sign In" offers, the client types, and how a choice and the aylaDss.hosts setting become hosts.
import { strict as assert } from 'node:assert';
import { HOST_TABLE, resolveHosts } from '../../../src/ayla/hosts';
import { CLIENT_TYPES, CLOUDS, cloudDescription, cloudHosts, findCloud, hostOverrides, SIMULATOR_CLOUD } from '../../../src/extension/clouds';

describe('extension: clouds', () => {
  it('offers the six Ayla clouds, production first, and the local simulator last', () => {
    assert.deepEqual(
      CLOUDS.map((c) => c.label),
      ['US field', 'US dev', 'US staging', 'EU field', 'CN field', 'CN dev', 'Local simulator'],
    );
    assert.equal(new Set(CLOUDS.map((c) => c.id)).size, CLOUDS.length, 'ids are unique');
    assert.equal(CLOUDS.at(-1), SIMULATOR_CLOUD);
  });

  it('maps every row of the host table to exactly one cloud, and no cloud to a missing row', () => {
    const offered = CLOUDS.flatMap((c) => (c.kind === 'ayla' ? [`${c.region}/${c.deployment}`] : []));
    assert.deepEqual([...offered].sort(), HOST_TABLE.map((r) => `${r.region}/${r.deployment}`).sort());
    for (const cloud of CLOUDS) {
      if (cloud.kind !== 'ayla') continue;
      assert.equal(cloud.label, `${cloud.region.toUpperCase()} ${cloud.deployment}`, `${cloud.id} label says its region and deployment`);
    }
  });

  for (const cloud of CLOUDS) {
    if (cloud.kind !== 'ayla') continue;
    for (const { clientType } of CLIENT_TYPES) {
      it(`resolves ${cloud.label} for the ${clientType} client type to the host table's hosts`, () => {
        assert.deepEqual(cloudHosts(cloud, clientType, {}), resolveHosts({ region: cloud.region, deployment: cloud.deployment, clientType }));
      });
    }
  }

  it('describes a cloud by its user service host, the simulator by what it is', () => {
    assert.equal(cloudDescription(findCloud('eu-field')!), 'user-field-eu.aylanetworks.com');
    assert.match(cloudDescription(SIMULATOR_CLOUD), /127\.0\.0\.1/);
  });

  it('has the two client types, mobile first, each saying what it sees', () => {
    assert.deepEqual(CLIENT_TYPES.map((c) => [c.clientType, c.label]), [['mobile', 'Mobile'], ['cloud', 'Cloud']]);
    assert.match(CLIENT_TYPES[0]!.detail, /your own devices/i);
    assert.match(CLIENT_TYPES[1]!.detail, /OEM-wide.*OEM role.*access rule/);
  });

  it('finds clouds by id and nothing for an unknown one', () => {
    assert.equal(findCloud('cn-dev')?.label, 'CN dev');
    assert.equal(findCloud('mars-field'), undefined);
    assert.equal(findCloud(undefined), undefined);
  });

  it('reads the aylaDss.hosts setting into overrides ({dss} is the DSS REST host) and ignores what is not a host', () => {
    assert.deepEqual(hostOverrides({ user: ' u.example.com ', device: 'd.example.com', dss: 'https://dss.example.com', stream: 'wss://s.example.com/stream' }), {
      user: 'u.example.com',
      device: 'd.example.com',
      dssRest: 'https://dss.example.com',
      stream: 'wss://s.example.com/stream',
    });
    assert.deepEqual(hostOverrides({ user: '', device: 7, dssRest: 'x.example.com', other: 'y' }), {});
    for (const junk of [undefined, null, 'user.example.com', ['a'], 3]) assert.deepEqual(hostOverrides(junk), {});
  });

  it('applies the overrides to a real cloud, service by service', () => {
    const hosts = cloudHosts(findCloud('us-field')!, 'mobile', { overrides: hostOverrides({ user: 'http://127.0.0.1:9000', stream: 'http://127.0.0.1:9000' }) });
    assert.deepEqual(hosts, {
      user: 'http://127.0.0.1:9000',
      device: 'https://ads-field.aylanetworks.com',
      dssRest: 'https://mdss-field.aylanetworks.com',
      stream: 'ws://127.0.0.1:9000/stream',
    });
  });

  it('refuses an unencrypted override to a non-loopback host with resolveHosts\' sentence', () => {
    assert.throws(() => cloudHosts(findCloud('us-field')!, 'mobile', { overrides: { user: 'http://user.example.com' } }), /only loopback hosts/);
  });

  it('points every service of the simulator at its URL and ignores the overrides there', () => {
    assert.deepEqual(cloudHosts(SIMULATOR_CLOUD, 'mobile', { simulatorUrl: 'http://127.0.0.1:4567', overrides: { user: 'user.example.com' } }), {
      user: 'http://127.0.0.1:4567',
      device: 'http://127.0.0.1:4567',
      dssRest: 'http://127.0.0.1:4567',
      stream: 'ws://127.0.0.1:4567/stream',
    });
    assert.throws(() => cloudHosts(SIMULATOR_CLOUD, 'mobile', {}), /not running/);
  });
});
