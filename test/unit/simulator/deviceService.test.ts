// The device service (ADS): devices, properties, datapoints (POST with every documented error, history),
// and the datapoint / datapointack events a to-device write raises.
import { strict as assert } from 'node:assert';
import type { DatapointAckEvent, DatapointEvent, DatapointWrapper, DeviceWrapper, PropertyWrapper } from '../../../src/ayla/wireTypes';
import { startSimulator, type Simulator } from '../../../src/simulator';
import { apiErrorMessage, call, createSubscription, signIn } from '../support/aylaHttp';
import { openStream, type StreamClient } from '../support/streamClient';
import { waitFor } from '../support/waitFor';

const DEVICE_KEYS = ['product_name', 'model', 'dsn', 'oem_model', 'sw_version', 'template_id', 'mac', 'lan_ip', 'connected_at', 'key', 'lan_enabled', 'has_properties', 'product_class', 'connection_status', 'lat', 'lng', 'locality', 'device_type', 'oem'];
const PROPERTY_KEYS = ['type', 'name', 'base_type', 'read_only', 'direction', 'scope', 'data_updated_at', 'key', 'device_key', 'product_name', 'track_only_changes', 'display_name', 'host_sw_version', 'time_series', 'derived', 'app_type', 'recipe', 'value', 'denied_roles', 'ack_enabled', 'retention_days'];

