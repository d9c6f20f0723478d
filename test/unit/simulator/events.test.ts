// The event builders and framing helpers, as pure functions.
import { strict as assert } from 'node:assert';
import type { DatapointMetadata } from '../../../src/ayla/wireTypes';
import { buildDevices } from '../../../src/simulator/catalog';
import { coordinate, datapointEvent, datapointEventSlow, type DatapointFacts } from '../../../src/simulator/events';
import { frame, frameEvent } from '../../../src/simulator/framing';
import { ReplayBuffer } from '../../../src/simulator/replayBuffer';
import { parseFrame } from '../support/streamClient';

describe('simulator: event builders and framing', () => {
  const device = buildDevices(1)[0]!;

  it('builds datapoint events byte for byte like JSON.stringify (the fast path equals the plain one)', () => {
    const values: DatapointFacts['value'][] = [0, 1, -3, 21.5, 1e-7, 'plain', 'quotes " and \\ and | pipes', 'Küche 21 °C ✓ 温度 🌡', '\u2028 line sep', ''];
    for (const name of ['Blue_LED', 'temperature', 'status', 'setpoint']) {
      const property = device.properties.get(name)!;
      for (const value of values) {
        for (const metadata of [{}, { source: 'test', n: 2, ok: true, 'odd "key"': 'ü' }] as DatapointMetadata[]) {
          const facts: DatapointFacts = { id: '1ff9b91c-bfe4-11e8-1261-67d251d3ec96', at: '2018-09-24T10:25:14Z', userUuid: '00000000-0000-0000-0000-000000000000', echo: name === 'Blue_LED', value, metadata };
          const fast = datapointEvent(device, property, facts);
          const slow = datapointEventSlow(device, property, facts);
          assert.equal(fast.tail, slow.tail);
          assert.equal(fast.tailBytes, slow.tailBytes);
          assert.equal(fast.tailBytes, Buffer.byteLength(fast.tail));
          assert.deepEqual({ ...fast, tail: '' }, { ...slow, tail: '' });
        }
      }
    }
  });

  it('frames events with N = UTF-8 bytes of the payload, seq first', () => {
    const property = device.properties.get('status')!;
    const event = datapointEvent(device, property, { id: 'x', at: '2018-09-24T10:25:14Z', userUuid: 'u', echo: false, value: 'ünï ✓', metadata: {} });
    for (const seq of [1, 9, 10, 12345]) {
      const text = frameEvent(seq, event.tail, event.tailBytes);
      const { payload } = parseFrame(text);
      assert.ok(payload.startsWith(`{"seq":"${seq}","metadata":`));
      assert.equal((JSON.parse(payload) as { seq: string }).seq, String(seq));
    }
    assert.equal(frame('é'), '2|é');
    assert.equal(frame(''), '0|');
  });

  it('pads coordinates to ten characters like the captured frames (" 44.769500", "-69.428300")', () => {
    assert.equal(coordinate(44.7695), ' 44.769500');
    assert.equal(coordinate(-69.4283), '-69.428300');
    assert.equal(coordinate(-122.0839), '-122.083900');
  });

  it('keeps the newest events of a bounded replay buffer, numbered from 1', () => {
    const buffer = new ReplayBuffer(3);
    const event = datapointEvent(device, device.properties.get('counter')!, { id: 'x', at: 't', userUuid: 'u', echo: false, value: 1, metadata: {} });
    assert.deepEqual([buffer.firstSeq, buffer.nextSeq], [1, 1]);
    for (let i = 1; i <= 5; i++) assert.equal(buffer.append(event), i);
    assert.deepEqual([buffer.firstSeq, buffer.nextSeq], [3, 6]);
    assert.equal(buffer.get(2), undefined);
    assert.equal(buffer.get(3), event);
    assert.equal(buffer.get(6), undefined);
  });
});
