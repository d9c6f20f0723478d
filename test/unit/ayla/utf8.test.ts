// readUtf8 and writeUtf8 call Node's own UTF-8 reader and writer directly (undocumented Buffer methods) where
// they exist, and Buffer#toString / Buffer#write otherwise: both ways must give the same strings and bytes,
// including for lone surrogates and bytes that are not UTF-8.
import { strict as assert } from 'node:assert';
import { readUtf8, readUtf8Portably, writeUtf8, writeUtf8Portably } from '../../../src/ayla/utf8';
import { seededRandom } from '../support/seededRandom';

const PIECES = ['a', '{"seq":"1"}', '|', '\u00e9', '\u00ff', '\u0100', '°C', '✓', '漢字', '\ud83d\ude00', '\ud800', '\udfff', '\u2028', '\ufffd', '\u0000', ''];

describe('ayla/utf8: reading and writing UTF-8 on the hot path', () => {
  it("uses Node's own reader and writer on this Node (else the fast path is not what runs)", () => {
    const methods = Buffer.prototype as unknown as Record<string, unknown>;
    assert.equal(typeof methods.utf8Slice, 'function');
    assert.equal(typeof methods.utf8Write, 'function');
  });

  it('writes every text as Buffer#write does, at any offset', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 2000; i++) {
      let text = '';
      const parts = Math.floor(random() * 40);
      for (let p = 0; p < parts; p++) text += PIECES[Math.floor(random() * PIECES.length)];
      const offset = Math.floor(random() * 8);
      const room = offset + text.length * 3;
      const fast = Buffer.alloc(room, 0xaa);
      const portable = Buffer.alloc(room, 0xaa);
      const written = writeUtf8(fast, text, offset);
      assert.equal(written, writeUtf8Portably(portable, text, offset), JSON.stringify(text));
      assert.equal(written, Buffer.byteLength(text, 'utf8'));
      assert.deepEqual(fast, portable, JSON.stringify(text));
    }
  });

  it('reads any bytes as Buffer#toString does, valid UTF-8 or not, over any range', () => {
    const random = seededRandom(11);
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.alloc(Math.floor(random() * 64));
      // Mostly ASCII, with UTF-8 lead and continuation bytes in the wrong places too.
      for (let b = 0; b < bytes.length; b++) bytes[b] = random() < 0.6 ? 0x20 + Math.floor(random() * 0x5f) : Math.floor(random() * 256);
      const start = Math.floor(random() * (bytes.length + 1));
      const end = start + Math.floor(random() * (bytes.length - start + 1));
      assert.equal(readUtf8(bytes, start, end), readUtf8Portably(bytes, start, end), bytes.toString('hex'));
    }
  });
});
