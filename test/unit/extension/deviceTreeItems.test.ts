// What the Devices tree shows for devices and properties, in every state the model can be in.
import { strict as assert } from 'node:assert';
import { DeviceStore } from '../../../src/model/deviceStore';
import {
  deviceItem,
  escapeMarkdown,
  formatAge,
  formatValue,
  propertyDescription,
  propertyItem,
  shorten,
} from '../../../src/extension/deviceTreeItems';
import { ackEvent, connectivityEvent, datapointEvent, listedDevice, listedProperty, locationEvent, registrationEvent, resetEventFactory } from '../support/eventFactory';

const A = 'AC000W000000001';
const T0 = Date.UTC(2024, 0, 1, 12);

/** A store on a movable clock with device A listed and a few properties. */
function setup(): { store: DeviceStore; clock: { now: number } } {
  const clock = { now: T0 };
  const store = new DeviceStore({ now: () => clock.now });
  store.loadDevices([listedDevice(A, { product_name: 'Kitchen Freezer', lan_ip: '192.168.0.7', locality: '94043' })]);
  store.loadProperties(A, [
    listedProperty('temperature', { base_type: 'decimal', direction: 'output', display_name: 'Temperature', value: 23.5, data_updated_at: new Date(T0).toISOString() }),
    listedProperty('Blue_LED', { base_type: 'boolean', direction: 'input', display_name: 'Blue LED', value: 1 }),
    listedProperty('setpoint', { base_type: 'integer', direction: 'input', display_name: 'Setpoint', value: 20, ack_enabled: true }),
    listedProperty('status', { base_type: 'string', direction: 'output', display_name: 'Status', value: 'idle' }),
  ]);
  return { store, clock };
}

function prop(store: DeviceStore, name: string) {
  const p = store.property(A, name);
  assert.ok(p, `property ${name}`);
  return p;
}

