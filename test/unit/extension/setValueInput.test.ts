// The decisions behind "Set Value…" (which properties, which texts, how values read, the values sent
// before) and the rows of "Pick Event…".
import { strict as assert } from 'node:assert';
import { DeviceStore } from '../../../src/model/deviceStore';
import type { PropertyState } from '../../../src/model/propertyState';
import { eventPickRow, eventSummary, localTime, shortValue } from '../../../src/extension/eventPickItems';
import {
  parseValueArgument,
  parseValueText,
  SENT_VALUE_MAX_LENGTH,
  SENT_VALUES_KEY,
  SENT_VALUES_PER_PROPERTY,
  SENT_VALUES_PROPERTIES,
  SentValues,
  sentValuesKey,
  settableProperty,
  valueForMessage,
  type ValueMemento,
} from '../../../src/extension/setValueInput';
import type { SettableProperty } from '../../../src/ayla/deviceService';
import { ackEvent, connectivityEvent, datapointEvent, listedDevice, listedProperty, locationEvent, registrationEvent, unknownEvent } from '../support/eventFactory';

const A = 'AC000W000000001';

function storeWith(...properties: Parameters<typeof listedProperty>[]): DeviceStore {
  const store = new DeviceStore();
  store.loadDevices([listedDevice(A)]);
  store.loadProperties(A, properties.map(([name, overrides]) => listedProperty(name, overrides)));
  return store;
}

function settable(property: PropertyState | undefined): SettableProperty {
  assert.ok(property);
  const result = settableProperty(property);
  assert.ok('property' in result, 'problem' in result ? result.problem : '');
  return result.property;
}

function problemOf(result: { problem: string } | { value: unknown }): string {
  assert.ok('problem' in result, `expected a problem, got the value ${JSON.stringify((result as { value: unknown }).value)}`);
  return result.problem;
}

function valueOf(result: { problem: string } | { value: unknown }): unknown {
  assert.ok('value' in result, 'problem' in result ? result.problem : '');
  return result.value;
}

class FakeMemento implements ValueMemento {
  readonly data = new Map<string, unknown>();
  updates = 0;
  get<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  update(key: string, value: unknown): PromiseLike<void> {
    this.updates++;
    this.data.set(key, JSON.parse(JSON.stringify(value)) as unknown); // as VS Code stores it: JSON
    return Promise.resolve();
  }
}

