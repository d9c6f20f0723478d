// Stream framing: `N|payload` split on the first `|`, heartbeat and keep-alive, tolerant lengths.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { HEARTBEAT_ANSWER, parseFrame, parseFrameBytes, type ParsedFrame } from '../../../src/ayla/frames';
import { seededRandom } from '../support/seededRandom';
import { COPIED_FIXTURE_FRAMES_PATH, FIXTURE_FRAMES_PATH, SHARED_FIXTURE_FRAMES_PATH, readFixtureFrames } from '../support/fixtureFile';

function payloadOf(frame: ParsedFrame): Extract<ParsedFrame, { kind: 'payload' }> {
  assert.equal(frame.kind, 'payload', `expected a payload frame, got ${JSON.stringify(frame)}`);
  return frame as Extract<ParsedFrame, { kind: 'payload' }>;
}

describe('ayla/frames: parseFrame', () => {
  it('recognises the heartbeat 1|Z and the keep-alive 1|X', () => {
    assert.deepEqual(parseFrame('1|Z'), { kind: 'heartbeat' });
    assert.deepEqual(parseFrame('1|X'), { kind: 'keepalive' });
  });

  it("answers heartbeats with 'Z' (what Ayla's JS samples send; the service also takes 1|Z)", () => {
    assert.equal(HEARTBEAT_ANSWER, 'Z');
  });

  it("keeps the repository's copy of the fixture file equal to the shared one (read when the clone stands alone)", () => {
    const copy = readFileSync(COPIED_FIXTURE_FRAMES_PATH(), 'utf8');
    assert.deepEqual(readFixtureFrames(COPIED_FIXTURE_FRAMES_PATH()).length, copy.split('\n').filter((l) => l.trim() !== '').length);
    // Beside ../shared the copy must be the shared file byte for byte; alone, it is what the tests read.
    const expected = existsSync(SHARED_FIXTURE_FRAMES_PATH()) ? readFileSync(SHARED_FIXTURE_FRAMES_PATH(), 'utf8') : readFileSync(FIXTURE_FRAMES_PATH(), 'utf8');
    assert.equal(copy, expected, 'test/fixtures/ayla-frames.jsonl differs from ../shared/fixtures/ayla-frames.jsonl: copy the shared file over it');
  });

  it('reads every frame of the shared fixture file with an exact UTF-8 length', () => {
    const lines = readFixtureFrames();
    assert.ok(lines.length >= 10, `only ${lines.length} fixture lines`);
    for (const { note, frame } of lines) {
      const parsed = parseFrame(frame);
      if (note.startsWith('heartbeat')) assert.equal(parsed.kind, 'heartbeat', note);
      else if (note.startsWith('keep-alive')) assert.equal(parsed.kind, 'keepalive', note);
      else {
        const p = payloadOf(parsed);
        assert.equal(p.payload, frame.slice(frame.indexOf('|') + 1), note);
        assert.equal(p.declaredLength, Buffer.byteLength(p.payload, 'utf8'), note);
        assert.equal(p.lengthMismatch, false, note);
      }
    }
  });

  it('splits on the first | only: payload strings may contain |', () => {
    const payload = '{"value":"a|b||c","x":"|"}';
    const p = payloadOf(parseFrame(`${payload.length}|${payload}`));
    assert.equal(p.payload, payload);
    assert.equal(p.declaredLength, payload.length);
    assert.equal(p.lengthMismatch, false);
  });

  it('accepts N as UTF-8 bytes or as characters for multi-byte payloads, and flags any other N without rejecting', () => {
    const payload = '{"status":"holding 21 °C ✓ 😀"}';
    const bytes = Buffer.byteLength(payload, 'utf8');
    assert.notEqual(bytes, payload.length, 'the payload must be multi-byte for this test');
    assert.equal(payloadOf(parseFrame(`${bytes}|${payload}`)).lengthMismatch, false, 'N = UTF-8 bytes (the simulator)');
    assert.equal(payloadOf(parseFrame(`${payload.length}|${payload}`)).lengthMismatch, false, 'N = UTF-16 characters (a real server may count so)');
    const wrong = payloadOf(parseFrame(`999|${payload}`));
    assert.equal(wrong.lengthMismatch, true);
    assert.equal(wrong.payload, payload, 'the payload is kept');
    assert.equal(wrong.declaredLength, 999);
  });

  it('treats 0| as an empty payload (the decoder decides what it is)', () => {
    const p = payloadOf(parseFrame('0|'));
    assert.equal(p.payload, '');
    assert.equal(p.lengthMismatch, false);
  });

  for (const [text, why] of [
    ['', /empty/],
    ['{"seq":"1"}', /no "N\|" length prefix/],
    ['abc|{}', /not a number/],
    ['|{}', /empty length prefix/],
    ['-5|{}', /not a number/],
    [' 5|{"a":1}', /not a number/],
    ['1.5|{}', /not a number/],
    ['1234567890123456|{}', /not a number/],
  ] as const) {
    it(`calls ${JSON.stringify(text)} malformed with a one-sentence reason`, () => {
      const parsed = parseFrame(text);
      assert.equal(parsed.kind, 'malformed');
      if (parsed.kind !== 'malformed') return;
      assert.match(parsed.reason, why);
      assert.match(parsed.reason, /^[A-Z][^\n]*\.$/);
    });
  }
});