describe('extension: device tree items', () => {
  beforeEach(() => resetEventFactory());

  describe('small formatters', () => {
    it('formats ages in seconds, minutes, hours and days, and a future time as just now', () => {
      assert.equal(formatAge(0), 'just now');
      assert.equal(formatAge(-5000), 'just now');
      assert.equal(formatAge(999), 'just now');
      assert.equal(formatAge(3000), '3s ago');
      assert.equal(formatAge(59_999), '59s ago');
      assert.equal(formatAge(60_000), '1m ago');
      assert.equal(formatAge(3_599_999), '59m ago');
      assert.equal(formatAge(2 * 3_600_000), '2h ago');
      assert.equal(formatAge(3 * 86_400_000 + 5), '3d ago');
    });

    it('shows booleans as on/off, numbers as sent, empty strings as "", no value as —', () => {
      assert.equal(formatValue('boolean', 1), 'on');
      assert.equal(formatValue('boolean', 0), 'off');
      assert.equal(formatValue('boolean', 'true'), 'on');
      assert.equal(formatValue('boolean', '0'), 'off');
      assert.equal(formatValue('boolean', 7), '7', 'a boolean that is neither 0 nor 1 is shown as sent');
      assert.equal(formatValue('decimal', 23.5), '23.5');
      assert.equal(formatValue('integer', -4), '-4');
      assert.equal(formatValue('string', ''), '""');
      assert.equal(formatValue('string', null), '—');
      assert.equal(formatValue(undefined, 'x'), 'x');
      assert.equal(formatValue('message', { a: 1 }), '{"a":1}', 'an odd non-wire value is shown as JSON, never crashes');
    });

    it('shortens long strings with … and makes them one line', () => {
      const long = 'a'.repeat(100);
      const shown = formatValue('string', long);
      assert.equal([...shown].length, 40);
      assert.ok(shown.endsWith('…'));
      assert.equal(shorten('line one\nline two', 100), 'line one⏎line two');
      assert.equal(shorten('exactly', 7), 'exactly');
      assert.equal(shorten('😀😀😀😀', 3), '😀😀…', 'cut by code point, not in the middle of a surrogate pair');
    });

    it('escapes Markdown in device-provided text', () => {
      assert.equal(escapeMarkdown('[click](command:x) *b* <img> `c`'), '\\[click\\](command:x) \\*b\\* \\<img\\> \\`c\\`');
      assert.equal(escapeMarkdown('two\nlines'), 'two lines');
    });
  });

  describe('devices', () => {
    it('labels with the product name, describes model and connection status, shows online with a green icon', () => {
      const { store, clock } = setup();
      const view = deviceItem(store.device(A)!, clock.now);
      assert.equal(view.label, 'Kitchen Freezer');
      assert.equal(view.description, 'Online · AY001MRT1');
      assert.equal(view.icon, 'vm-active');
      assert.equal(view.iconColor, 'charts.green');
      assert.equal(view.collapsible, 'collapsed');
      assert.equal(view.contextValue, 'device online');
      assert.equal(view.id, `device:${A}`);
    });

    it('puts DSN, model, OEM model, IP, location, last connectivity change and registration in the tooltip', () => {
      const { store, clock } = setup();
      store.apply(connectivityEvent({ dsn: A, status: 'Offline', eventTime: '2024-01-01T11:59:00Z', receivedAt: T0 - 5000 }));
      store.apply(locationEvent({ dsn: A, lat: '44.7695', long: '-69.4283', provider: 'ip-based', receivedAt: T0 - 1000 }));
      store.apply(registrationEvent({ dsn: A, registered: true, registrationType: 'AP-Mode', receivedAt: T0 }));
      const { tooltip, description, icon, iconColor, contextValue } = deviceItem(store.device(A)!, clock.now);
      assert.match(tooltip, /^\*\*Kitchen Freezer\*\*\n\n/);
      assert.match(tooltip, new RegExp(`DSN: ${A}`));
      assert.match(tooltip, /Model: AY001MRT1/);
      assert.match(tooltip, /OEM model: ledevb/);
      assert.match(tooltip, /IP: 192\.168\.0\.7/);
      assert.match(tooltip, /Location: 44\.7695, -69\.4283 \(94043\) via ip-based · 1s ago/);
      assert.match(tooltip, /Connection: Offline since 2024-01-01T11:59:00Z \(5s ago\)/);
      assert.match(tooltip, /Registration: registered \(AP-Mode\)/);
      assert.equal(description, 'Offline · AY001MRT1');
      assert.equal(icon, 'vm-outline');
      assert.equal(iconColor, 'disabledForeground');
      assert.equal(contextValue, 'device offline');
    });

    it('labels a device without a product name by its DSN and says what it does not know', () => {
      const store = new DeviceStore();
      store.apply(datapointEvent({ dsn: 'AC000W999', property: 'x', oemModel: 'linuxevb' }));
      const view = deviceItem(store.device('AC000W999')!, Date.now());
      assert.equal(view.label, 'AC000W999');
      assert.equal(view.description, 'status unknown · linuxevb', 'the OEM model stands in for an unknown model');
      assert.equal(view.icon, 'vm');
      assert.equal(view.iconColor, undefined);
      assert.match(view.tooltip, /Connection: unknown/);
      assert.match(view.tooltip, /Registration: not reported yet/);
      assert.match(view.tooltip, /Known from events only/);
    });

    it('shows an unknown connection status as-is, with a warning colour', () => {
      const { store, clock } = setup();
      store.apply(connectivityEvent({ dsn: A, status: 'Initializing' }));
      const view = deviceItem(store.device(A)!, clock.now);
      assert.equal(view.description, 'Initializing · AY001MRT1');
      assert.equal(view.icon, 'vm');
      assert.equal(view.iconColor, 'charts.yellow');
      assert.equal(view.contextValue, 'device unknown');
    });

    it('marks an unregistered device', () => {
      const { store, clock } = setup();
      store.apply(registrationEvent({ dsn: A, registered: false }));
      const view = deviceItem(store.device(A)!, clock.now);
      assert.equal(view.description, 'Online · unregistered · AY001MRT1');
      assert.equal(view.icon, 'circle-slash');
      assert.equal(view.contextValue, 'device online unregistered');
      assert.match(view.tooltip, /Registration: unregistered/);
    });

    it('escapes a product name that looks like Markdown in the tooltip but keeps the label literal', () => {
      const store = new DeviceStore();
      store.loadDevices([listedDevice(A, { product_name: '[evil](command:x)' })]);
      const view = deviceItem(store.device(A)!, Date.now());
      assert.equal(view.label, '[evil](command:x)');
      assert.ok(view.tooltip.startsWith('**\\[evil\\](command:x)**'));
    });
  });

  describe('properties', () => {
    it('labels with the display name and describes the value with its age', () => {
      const { store, clock } = setup();
      clock.now = T0 + 3000;
      const view = propertyItem(prop(store, 'temperature'), clock.now);
      assert.equal(view.label, 'Temperature');
      assert.equal(view.description, '23.5 · 3s ago', 'a listed value is as old as its server time');
      assert.equal(view.icon, 'arrow-up');
      assert.equal(view.contextValue, 'property fromDevice numeric');
      assert.equal(view.collapsible, 'none');
      assert.equal(view.id, `property:${A}/temperature`);
    });

    it('ages an event value from when it arrived, and the age advances with the clock', () => {
      const { store } = setup();
      store.apply(datapointEvent({ dsn: A, property: 'temperature', baseType: 'decimal', value: 24.1, receivedAt: T0 + 10_000, updatedAt: '2020-01-01T00:00:00Z' }));
      const p = prop(store, 'temperature');
      assert.equal(propertyDescription(p, T0 + 10_000), '24.1 · just now');
      assert.equal(propertyDescription(p, T0 + 12_000), '24.1 · 2s ago');
      assert.equal(propertyDescription(p, T0 + 10_000 + 120_000), '24.1 · 2m ago');
    });

    it('shows booleans as on/off with the to-device icon', () => {
      const { store, clock } = setup();
      const view = propertyItem(prop(store, 'Blue_LED'), clock.now);
      assert.match(view.description, /^on · /);
      assert.equal(view.icon, 'arrow-down');
      assert.equal(view.iconColor, 'charts.blue');
      assert.equal(view.contextValue, 'property toDevice writable numeric');
      store.apply(datapointEvent({ dsn: A, property: 'Blue_LED', baseType: 'boolean', value: 0, receivedAt: clock.now }));
      assert.equal(propertyItem(prop(store, 'Blue_LED'), clock.now).description, 'off · just now');
    });

    it('shortens a long string in the description and shows more of it in the tooltip', () => {
      const { store, clock } = setup();
      const long = 'x'.repeat(300);
      store.apply(datapointEvent({ dsn: A, property: 'status', baseType: 'string', value: long, receivedAt: clock.now }));
      const view = propertyItem(prop(store, 'status'), clock.now);
      assert.equal(view.description, `${'x'.repeat(39)}… · just now`);
      assert.ok(view.tooltip.includes(`Value: ${long}`));
    });

    it('puts base type, direction, last update and last event seq in the tooltip', () => {
      const { store, clock } = setup();
      store.apply(datapointEvent({ dsn: A, property: 'temperature', baseType: 'decimal', value: 22, seq: 4711, updatedAt: '2024-01-01T12:00:05Z', receivedAt: T0 + 5000 }));
      clock.now = T0 + 8000;
      const { tooltip } = propertyItem(prop(store, 'temperature'), clock.now);
      assert.match(tooltip, /^\*\*Temperature\*\* \(temperature\)\n\n/);
      assert.match(tooltip, /Base type: decimal/);
      assert.match(tooltip, /Direction: from device \(output\)/);
      assert.match(tooltip, /Last update: 2024-01-01T12:00:05Z \(3s ago\) from an event/);
      assert.match(tooltip, /Last event: datapoint, seq 4711 \(3s ago\)/);
    });

    it('shows a property known from events only with an unknown direction', () => {
      const store = new DeviceStore();
      store.apply(datapointEvent({ dsn: A, property: 'mystery', baseType: 'weird', value: 'v', receivedAt: 1000 }));
      const view = propertyItem(store.property(A, 'mystery')!, 1000);
      assert.equal(view.icon, 'symbol-property');
      assert.equal(view.contextValue, 'property direction-unknown');
      assert.match(view.tooltip, /Direction: unknown/);
      assert.match(view.tooltip, /Base type: weird/);
    });

    it('shows no value as — without an age', () => {
      const store = new DeviceStore();
      store.loadDevices([listedDevice(A)]);
      store.loadProperties(A, [listedProperty('cmd', { base_type: 'string', value: null as unknown as string })]);
      assert.equal(propertyDescription(store.property(A, 'cmd')!, Date.now()), '—');
    });
  });

  describe('writes', () => {
    it('shows a pending write as pending until its datapoint arrives (property without acks)', () => {
      const { store, clock } = setup();
      store.beginWrite(A, 'Blue_LED', false);
      let view = propertyItem(prop(store, 'Blue_LED'), clock.now);
      assert.match(view.description, /^off \(pending\) · on · /);
      assert.equal(view.icon, 'loading~spin');
      assert.match(view.contextValue, /\bpending\b/);
      assert.match(view.tooltip, /Write: off sent just now, waiting for the device's datapoint/);
      clock.now += 1000;
      store.apply(datapointEvent({ dsn: A, property: 'Blue_LED', baseType: 'boolean', value: 0, receivedAt: clock.now }));
      view = propertyItem(prop(store, 'Blue_LED'), clock.now);
      assert.equal(view.description, 'off · just now', 'settled on the datapoint: a normal value again');
      assert.equal(view.icon, 'arrow-down');
    });

    it('shows an ack-enabled write as pending, then awaiting its ack, then with the ack status', () => {
      const { store, clock } = setup();
      store.beginWrite(A, 'setpoint', 21);
      assert.match(propertyDescription(prop(store, 'setpoint'), clock.now), /^21 \(pending\) · 20 · /);
      clock.now += 1000;
      store.apply(datapointEvent({ dsn: A, property: 'setpoint', value: 21, receivedAt: clock.now }));
      clock.now += 2000;
      assert.equal(propertyDescription(prop(store, 'setpoint'), clock.now), '21 (awaiting ack) · 2s ago');
      store.apply(ackEvent({ dsn: A, property: 'setpoint', value: 21, ackStatus: 200, receivedAt: clock.now }));
      const view = propertyItem(prop(store, 'setpoint'), clock.now);
      assert.equal(view.description, '21 · 2s ago · ack 200');
      assert.equal(view.icon, 'arrow-down');
      assert.match(view.tooltip, /Write: 21 acknowledged with status 200, message 0/);
      assert.match(view.tooltip, /Last ack: status 200/);
    });

    it('marks an ack with a failing status', () => {
      const { store, clock } = setup();
      store.beginWrite(A, 'setpoint', 30);
      store.apply(ackEvent({ dsn: A, property: 'setpoint', value: 30, ackStatus: 500, ackMessage: 3, receivedAt: clock.now }));
      const view = propertyItem(prop(store, 'setpoint'), clock.now);
      assert.match(view.description, / · ack 500 ⚠$/);
      assert.equal(view.icon, 'warning');
    });

    it('shows an ack that arrived without a write of ours (someone else set the value)', () => {
      const { store, clock } = setup();
      store.apply(datapointEvent({ dsn: A, property: 'setpoint', value: 18, receivedAt: clock.now }));
      store.apply(ackEvent({ dsn: A, property: 'setpoint', value: 18, ackStatus: 200, receivedAt: clock.now + 10 }));
      assert.equal(propertyDescription(prop(store, 'setpoint'), clock.now + 10), '18 · just now · ack 200');
      store.apply(datapointEvent({ dsn: A, property: 'setpoint', value: 19, receivedAt: clock.now + 20 }));
      assert.equal(propertyDescription(prop(store, 'setpoint'), clock.now + 20), '19 · just now', 'a newer value is not acked yet');
    });

    it('shows a failed write until a newer value arrives', () => {
      const { store, clock } = setup();
      const id = store.beginWrite(A, 'setpoint', 25);
      clock.now += 500;
      store.failWrite(id, 'HTTP 503 from the device service');
      let view = propertyItem(prop(store, 'setpoint'), clock.now);
      assert.match(view.description, /^25 \(failed\) · 20 · /);
      assert.equal(view.icon, 'error');
      assert.equal(view.iconColor, 'errorForeground');
      assert.match(view.tooltip, /Write: 25 failed: HTTP 503 from the device service/);
      clock.now += 500;
      store.apply(datapointEvent({ dsn: A, property: 'setpoint', value: 22, receivedAt: clock.now }));
      view = propertyItem(prop(store, 'setpoint'), clock.now);
      assert.equal(view.description, '22 · just now');
    });
  });
});
