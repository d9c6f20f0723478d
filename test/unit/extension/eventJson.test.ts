// The re-indenter behind "Copy Last Event JSON", "Open Recent Events" and "Pick Event…": every token of the
// server's JSON comes out exactly as it went in (big integers, escapes, unicode, `|`), only whitespace
// changes; and what "Copy Value" copies.
import { strict as assert } from 'node:assert';
import { parseFrame } from '../../../src/ayla/frames';
import { datapointValueToken, memberOf, parseJsonTokens, prettyJson, prettyJsonArray, scalarText, valueToCopy } from '../../../src/extension/eventJson';
import { readFixtureFrames } from '../support/fixtureFile';

/** The text with whitespace outside strings removed (written independently of the code under test). */
function compact(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"|\s+/g, (match) => (match.startsWith('"') ? match : ''));
}

/** Every fixture payload (the heartbeat and keep-alive frames carry no JSON). */
function fixturePayloads(): { note: string; payload: string }[] {
  return readFixtureFrames().flatMap(({ note, frame }) => {
    const parsed = parseFrame(frame);
    return parsed.kind === 'payload' ? [{ note, payload: parsed.payload }] : [];
  });
}

const BIG = '{"seq":"7","metadata":{"dsn":"AC000W000340649","property_name":"big|pipe"},"datapoint":{"value":12345678901234567890,"ratio":-0.10e-3,"n":1E+2}}';
const ESCAPES = '{"s":"quote \\" backslash \\\\ slash \\/ tab \\t nl \\n bar | brace { } [ ] , : \\u00e9 \\ud83d\\ude00 é 😀","e":"","k\\u0041":1}';

describe('event JSON: re-indenting the server\'s tokens', () => {
  it('finds the fixture frames', () => {
    assert.ok(fixturePayloads().length >= 8);
  });

  for (const { note, payload } of fixturePayloads()) {
    it(`keeps every token of the fixture "${note}" and indents like JSON.stringify(…, null, 2)`, () => {
      const pretty = prettyJson(payload);
      assert.notEqual(pretty, payload, 'it was re-indented');
      assert.equal(compact(pretty), payload, 'the same tokens in the same order');
      assert.equal(pretty, JSON.stringify(JSON.parse(payload), null, 2), 'the usual layout (these payloads have no big numbers or escapes)');
    });
  }

  it('keeps a big integer (beyond 2^53), exponents and negative fractions exactly as written', () => {
    const pretty = prettyJson(BIG);
    assert.match(pretty, /"value": 12345678901234567890,/);
    assert.match(pretty, /"ratio": -0\.10e-3,/);
    assert.match(pretty, /"n": 1E\+2\n/);
    assert.equal(compact(pretty), BIG);
    assert.doesNotMatch(JSON.stringify(JSON.parse(BIG)), /12345678901234567890/, 'JSON.parse would have lost digits');
  });

  it('keeps string escapes, unicode, `|` and JSON punctuation inside strings, and escaped keys, exactly', () => {
    const pretty = prettyJson(ESCAPES);
    assert.equal(compact(pretty), ESCAPES);
    assert.ok(pretty.includes('"quote \\" backslash \\\\ slash \\/ tab \\t nl \\n bar | brace { } [ ] , : \\u00e9 \\ud83d\\ude00 é 😀"'));
    assert.ok(pretty.includes('"k\\u0041": 1'));
    assert.deepEqual(JSON.parse(pretty), JSON.parse(ESCAPES));
    assert.equal(pretty.split('\n').length, 5);
  });

  it('keeps key order and duplicate keys, and lays out empty objects and arrays as {} and []', () => {
    const raw = ' { "z" : 1 , "a" : [ ] , "m" : { } , "z" : [ 1 , [ 2 ] , { "x" : null } ] , "t" : true , "f" : false } ';
    assert.equal(
      prettyJson(raw),
      '{\n  "z": 1,\n  "a": [],\n  "m": {},\n  "z": [\n    1,\n    [\n      2\n    ],\n    {\n      "x": null\n    }\n  ],\n  "t": true,\n  "f": false\n}',
    );
  });

  it('pretty-prints a top-level scalar or array too', () => {
    assert.equal(prettyJson(' 42 '), '42');
    assert.equal(prettyJson('"a"'), '"a"');
    assert.equal(prettyJson('[1,2]'), '[\n  1,\n  2\n]');
  });

  it('returns text that is not valid JSON unchanged', () => {
    for (const bad of ['', '{', '{"a":1,}', '{"a" 1}', '[1 2]', '{"a":01}', '{"a":.5}', '{"a":"tab\there"}', '{"a":"\\x"}', '{"a":1}x', 'nul', '{a:1}', "{'a':1}", '[1,]', '+1', '"\\u12"']) {
      assert.equal(prettyJson(bad), bad, JSON.stringify(bad));
      assert.equal(parseJsonTokens(bad), undefined, JSON.stringify(bad));
    }
  });

  it('takes what JSON.parse takes (a differential check over varied texts)', () => {
    const texts = [BIG, ESCAPES, '[]', '{}', '[[[]]]', '{"a":{"b":{"c":[1,-2,3.5,4e5,"x"]}}}', '0', '-0', '1e-7', '"\\u0000"', ' \t\r\n[ 1 ] \n', '[-]', '[1.]', '[1e]', '{"a":1 "b":2}', '["\\"]'];
    for (const text of texts) {
      let parses = true;
      try {
        JSON.parse(text);
      } catch {
        parses = false;
      }
      assert.equal(parseJsonTokens(text) !== undefined, parses, JSON.stringify(text));
    }
  });

  it('handles a 512 KB message string and deep (but not absurd) nesting', () => {
    const message = 'x'.repeat(512 * 1024 - 10) + '\\n"é';
    const raw = `{"datapoint":{"value":"${message.replace(/"/g, '\\"')}"}}`;
    assert.equal(compact(prettyJson(raw)), raw);
    const deep = '['.repeat(200) + ']'.repeat(200);
    assert.equal(compact(prettyJson(deep)), deep);
    const absurd = '['.repeat(100_000) + ']'.repeat(100_000);
    assert.equal(prettyJson(absurd), absurd, 'left as it is, no stack overflow');
  });

  it('"Open Recent Events": a JSON array of the events, each exactly as sent, in the given order', () => {
    const payloads = fixturePayloads().map((f) => f.payload);
    const doc = prettyJsonArray([...payloads, BIG]);
    assert.equal(compact(doc), `[${[...payloads, BIG].join(',')}]`);
    assert.ok(doc.startsWith('[\n  {\n    "seq": '));
    assert.deepEqual(JSON.parse(doc), [...payloads, BIG].map((p) => JSON.parse(p) as unknown));
    assert.equal(prettyJsonArray([]), '[]');
    assert.deepEqual(JSON.parse(prettyJsonArray(['not json', '{"a":1}'])), ['not json', { a: 1 }], 'a text that is not JSON goes in as a string');
  });
});