describe('simulator: device service (ADS)', function () {
  this.timeout(15000);
  let sim: Simulator;
  let token: string;
  let adminToken: string;
  let dsn: string;
  let otherDsn: string;
  const datapointsPath = (d: string, property: string): string => `/apiv1/dsns/${d}/properties/${property}/datapoints.json`;

  before(async () => {
    sim = await startSimulator({ eventsPerSecond: 0, ackDelayMs: 20 });
    token = (await signIn(sim.url, sim.demo)).access_token;
    adminToken = (await signIn(sim.url, sim.oemAdmin)).access_token;
    const devices = sim.devices.list();
    dsn = devices[0]!.dsn;
    otherDsn = devices[devices.length - 1]!.dsn;
  });
  after(() => sim.stop());

  for (const path of ['/apiv1/devices.json', '/apiv1/devices']) {
    it(`lists the user's devices at ${path}, each wrapped in {"device":…}`, async () => {
      const reply = await call<DeviceWrapper[]>(sim.url, 'GET', path, { token });
      assert.equal(reply.status, 200);
      assert.equal(reply.body.length, 3);
      for (const wrapper of reply.body) {
        assert.deepEqual(Object.keys(wrapper), ['device']);
        assert.deepEqual(Object.keys(wrapper.device), DEVICE_KEYS);
        assert.ok(['Online', 'Offline'].includes(wrapper.device.connection_status));
        assert.equal(typeof wrapper.device.lat, 'string');
        assert.equal(typeof wrapper.device.key, 'number');
      }
      assert.ok(!reply.body.some((w) => w.device.dsn === otherDsn), "the other user's device is not listed");
    });
  }

  it('lists every device of the OEM for the OEM admin', async () => {
    const reply = await call<DeviceWrapper[]>(sim.url, 'GET', '/apiv1/devices.json', { token: adminToken });
    assert.equal(reply.body.length, 4);
  });

  it('answers 401 without or with a bad token on every ADS route', async () => {
    for (const path of ['/apiv1/devices.json', `/apiv1/dsns/${dsn}.json`, `/apiv1/dsns/${dsn}/properties.json`, datapointsPath(dsn, 'Blue_LED')]) {
      for (const t of [undefined, 'ffffffffffffffffffffffffffffffff']) {
        const reply = await call(sim.url, 'GET', path, t === undefined ? {} : { token: t });
        assert.equal(reply.status, 401, path);
        apiErrorMessage(reply.body);
      }
    }
    const post = await call(sim.url, 'POST', datapointsPath(dsn, 'Blue_LED'), { json: { datapoint: { value: 1 } } });
    assert.equal(post.status, 401);
  });

  it('gives one device (with and without .json), 404 for an unknown DSN, 403 for a foreign one', async () => {
    for (const path of [`/apiv1/dsns/${dsn}.json`, `/apiv1/dsns/${dsn}`]) {
      const reply = await call<DeviceWrapper>(sim.url, 'GET', path, { token });
      assert.equal(reply.status, 200);
      assert.equal(reply.body.device.dsn, dsn);
      assert.deepEqual(Object.keys(reply.body.device), DEVICE_KEYS);
    }
    const unknown = await call(sim.url, 'GET', '/apiv1/dsns/AC000W999999999.json', { token });
    assert.equal(unknown.status, 404);
    apiErrorMessage(unknown.body);
    const foreign = await call(sim.url, 'GET', `/apiv1/dsns/${otherDsn}.json`, { token });
    assert.equal(foreign.status, 403);
    apiErrorMessage(foreign.body);
  });

  it('lists properties of every base type in both directions, with an ack-enabled to-device one', async () => {
    const reply = await call<PropertyWrapper[]>(sim.url, 'GET', `/apiv1/dsns/${dsn}/properties.json`, { token });
    assert.equal(reply.status, 200);
    const properties = reply.body.map((w) => w.property);
    for (const type of ['boolean', 'integer', 'decimal', 'string', 'file', 'message']) {
      assert.ok(properties.some((p) => p.base_type === type), `a ${type} property`);
    }
    for (const type of ['boolean', 'integer', 'decimal', 'string', 'message']) {
      assert.ok(properties.some((p) => p.base_type === type && p.direction === 'input' && !p.read_only), `a to-device ${type}`);
      assert.ok(properties.some((p) => p.base_type === type && p.direction === 'output' && p.read_only), `a from-device ${type}`);
    }
    const plain = properties.find((p) => p.name === 'Blue_LED')!;
    assert.deepEqual(Object.keys(plain), PROPERTY_KEYS);
    const acked = properties.find((p) => p.ack_enabled)!;
    assert.equal(acked.direction, 'input');
    assert.equal(acked.base_type, 'integer');
    for (const key of ['ack_status', 'ack_message', 'acked_at']) assert.ok(key in acked, `ack-enabled property has ${key}`);
    assert.ok(!('ack_status' in plain));
    const device = await call<DeviceWrapper>(sim.url, 'GET', `/apiv1/dsns/${dsn}.json`, { token });
    for (const p of properties) assert.equal(p.device_key, device.body.device.key);
  });

  it('filters properties with names[]', async () => {
    const reply = await call<PropertyWrapper[]>(sim.url, 'GET', `/apiv1/dsns/${dsn}/properties.json?names[]=Blue_LED&names%5B%5D=temperature`, { token });
    assert.deepEqual(reply.body.map((w) => w.property.name).sort(), ['Blue_LED', 'temperature']);
    const none = await call<PropertyWrapper[]>(sim.url, 'GET', `/apiv1/dsns/${dsn}/properties?names[]=nope`, { token });
    assert.deepEqual(none.body, []);
  });

  it('gives one property, 404 for an unknown one, 403/404 on the device', async () => {
    const reply = await call<PropertyWrapper>(sim.url, 'GET', `/apiv1/dsns/${dsn}/properties/temperature.json`, { token });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.property.name, 'temperature');
    assert.equal((await call(sim.url, 'GET', `/apiv1/dsns/${dsn}/properties/nope.json`, { token })).status, 404);
    assert.equal((await call(sim.url, 'GET', `/apiv1/dsns/${otherDsn}/properties.json`, { token })).status, 403);
    assert.equal((await call(sim.url, 'GET', '/apiv1/dsns/AC000W999999999/properties.json', { token })).status, 404);
  });

  it('sets a to-device value: 201 {"datapoint":…} and the property follows', async () => {
    for (const path of [datapointsPath(dsn, 'Blue_LED'), `/apiv1/dsns/${dsn}/properties/Blue_LED/datapoints`]) {
      const reply = await call<DatapointWrapper>(sim.url, 'POST', path, { token, json: { datapoint: { value: 1, metadata: { source: 'test' } } } });
      assert.equal(reply.status, 201);
      assert.deepEqual(Object.keys(reply.body.datapoint), ['updated_at', 'created_at', 'echo', 'metadata', 'value']);
      assert.equal(reply.body.datapoint.value, 1);
      assert.equal(reply.body.datapoint.echo, false);
      assert.deepEqual(reply.body.datapoint.metadata, { source: 'test' });
      assert.match(reply.body.datapoint.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    const property = await call<PropertyWrapper>(sim.url, 'GET', `/apiv1/dsns/${dsn}/properties/Blue_LED.json`, { token });
    assert.equal(property.body.property.value, 1);
    // true/false are accepted for booleans and stored as 0/1.
    const off = await call<DatapointWrapper>(sim.url, 'POST', datapointsPath(dsn, 'Blue_LED'), { token, json: { datapoint: { value: false } } });
    assert.equal(off.body.datapoint.value, 0);
    // Every settable base type.
    for (const [name, value] of [['decimal_in', 2.5], ['setpoint', 23], ['cmd', 'reboot | now'], ['config', '{"mode":"eco"}']] as const) {
      const r = await call<DatapointWrapper>(sim.url, 'POST', datapointsPath(dsn, name), { token, json: { datapoint: { value } } });
      assert.equal(r.status, 201, name);
      assert.equal(r.body.datapoint.value, value);
    }
  });

  it('refuses datapoints with the documented errors', async () => {
    const post = (path: string, json: unknown, t: string | null = token) => call(sim.url, 'POST', path, t === null ? { json } : { token: t, json });
    const cases: [string, number, Awaited<ReturnType<typeof post>>][] = [
      ['no token', 401, await post(datapointsPath(dsn, 'Blue_LED'), { datapoint: { value: 1 } }, null)],
      ['foreign device', 403, await post(datapointsPath(otherDsn, 'Blue_LED'), { datapoint: { value: 1 } })],
      ['unknown DSN', 404, await post(datapointsPath('AC000W999999999', 'Blue_LED'), { datapoint: { value: 1 } })],
      ['unknown property', 404, await post(datapointsPath(dsn, 'nope'), { datapoint: { value: 1 } })],
      ['from-device property', 422, await post(datapointsPath(dsn, 'temperature'), { datapoint: { value: 20 } })],
      ['read-only button', 422, await post(datapointsPath(dsn, 'Blue_button'), { datapoint: { value: 1 } })],
      ['boolean 2', 422, await post(datapointsPath(dsn, 'Blue_LED'), { datapoint: { value: 2 } })],
      ['boolean "1"', 422, await post(datapointsPath(dsn, 'Blue_LED'), { datapoint: { value: '1' } })],
      ['integer 1.5', 422, await post(datapointsPath(dsn, 'setpoint'), { datapoint: { value: 1.5 } })],
      ['integer string', 422, await post(datapointsPath(dsn, 'setpoint'), { datapoint: { value: '20' } })],
      ['decimal string', 422, await post(datapointsPath(dsn, 'decimal_in'), { datapoint: { value: 'x' } })],
      ['string number', 422, await post(datapointsPath(dsn, 'cmd'), { datapoint: { value: 5 } })],
      ['string > 1024 bytes', 422, await post(datapointsPath(dsn, 'cmd'), { datapoint: { value: 'é'.repeat(513) } })],
      ['metadata > 10 keys', 422, await post(datapointsPath(dsn, 'cmd'), { datapoint: { value: 'a', metadata: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])) } })],
      ['metadata not an object', 422, await post(datapointsPath(dsn, 'cmd'), { datapoint: { value: 'a', metadata: 'x' } })],
      ['no datapoint', 422, await post(datapointsPath(dsn, 'cmd'), { value: 'a' })],
      ['no value', 422, await post(datapointsPath(dsn, 'cmd'), { datapoint: {} })],
    ];
    for (const [what, status, reply] of cases) {
      assert.equal(reply.status, status, what);
      assert.ok(apiErrorMessage(reply.body).length > 0, what);
    }
    // The limits themselves are fine: 1024 bytes, 10 metadata keys.
    const atLimit = await post(datapointsPath(dsn, 'cmd'), { datapoint: { value: 'é'.repeat(512), metadata: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i])) } });
    assert.equal(atLimit.status, 201);
    const malformed = await call(sim.url, 'POST', datapointsPath(dsn, 'cmd'), { token, raw: '{"datapoint":{"value":' });
    assert.equal(malformed.status, 400);
    apiErrorMessage(malformed.body);
  });

  it('gives datapoint history, newest last, limited by limit', async () => {
    for (const value of [17, 18, 19]) await call(sim.url, 'POST', datapointsPath(dsn, 'setpoint'), { token, json: { datapoint: { value } } });
    const reply = await call<DatapointWrapper[]>(sim.url, 'GET', `${datapointsPath(dsn, 'setpoint')}?limit=2`, { token });
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body.map((w) => w.datapoint.value), [18, 19]);
    assert.deepEqual(Object.keys(reply.body[0]!), ['datapoint']);
    const all = await call<DatapointWrapper[]>(sim.url, 'GET', `/apiv1/dsns/${dsn}/properties/setpoint/datapoints`, { token });
    assert.ok(all.body.length >= 3);
    assert.equal((await call(sim.url, 'GET', `${datapointsPath(dsn, 'setpoint')}?limit=abc`, { token })).status, 422);
    assert.equal((await call(sim.url, 'GET', `${datapointsPath(dsn, 'setpoint')}?limit=0`, { token })).status, 422);
    assert.equal((await call(sim.url, 'GET', datapointsPath(otherDsn, 'setpoint'), { token })).status, 403);
  });

  describe('events raised by a to-device write', () => {
    let datapoints: StreamClient;
    let acks: StreamClient;
    before(async () => {
      const dp = await createSubscription(sim.url, token, { subscription_type: 'datapoint', property_name: 'setpoint,Blue_LED' });
      const ack = await createSubscription(sim.url, token, { subscription_type: 'datapointack' });
      datapoints = await openStream(sim.url, dp.stream_key);
      acks = await openStream(sim.url, ack.stream_key);
    });
    after(async () => {
      await datapoints.close();
      await acks.close();
    });

    it('a plain to-device property raises one datapoint event and no ack', async () => {
      await call(sim.url, 'POST', datapointsPath(dsn, 'Blue_LED'), { token, json: { datapoint: { value: 1, metadata: { why: 'test' } } } });
      const [event] = (await datapoints.waitForEvents(1)) as DatapointEvent[];
      assert.equal(event!.metadata.event_type, 'datapoint');
      assert.equal(event!.metadata.property_name, 'Blue_LED');
      assert.equal(event!.metadata.dsn, dsn);
      assert.equal(event!.datapoint.value, 1);
      assert.deepEqual(event!.datapoint.metadata, { why: 'test' });
      const profile = await call<{ uuid: string }>(sim.url, 'GET', '/users/get_user_profile.json', { token });
      assert.equal(event!.datapoint.user_uuid, profile.body.uuid);
    });

    it('an ack-enabled property raises a datapoint, then a datapointack under the body key "datapoint"', async () => {
      const before = datapoints.events.length;
      await call(sim.url, 'POST', datapointsPath(dsn, 'setpoint'), { token, json: { datapoint: { value: 24 } } });
      const events = (await datapoints.waitForEvents(before + 1)) as DatapointEvent[];
      const written = events[before]!;
      assert.equal(written.metadata.property_name, 'setpoint');
      assert.equal(written.datapoint.value, 24);
      // Acks of earlier tests' writes may still arrive: pick the one for this write.
      const ack = await waitFor('the ack of this write', () => (acks.events as DatapointAckEvent[]).find((e) => e.datapoint.id === written.datapoint.id));
      assert.equal(ack!.metadata.event_type, 'datapointack');
      assert.equal(ack!.metadata.property_name, 'setpoint');
      assert.ok(acks.events.every((e) => e.metadata.property_name === 'setpoint'), 'Blue_LED (not ack-enabled) raised no ack');
      assert.deepEqual(Object.keys(ack!), ['seq', 'metadata', 'datapoint']);
      assert.equal(ack!.datapoint.value, 24);
      assert.equal(ack!.datapoint.ack_status, 200);
      assert.equal(ack!.datapoint.ack_message, 0);
      assert.match(ack!.datapoint.ack_id, /^[0-9a-f-]{36}$/);
      assert.match(ack!.datapoint.acked_at, /Z$/);
      const property = await call<PropertyWrapper>(sim.url, 'GET', `/apiv1/dsns/${dsn}/properties/setpoint.json`, { token });
      assert.equal(property.body.property.ack_status, 200);
      assert.equal(property.body.property.acked_at, ack!.datapoint.acked_at);
    });

    it('holds a write\'s events while asked (control plane), then lets them out one at a time: datapoint, then ack', async () => {
      const control = (path: string, json: unknown) => call<{ held?: number; released?: number }>(sim.url, 'POST', `/_simulator/${path}`, { json });
      const dpBefore = datapoints.events.length;
      const ackBefore = acks.events.length;
      assert.equal((await control('writes/hold', { on: true })).body.held, 0);
      assert.equal((await call(sim.url, 'POST', datapointsPath(dsn, 'setpoint'), { token, json: { datapoint: { value: 19 } } })).status, 201);
      const probe = await call(sim.url, 'POST', datapointsPath(dsn, 'Blue_LED'), { token, json: { datapoint: { value: 0 } } });
      assert.equal(probe.status, 201);
      // Blue_LED was written after setpoint; its datapoint is held behind setpoint's.
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(datapoints.events.length, dpBefore, 'no datapoint while held');
      assert.equal((await control('writes/release', { count: 1 })).body.released, 1);
      const [setpoint] = ((await datapoints.waitForEvents(dpBefore + 1)) as DatapointEvent[]).slice(dpBefore);
      assert.equal(setpoint!.metadata.property_name, 'setpoint');
      assert.equal(setpoint!.datapoint.value, 19);
      // Next in line: Blue_LED's datapoint, then setpoint's ack (queued when its datapoint went out).
      assert.equal((await control('writes/release', { count: 1 })).body.released, 1);
      const [led] = ((await datapoints.waitForEvents(dpBefore + 2)) as DatapointEvent[]).slice(dpBefore + 1);
      assert.equal(led!.metadata.property_name, 'Blue_LED');
      assert.equal(acks.events.length, ackBefore, 'no ack while held');
      assert.equal((await control('writes/hold', { on: false })).body.held, 0, 'ending the hold lets out the rest');
      const ack = ((await acks.waitForEvents(ackBefore + 1)) as DatapointAckEvent[])[ackBefore]!;
      assert.equal(ack.datapoint.id, setpoint!.datapoint.id);
      assert.equal((await control('writes/release', { count: 1 })).body.released, 0, 'nothing left');
      assert.equal((await control('writes/release', { count: 0 })).status, 422);
    });
  });
});
