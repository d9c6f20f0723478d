// parsePayload must be JSON.parse, only faster: for every payload, the same value or the same refusal. It
// cuts a DSS payload at its members and parses each metadata text once (see src/ayla/payloadJson.ts); these
// tests feed it the fixture frames, payloads built to fool the cut, and thousands of random mutations of both.
import { strict as assert } from 'node:assert';
import { parseFrame } from '../../../src/ayla/frames';
import { parsePayload, rememberedMetadata } from '../../../src/ayla/payloadJson';
import { readFixtureFrames } from '../support/fixtureFile';
import { seededRandom } from '../support/seededRandom';

/** What JSON.parse says of `text`: its value, or that it throws. */
function reference(text: string): { value: unknown } | { throws: true } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { throws: true };
  }
}

function assertSameAsJsonParse(text: string, note = text): void {
  const expected = reference(text);
  let actual: { value: unknown } | { throws: true };
  try {
    actual = { value: parsePayload(text) };
  } catch {
    actual = { throws: true };
  }
  assert.deepStrictEqual(actual, expected, note);
}

function fixturePayloads(): string[] {
  const payloads: string[] = [];
  for (const { frame } of readFixtureFrames()) {
    const parsed = parseFrame(frame);
    if (parsed.kind === 'payload') payloads.push(parsed.payload);
  }
  return payloads;
}

const META = '{"oem_id":"0dfc7900","oem_model":"ledevb","dsn":"AC000W000000001","property_name":"Blue_LED","display_name":"Blue LED","base_type":"boolean","resource_tags":[],"event_type":"datapoint"}';
const BODY = '{"id":"x","updated_at":"2024-01-01T00:00:00Z","echo":false,"value":1,"metadata":{}}';
const payload = (seq: string, metadata: string, datapoint: string, after = ''): string => `{"seq":"${seq}","metadata":${metadata},"datapoint":${datapoint}${after}}`;

/** Payloads built to fool a cut at `},"datapoint":`, and every way one may differ from the usual form. */
const TRICKY = [
  payload('1', META, BODY),
  payload('1', '{"note":"},\\"datapoint\\":{","dsn":"A"}', BODY),
  payload('1', '{"note":"},","datapoint":{"x":1}}', BODY),
  payload('1', '{"x":{"a":1},"datapoint":2}', BODY),
  payload('1', '{"x":{"a":1}', BODY),
  payload('1', META, BODY, ',"datapoint":{"b":2}'),
  payload('1', META, BODY, ',"other":1'),
  payload('1', META, ` ${BODY} `),
  payload('1', META, '7'),
  payload('1', META, '"text"'),
  payload('1', META, '{"a":1}}'),
  payload('1', META, ''),
  payload('1', '{}', '{}'),
  payload('1', '[]', '{}'),
  payload('1', '{"a":1} ', BODY),
  payload('', META, BODY),
  payload('01', META, BODY),
  payload('1a', META, BODY),
  payload('1', `${META.slice(0, -1)},"__proto__":{"polluted":true}}`, BODY),
  payload('1', `${META.slice(0, -1)},"dsn":"again"}`, BODY),
  `${payload('1', META, BODY)} `,
  ` ${payload('1', META, BODY)}`,
  payload('1', META, BODY).replace('","metadata":', '", "metadata":'),
  payload('1', META, BODY).replace('},"datapoint":', '} ,"datapoint":'),
  payload('1', META, BODY).replace('"seq":"1"', '"seq":1'),
  '{"seq":"1","metadata":',
  '{"seq":"1","metadata":{},"datapoint":',
  '{"seq":"1","metadata":{},"datapoint":}',
  '{"seq":"1","metadata":{"a":"\u2028\ud83d\ude00 ✓ °C"},"datapoint":{"v":"\ud800"}}',
];

describe('ayla/payloadJson: JSON.parse for DSS payloads, metadata parsed once', () => {
  it('gives what JSON.parse gives for every fixture payload, the first time and again', () => {
    const payloads = fixturePayloads();
    assert.ok(payloads.length >= 8, `${payloads.length} fixture payloads`);
    for (let pass = 0; pass < 2; pass++) for (const text of payloads) assertSameAsJsonParse(text);
  });

  it('gives what JSON.parse gives for payloads built to fool its cut', () => {
    for (let pass = 0; pass < 2; pass++) for (const text of TRICKY) assertSameAsJsonParse(text);
  });

  it('gives what JSON.parse gives, or refuses with it, for 20 000 random mutations of real and tricky payloads', () => {
    const random = seededRandom(0x5eed);
    const bases = [...fixturePayloads(), ...TRICKY];
    // The characters that matter to JSON and to the cut, and a few that do not.
    const alphabet = ['{', '}', '[', ']', '"', ':', ',', '\\', ' ', '\n', '0', '1', '-', '.', 'e', 'a', 'x', '\u00e9', '\ud83d', '},"datapoint":', '","metadata":', '{"seq":"'];
    let refused = 0;
    for (let i = 0; i < 20_000; i++) {
      let text = bases[Math.floor(random() * bases.length)]!;
      const edits = 1 + Math.floor(random() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random() * (text.length + 1));
        const piece = alphabet[Math.floor(random() * alphabet.length)]!;
        const kind = random();
        if (kind < 0.35) text = text.slice(0, at) + text.slice(at + 1);
        else if (kind < 0.7) text = text.slice(0, at) + piece + text.slice(at);
        else text = text.slice(0, at) + piece + text.slice(at + piece.length);
      }
      if ('throws' in reference(text)) refused++;
      assertSameAsJsonParse(text, `mutation ${i}: ${JSON.stringify(text)}`);
    }
    // Both outcomes must be well represented, or the comparison proves little.
    assert.ok(refused > 2_000 && refused < 18_000, `${refused} of 20 000 mutations are not JSON`);
  });

  it('parses a metadata text once: events of one property share one frozen metadata object', () => {
    const first = parsePayload(payload('1', META, BODY)) as { metadata: object; datapoint: object };
    const second = parsePayload(payload('2', META, '{"value":2}')) as { metadata: object; datapoint: object; seq: string };
    assert.equal(second.metadata, first.metadata, 'the cut was taken: one object for one metadata text');
    assert.ok(Object.isFrozen(first.metadata) && Object.isFrozen((first.metadata as { resource_tags: object }).resource_tags));
    assert.deepStrictEqual(second, { seq: '2', metadata: JSON.parse(META) as unknown, datapoint: { value: 2 } });
    assert.notEqual(first.datapoint, second.datapoint);
  });

  it('remembers a bounded number of metadata texts', () => {
    for (let i = 0; i < 10_000; i++) assertSameAsJsonParse(payload(String(i), `{"dsn":"AC${i}"}`, '{}'));
    assert.ok(rememberedMetadata() <= 4096, `${rememberedMetadata()} remembered`);
    assert.ok(rememberedMetadata() > 0);
  });
});