describe('ayla/frames: parseFrameBytes (the bytes a socket delivers)', () => {
  const same = (bytes: Buffer, context: string): void => {
    assert.deepEqual(parseFrameBytes(bytes), parseFrame(bytes.toString('utf8')), context);
  };

  it('gives what parseFrame gives on the decoded text, for every fixture frame', () => {
    for (const { note, frame } of readFixtureFrames()) same(Buffer.from(frame, 'utf8'), note);
  });

  it('gives what parseFrame gives for odd prefixes, lengths and bytes that are not UTF-8', () => {
    const cases: [string, Buffer][] = [
      ['empty', Buffer.alloc(0)],
      ['no bar', Buffer.from('{"a":1}')],
      ['empty prefix', Buffer.from('|{"a":1}')],
      ['letters', Buffer.from('1a|{}')],
      ['16 digits', Buffer.from(`${'1'.repeat(16)}|{}`)],
      ['15 digits', Buffer.from(`${'9'.repeat(15)}|{}`)],
      ['heartbeat', Buffer.from('1|Z')],
      ['keep-alive', Buffer.from('1|X')],
      ['heartbeat, wrong N', Buffer.from('7|Z')],
      ['non-ASCII, byte length', Buffer.from(`${Buffer.byteLength('{"v":"ü✓"}')}|{"v":"ü✓"}`)],
      ['non-ASCII, character length', Buffer.from(`${'{"v":"ü✓"}'.length}|{"v":"ü✓"}`)],
      ['invalid UTF-8 in the payload', Buffer.concat([Buffer.from('5|{"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')])],
      ['invalid UTF-8 in the prefix', Buffer.concat([Buffer.from([0xc3]), Buffer.from('|{}')])],
      ['bar inside the payload', Buffer.from('9|{"a":"|"}')],
    ];
    for (const [context, bytes] of cases) same(bytes, context);
  });

  it('gives what parseFrame gives for random frames', () => {
    const random = seededRandom(8);
    const alphabet = Buffer.from('0123456789|ZX{}"a ü✓', 'utf8');
    for (let i = 0; i < 2000; i++) {
      const length = Math.floor(random() * 24);
      const bytes = Buffer.alloc(length);
      for (let j = 0; j < length; j++) bytes[j] = random() < 0.1 ? Math.floor(random() * 256) : alphabet[Math.floor(random() * alphabet.length)]!;
      same(bytes, `random frame ${bytes.toString('hex')}`);
    }
  });
});
