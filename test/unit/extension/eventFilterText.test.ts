// The event filter as text: what the status bar shows and what "Edit as Text…" reads back.
import { strict as assert } from 'node:assert';
import { formatEventFilter, isActiveFilter, normalizeCriteria, parseEventFilter } from '../../../src/extension/eventFilterText';

describe('extension: event filter text', () => {
  it('formats each part, quoting values with spaces or quotes', () => {
    assert.equal(formatEventFilter({}), '');
    assert.equal(
      formatEventFilter({ types: ['datapoint', 'datapointack'], dsn: 'AC000W000000001', property: 'temp', text: 'hello world' }),
      'type=datapoint,datapointack dsn=AC000W000000001 property=temp text="hello world"',
    );
    assert.equal(formatEventFilter({ text: 'say "hi"' }), 'text="say \\"hi\\""');
  });

  it('reads back what it writes', () => {
    for (const criteria of [
      { types: ['connectivity' as const] },
      { dsn: 'AC1', property: 'Blue LED' },
      { text: 'a=b "c" | ü 🚀' },
      { types: ['unknown' as const, 'location' as const], dsn: 'X', property: 'p', text: 't' },
    ]) {
      assert.deepEqual(parseEventFilter(formatEventFilter(criteria)).criteria, criteria);
    }
  });

  it('takes bare words as free text, and key aliases', () => {
    assert.deepEqual(parseEventFilter('  online  device=AC1 prop=temp  now ').criteria, { dsn: 'AC1', property: 'temp', text: 'online now' });
    assert.deepEqual(parseEventFilter('').criteria, {});
    assert.deepEqual(parseEventFilter('type=').criteria, {});
  });

  it('says what is wrong in one sentence', () => {
    assert.equal(parseEventFilter('colour=red').error, 'Unknown filter "colour": use type=, dsn=, property= or text=.');
    assert.match(parseEventFilter('type=datapoint,foo').error ?? '', /^Unknown event type "foo": use connectivity, datapoint, /);
    assert.equal(parseEventFilter('text="open').error, 'The value of text= has an unfinished quote.');
  });

  it('drops empty parts, so an empty DSN does not hide every event', () => {
    assert.deepEqual(normalizeCriteria({ dsn: '', property: '', text: '', types: [] }), {});
    assert.equal(isActiveFilter(normalizeCriteria({ dsn: '' })), false);
    assert.deepEqual(normalizeCriteria({ types: ['datapoint', 'datapoint'], dsn: 'A' }), { types: ['datapoint'], dsn: 'A' });
  });
});