describe('event JSON: "Copy Value"', () => {
  const datapoint = (value: string, key = 'datapoint'): string => `{"seq":"1","metadata":{"event_type":"datapoint"},"${key}":{"id":"x","value":${value},"metadata":{}}}`;

  it('finds the value token of a datapoint or datapointack event (body under "datapoint" or "datapointack")', () => {
    assert.equal(scalarText(datapointValueToken(datapoint('23.50'))), '23.50');
    assert.equal(scalarText(datapointValueToken(datapoint('"on"', 'datapointack'))), 'on');
    assert.equal(datapointValueToken('{"connection":{"status":"Online"}}'), undefined);
    assert.equal(datapointValueToken('not json'), undefined);
    assert.equal(scalarText(memberOf(parseJsonTokens('{"a":1,"a":2}'), 'a')), '2', 'the last duplicate wins, as in JSON.parse');
  });

  it('copies a number exactly as the server wrote it', () => {
    assert.equal(valueToCopy(23.5, datapoint('23.50')), '23.50');
    assert.equal(valueToCopy(12345678901234567000, datapoint('12345678901234567890')), '12345678901234567890');
    assert.equal(valueToCopy(100, datapoint('1E+2')), '1E+2');
    assert.equal(valueToCopy(1, datapoint('1')), '1', 'a boolean as its wire value');
  });

  it("copies a string's content without quotes, escapes decoded", () => {
    assert.equal(valueToCopy('a "b" | c\né', datapoint('"a \\"b\\" | c\\n\\u00e9"')), 'a "b" | c\né');
    assert.equal(valueToCopy('', datapoint('""')), '');
  });

  it('falls back to the value the model holds when the event does not carry it (a newer listing, another value, no event)', () => {
    assert.equal(valueToCopy(7, datapoint('6')), '7');
    assert.equal(valueToCopy('new', datapoint('"old"')), 'new');
    assert.equal(valueToCopy(5, datapoint('"5"')), '5', 'a string token is not the number');
    assert.equal(valueToCopy(21.5), '21.5');
    assert.equal(valueToCopy('idle'), 'idle');
    assert.equal(valueToCopy(3, 'not json'), '3');
  });

  it('has nothing to copy without a value', () => {
    assert.equal(valueToCopy(null), undefined);
    assert.equal(valueToCopy(null, datapoint('null')), undefined);
  });
});