describe('extension: Set Value… decisions', () => {
  describe('which properties can be set', () => {
    it('takes to-device properties of the settable base types', () => {
      const store = storeWith(
        ['Blue_LED', { base_type: 'boolean', direction: 'input' }],
        ['setpoint', { base_type: 'integer', direction: 'input', ack_enabled: true }],
        ['decimal_in', { base_type: 'decimal', direction: 'input' }],
        ['cmd', { base_type: 'string', direction: 'input' }],
        ['config', { base_type: 'message', direction: 'input' }],
      );
      for (const name of ['Blue_LED', 'setpoint', 'decimal_in', 'cmd', 'config']) {
        const property = settable(store.property(A, name));
        assert.equal(property.name, name);
        assert.equal(property.direction, 'input');
        assert.equal(property.read_only, false);
      }
    });

    it('refuses from-device, read-only, file, unknown-type and events-only properties, each with its reason', () => {
      const store = storeWith(
        ['Blue_button', { base_type: 'boolean', direction: 'output', read_only: true, display_name: 'Blue button' }],
        ['locked', { base_type: 'integer', direction: 'input', read_only: true }],
        ['snapshot', { base_type: 'file', direction: 'input' }],
        ['odd', { base_type: 'quaternion' as never, direction: 'input' }],
      );
      store.apply(datapointEvent({ dsn: A, property: 'seen', baseType: 'integer', value: 1 }));
      const problem = (name: string): string => {
        const result = settableProperty(store.property(A, name)!);
        assert.ok('problem' in result, `${name} is refused`);
        return result.problem;
      };
      assert.equal(problem('Blue_button'), 'Blue button is a from-device property: only the device sets it, so it cannot be set from here.');
      assert.equal(problem('locked'), 'locked is read-only: it cannot be set from here.');
      assert.match(problem('snapshot'), /^snapshot is a file property: /);
      assert.match(problem('odd'), /^odd has the base type "quaternion", which this extension does not know how to set\.$/);
      assert.match(problem('seen'), /^seen is known from events only.*Refresh Devices/);
    });
  });

  describe('typed values', () => {
    const integer: SettableProperty = { name: 'setpoint', base_type: 'integer', direction: 'input', read_only: false };
    const decimal: SettableProperty = { name: 'decimal_in', base_type: 'decimal', direction: 'input', read_only: false };
    const boolean: SettableProperty = { name: 'Blue_LED', base_type: 'boolean', direction: 'input', read_only: false };
    const string: SettableProperty = { name: 'cmd', base_type: 'string', direction: 'input', read_only: false };
    const message: SettableProperty = { name: 'config', base_type: 'message', direction: 'input', read_only: false };

    it('integers: whole numbers in the 32-bit range', () => {
      assert.equal(valueOf(parseValueText(integer, '25')), 25);
      assert.equal(valueOf(parseValueText(integer, ' -7 ')), -7);
      assert.equal(valueOf(parseValueText(integer, '2147483647')), 2147483647);
      assert.match(problemOf(parseValueText(integer, '2147483648')), /whole number from -2147483648 to 2147483647/);
      assert.match(problemOf(parseValueText(integer, '2.5')), /setpoint is an integer property: set it to a whole number, not "2\.5"/);
      assert.match(problemOf(parseValueText(integer, 'abc')), /not "abc"/);
      assert.equal(problemOf(parseValueText(integer, '')), 'setpoint is an integer property: type a whole number.');
    });

    it('decimals: numbers as people type them, not hex, Infinity or nothing', () => {
      assert.equal(valueOf(parseValueText(decimal, '21.5')), 21.5);
      assert.equal(valueOf(parseValueText(decimal, '-.5')), -0.5);
      assert.equal(valueOf(parseValueText(decimal, '1e3')), 1000);
      assert.equal(valueOf(parseValueText(decimal, '7')), 7);
      for (const bad of ['0x10', 'Infinity', 'NaN', '', ' ', '1,5', '1.2.3', '--1']) {
        assert.match(problemOf(parseValueText(decimal, bad)), /^decimal_in is a decimal property: type a number such as 21\.5/, bad);
      }
    });

    it('booleans: on/off, true/false, 1/0 to 1/0', () => {
      for (const [text, value] of [['on', 1], ['Off', 0], ['true', 1], ['false', 0], ['1', 1], ['0', 0]] as const) assert.equal(valueOf(parseValueText(boolean, text)), value, text);
      assert.match(problemOf(parseValueText(boolean, 'maybe')), /true\/false, on\/off or 1\/0/);
      assert.equal(valueOf(parseValueArgument(boolean, true)), 1);
      assert.equal(valueOf(parseValueArgument(boolean, 0)), 0);
      assert.match(problemOf(parseValueArgument(boolean, 2)), /Blue_LED is a boolean property/);
    });

    it('strings: at most 1024 bytes of UTF-8 (not characters); messages: 512 KB', () => {
      assert.equal(valueOf(parseValueText(string, '')), '');
      assert.equal(valueOf(parseValueText(string, 'x'.repeat(1024))), 'x'.repeat(1024));
      assert.match(problemOf(parseValueText(string, 'x'.repeat(1025))), /cmd takes at most 1024 bytes of UTF-8 text; this value has 1025/);
      assert.match(problemOf(parseValueText(string, 'é'.repeat(513))), /this value has 1026/);
      assert.equal(valueOf(parseValueText(message, 'y'.repeat(512 * 1024))), 'y'.repeat(512 * 1024));
      assert.match(problemOf(parseValueText(message, 'y'.repeat(512 * 1024 + 1))), /at most 524288 bytes/);
    });

    it('values passed by a caller: numbers and text checked the same way', () => {
      assert.equal(valueOf(parseValueArgument(integer, 30)), 30);
      assert.equal(valueOf(parseValueArgument(integer, '30')), 30);
      assert.match(problemOf(parseValueArgument(integer, 1.5)), /whole number/);
      assert.match(problemOf(parseValueArgument(integer, 'abc')), /not "abc"/);
      assert.match(problemOf(parseValueArgument(string, 5)), /set it to text/);
      assert.match(problemOf(parseValueArgument({ ...integer, direction: 'output' }, 1)), /from-device property/);
    });

    it('reads values in messages as the tree does', () => {
      assert.equal(valueForMessage('boolean', 1), 'on');
      assert.equal(valueForMessage('boolean', 0), 'off');
      assert.equal(valueForMessage('integer', 25), '25');
      assert.equal(valueForMessage('string', 'reboot now'), '"reboot now"');
      assert.equal(valueForMessage('message', 'z'.repeat(100)), `"${'z'.repeat(39)}…"`);
    });
  });

  describe('values sent before (globalState)', () => {
    it('keys by OEM model and property when the model is known, else by DSN', () => {
      assert.equal(sentValuesKey('ledevb', A, 'cmd'), 'model:ledevb/cmd');
      assert.equal(sentValuesKey(undefined, A, 'cmd'), `dsn:${A}/cmd`);
      assert.notEqual(sentValuesKey('ledevb', A, 'cmd'), sentValuesKey('other', A, 'cmd'));
    });

    it('lists the newest first, without repeats, at most 10 per property', async () => {
      const memento = new FakeMemento();
      const sent = new SentValues(memento);
      assert.deepEqual(sent.list('k'), []);
      await sent.remember('k', '20');
      await sent.remember('k', '25');
      await sent.remember('k', '20');
      assert.deepEqual(sent.list('k'), ['20', '25']);
      for (let i = 0; i < 15; i++) await sent.remember('k', `v${i}`);
      assert.equal(sent.list('k').length, SENT_VALUES_PER_PROPERTY);
      assert.equal(sent.list('k')[0], 'v14');
      assert.deepEqual(Object.keys(memento.get<Record<string, unknown>>(SENT_VALUES_KEY)!), ['k'], 'one globalState key holds them all');
    });

    it('does not remember long texts, and forgets the least recently used property past the limit', async () => {
      const memento = new FakeMemento();
      const sent = new SentValues(memento);
      await sent.remember('big', 'x'.repeat(SENT_VALUE_MAX_LENGTH + 1));
      assert.deepEqual(sent.list('big'), []);
      assert.equal(memento.updates, 0);
      for (let i = 0; i < SENT_VALUES_PROPERTIES; i++) await sent.remember(`p${i}`, '1');
      await sent.remember('p0', '2'); // p0 used again: p1 is now the least recently used
      await sent.remember('extra', '3');
      const keys = Object.keys(memento.get<Record<string, unknown>>(SENT_VALUES_KEY)!);
      assert.equal(keys.length, SENT_VALUES_PROPERTIES);
      assert.ok(!keys.includes('p1'), 'p1 was forgotten');
      assert.deepEqual(sent.list('p0'), ['2', '1']);
      assert.deepEqual(sent.list('extra'), ['3']);
    });

    it('survives whatever else is stored under its key', async () => {
      const memento = new FakeMemento();
      memento.data.set(SENT_VALUES_KEY, ['not', 'a', 'map']);
      const sent = new SentValues(memento);
      assert.deepEqual(sent.list('k'), []);
      memento.data.set(SENT_VALUES_KEY, { k: [1, 'two', null] });
      assert.deepEqual(sent.list('k'), ['two']);
      await sent.remember('k', 'three');
      assert.deepEqual(sent.list('k'), ['three', 'two']);
    });
  });
});

