// The event filter as one line of text: what the status bar shows (`type=datapoint dsn=AC000W001`) and what
// "Filter Events… → Edit as Text…" reads back. Pure, so both directions are unit-tested.
import type { DssEvent } from '../ayla/events';
import type { EventCriteria } from '../model/eventFilter';

export const FILTER_EVENT_TYPES: readonly DssEvent['type'][] = ['connectivity', 'datapoint', 'datapointack', 'location', 'registration', 'unknown'];

const KEYS: Record<string, 'types' | 'dsn' | 'property' | 'text'> = {
  type: 'types',
  types: 'types',
  dsn: 'dsn',
  device: 'dsn',
  property: 'property',
  prop: 'property',
  text: 'text',
};

/** Whether the criteria filter anything. */
export function isActiveFilter(criteria: EventCriteria): boolean {
  return (criteria.types?.length ?? 0) > 0 || !!criteria.dsn || !!criteria.property || !!criteria.text;
}

/** The criteria without empty parts (an empty DSN would otherwise match no event). */
export function normalizeCriteria(criteria: EventCriteria): EventCriteria {
  const types = criteria.types?.filter((t) => (FILTER_EVENT_TYPES as readonly string[]).includes(t));
  return {
    ...(types && types.length > 0 && { types: [...new Set(types)] }),
    ...(criteria.dsn && { dsn: criteria.dsn }),
    ...(criteria.property && { property: criteria.property }),
    ...(criteria.text && { text: criteria.text }),
  };
}

/** A value as the filter text writes it: bare when it is one plain word, else JSON-quoted. */
function quoteIfNeeded(value: string): string {
  return value !== '' && /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
}

/** `type=datapoint,datapointack dsn=AC000W001 property=temp text="hello world"`; empty for no filter. */
export function formatEventFilter(criteria: EventCriteria): string {
  const parts: string[] = [];
  if (criteria.types && criteria.types.length > 0) parts.push(`type=${criteria.types.join(',')}`);
  if (criteria.dsn) parts.push(`dsn=${quoteIfNeeded(criteria.dsn)}`);
  if (criteria.property) parts.push(`property=${quoteIfNeeded(criteria.property)}`);
  if (criteria.text) parts.push(`text=${quoteIfNeeded(criteria.text)}`);
  return parts.join(' ');
}

export type ParsedFilter = { criteria: EventCriteria; error?: undefined } | { criteria?: undefined; error: string };

const TOKEN = /(\w+)=("(?:[^"\\]|\\.)*"?|[^\s"]*)|("(?:[^"\\]|\\.)*"?)|(\S+)/g;

function unquote(value: string): string | undefined {
  if (!value.startsWith('"')) return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads filter text: `key=value` pairs (type/dsn/property/text; values quoted like JSON strings when they
 * hold spaces), and any other words as free text. Empty text means no filter.
 */
export function parseEventFilter(text: string): ParsedFilter {
  const criteria: { types?: DssEvent['type'][]; dsn?: string; property?: string; text?: string } = {};
  const words: string[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const [, key, keyed, quoted, bare] = match;
    if (key !== undefined && keyed !== undefined) {
      const field = KEYS[key.toLowerCase()];
      if (!field) return { error: `Unknown filter "${key}": use type=, dsn=, property= or text=.` };
      const value = unquote(keyed);
      if (value === undefined) return { error: `The value of ${key}= has an unfinished quote.` };
      if (field === 'types') {
        const types = value.split(',').map((t) => t.trim()).filter(Boolean);
        const wrong = types.filter((t) => !(FILTER_EVENT_TYPES as readonly string[]).includes(t));
        if (wrong.length > 0) return { error: `Unknown event type "${wrong[0]}": use ${FILTER_EVENT_TYPES.join(', ')}.` };
        if (types.length > 0) criteria.types = [...new Set(types as DssEvent['type'][])];
      } else if (value !== '') {
        if (field === 'text' && criteria.text !== undefined) criteria.text = `${criteria.text} ${value}`;
        else criteria[field] = value;
      }
    } else {
      const word = quoted !== undefined ? unquote(quoted) : bare;
      if (word === undefined) return { error: 'The text has an unfinished quote.' };
      if (word !== '') words.push(word);
    }
  }
  if (words.length > 0) criteria.text = [criteria.text, ...words].filter(Boolean).join(' ');
  return { criteria };
}
