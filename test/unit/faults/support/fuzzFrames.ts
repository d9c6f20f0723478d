// Deterministic broken and odd frames for the fuzz row: random bytes, text without a length prefix, bad
// prefixes, non-JSON payloads, truncated JSON, valid JSON of the wrong shape, known event types without
// their body, real frames (the shared fixture) with a wrong length prefix, and real frames mutated at random.
// None carries a `seq` (they are outside every sequence) and none is a heartbeat. Each says what the client
// must make of it: an undecodable frame (shown raw) or an event outside the sequence; a mutated frame may be
// either — but never nothing.
import { readFixtureFrames } from '../../support/fixtureFile';
import { seededRandom } from '../../support/seededRandom';

export type FuzzOutcome = 'undecodable' | 'event' | 'either';

export interface FuzzFrame {
  kind: string;
  /** What goes on the wire (a Buffer goes as a binary frame). */
  frame: string | Buffer;
  outcome: FuzzOutcome;
  /** The text an undecodable report must carry (the whole frame, binary decoded as UTF-8). */
  undecodableRaw: string;
  /** The text an event must carry (the payload after the first `|`), for frames that may decode. */
  eventRaw: string | undefined;
}

const frameOf = (payload: string): string => `${Buffer.byteLength(payload, 'utf8')}|${payload}`;

/** The fixture's event payloads with their `seq` removed (so nothing injected enters a sequence). */
function fixturePayloads(): Record<string, unknown>[] {
  return readFixtureFrames()
    .map((line) => line.frame.slice(line.frame.indexOf('|') + 1))
    .filter((payload) => payload.startsWith('{'))
    .map((payload) => {
      const event = JSON.parse(payload) as Record<string, unknown>;
      delete event.seq;
      return event;
    });
}

const BODY_KEYS = ['connection', 'datapoint', 'datapointack', 'location_event', 'registration_event'];
const WRONG_SHAPES = ['[]', '[1,2,3]', '42', '-0.5', '"a string"', 'null', 'true', 'false', '{}', '{"metadata":[]}', '{"metadata":"x"}', '{"metadata":null}', '{"data":{"metadata":{}}}', '[{"metadata":{}}]'];

export function fuzzFrames(count: number, seed: number): FuzzFrame[] {
  const random = seededRandom(seed);
  const int = (n: number): number => Math.floor(random() * n);
  const printable = (length: number, exclude = ''): string => {
    let out = '';
    while (out.length < length) {
      const c = String.fromCharCode(32 + int(95));
      if (!exclude.includes(c)) out += c;
    }
    return out;
  };
  const events = fixturePayloads();
  const texts = events.map((e) => JSON.stringify(e));
  const frames: FuzzFrame[] = [];
  const add = (kind: string, frame: string | Buffer, outcome: FuzzOutcome): void => {
    const text = typeof frame === 'string' ? frame : frame.toString('utf8');
    const bar = text.indexOf('|');
    frames.push({ kind, frame, outcome, undecodableRaw: text, eventRaw: outcome === 'undecodable' ? undefined : text.slice(bar + 1) });
  };
  for (let i = 0; frames.length < count; i++) {
    switch (i % 10) {
      case 0: {
        const bytes = Buffer.alloc(1 + int(96));
        for (let j = 0; j < bytes.length; j++) bytes[j] = int(256);
        add('binary', bytes, 'undecodable');
        break;
      }
      case 1:
        add('no length prefix', printable(1 + int(80), '|'), 'undecodable');
        break;
      case 2: {
        // A prefix that is not 1–15 digits: letters, a sign, a space, empty, or 16 digits.
        const prefixes = ['abc', '-5', ' 12', '', '1234567890123456', '0x1F', '12a'];
        add('bad length prefix', `${prefixes[int(prefixes.length)]!}|${texts[int(texts.length)]!}`, 'undecodable');
        break;
      }
      case 3:
        add('not JSON', frameOf(`x${printable(int(60))}`), 'undecodable');
        break;
      case 4: {
        const text = texts[int(texts.length)]!;
        add('truncated JSON', frameOf(text.slice(0, 1 + int(text.length - 2))), 'undecodable');
        break;
      }
      case 5:
        add('JSON of the wrong shape', frameOf(WRONG_SHAPES[int(WRONG_SHAPES.length)]!), 'undecodable');
        break;
      case 6: {
        const event = { ...events[int(events.length)]! };
        for (const key of BODY_KEYS) delete event[key];
        add('known type without its body', frameOf(JSON.stringify(event)), 'undecodable');
        break;
      }
      case 7: {
        const text = texts[int(texts.length)]!;
        const declared = Buffer.byteLength(text) + 1 + int(500);
        add('wrong length prefix', `${declared}|${text}`, 'event');
        break;
      }
      default: {
        // A real frame with 1–4 characters replaced, deleted or inserted.
        let text = texts[int(texts.length)]!;
        for (let m = 1 + int(4); m > 0; m--) {
          const at = int(text.length);
          const op = int(3);
          const c = printable(1);
          text = op === 0 ? text.slice(0, at) + c + text.slice(at + 1) : op === 1 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + c + text.slice(at);
        }
        if (text === 'Z' || text === 'X' || text.length === 0) continue;
        add('mutated real frame', frameOf(text), 'either');
      }
    }
  }
  return frames;
}