describe('extension: Pick Event… rows', () => {
  const at = new Date(2024, 4, 17, 14, 3, 5, 123).getTime(); // local time

  it('sums up each event type: property and value, ack, connection, location, registration', () => {
    assert.equal(eventSummary(datapointEvent({ property: 'Blue_LED', value: 1 })), 'Blue_LED = 1');
    assert.equal(eventSummary(datapointEvent({ property: 'status', baseType: 'string', value: 'door | open' })), 'status = "door | open"');
    assert.equal(eventSummary(ackEvent({ property: 'setpoint', value: 25, ackStatus: 200 })), 'setpoint = 25 · ack 200');
    assert.equal(eventSummary(connectivityEvent({ status: 'Offline' })), 'Offline');
    assert.equal(eventSummary(locationEvent({ lat: ' 44.769500', long: '-69.428300', provider: 'ip-based' })), '44.7695, -69.4283 (ip-based)');
    assert.equal(eventSummary(registrationEvent({ registered: false, registrationType: 'AP-Mode' })), 'unregistered (AP-Mode)');
    assert.equal(eventSummary(unknownEvent({ eventType: 'firmware_update' })), '');
  });

  it('quotes and shortens string values', () => {
    assert.equal(shortValue(''), '""');
    assert.equal(shortValue('0'), '"0"');
    assert.equal(shortValue(null), 'null');
    assert.equal(shortValue(23.5), '23.5');
    const long = shortValue('a'.repeat(200));
    assert.equal(long.length, 60);
    assert.ok(long.endsWith('…'));
  });

  it('labels with the type and summary; describes with the device, DSN and local time (the date when not today)', () => {
    const event = datapointEvent({ dsn: A, property: 'Blue_LED', value: 0, receivedAt: at });
    assert.deepEqual(eventPickRow(event, 'Kitchen Freezer', at + 1000), {
      label: 'datapoint · Blue_LED = 0',
      description: `Kitchen Freezer · ${A} · 14:03:05.123`,
    });
    assert.equal(eventPickRow(event, undefined, at).description, `${A} · 14:03:05.123`);
    assert.equal(eventPickRow(event, A, at).description, `${A} · 14:03:05.123`, 'no name: the DSN once');
    assert.equal(eventPickRow(unknownEvent({ eventType: 'firmware_update', receivedAt: at }), undefined, at).label, 'firmware_update');
    assert.equal(localTime(at, at + 2 * 86_400_000), '2024-05-17 14:03:05.123');
    assert.equal(localTime(new Date(2024, 0, 2, 3, 4, 5, 6).getTime(), new Date(2024, 0, 2, 23, 0).getTime()), '03:04:05.006');
  });
});
