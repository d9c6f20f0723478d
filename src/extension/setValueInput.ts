// The decisions behind "Set Value…", free of `vscode` so they are unit-tested in plain Node: whether a
// property can be set from here, what a typed text means for its base type (checked exactly as the device
// service client checks it before sending), how a value reads in messages, and the values sent before
// (users-ask #12 "saved values to send"), which the prompt offers first.
import { checkValue, type SettableProperty } from '../ayla/deviceService';
import type { DatapointValue } from '../ayla/wireTypes';
import type { PropertyState } from '../model/propertyState';
import { formatValue } from './deviceTreeItems';

const SETTABLE_TYPES = new Set(['boolean', 'integer', 'decimal', 'string', 'message']);

/** The property as the device service client takes it, or one sentence saying why it cannot be set from here. */
export function settableProperty(property: PropertyState): { property: SettableProperty } | { problem: string } {
  const name = property.displayName;
  if (property.direction === 'output') return { problem: `${name} is a from-device property: only the device sets it, so it cannot be set from here.` };
  if (property.direction === undefined) {
    return { problem: `${name} is known from events only, so whether the device takes values for it is not known; run "Ayla DSS: Refresh Devices" and try again.` };
  }
  if (property.readOnly === true) return { problem: `${name} is read-only: it cannot be set from here.` };
  const baseType = property.baseType;
  if (baseType === 'file') return { problem: `${name} is a file property: its value is an uploaded file, which cannot be set from here.` };
  if (baseType === undefined || !SETTABLE_TYPES.has(baseType)) {
    return { problem: `${name} has the base type "${baseType ?? 'unknown'}", which this extension does not know how to set.` };
  }
  return {
    property: { name: property.name, base_type: baseType as SettableProperty['base_type'], direction: property.direction, read_only: property.readOnly ?? false },
  };
}

/** A decimal as people type it: no hex, no `Infinity`, no empty text (Number() would take all three). */
const DECIMAL = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/**
 * The value to send for a typed text, or one sentence saying what is wrong (shown under the input as the
 * user types, and the reason nothing is sent). Uses the device service client's own check, so what
 * passes here is what it sends.
 */
export function parseValueText(property: SettableProperty, text: string): { value: DatapointValue } | { problem: string } {
  if (property.base_type === 'decimal' && !DECIMAL.test(text)) {
    return { problem: `${property.name} is a decimal property: type a number such as 21.5${text.trim() === '' ? '' : `, not ${JSON.stringify(shorten(text))}`}.` };
  }
  if (property.base_type === 'integer' && text.trim() === '') return { problem: `${property.name} is an integer property: type a whole number.` };
  try {
    return { value: checkValue(property, text) };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}

/** A value a caller passed (a number, text or true/false), checked like typed text; numbers and booleans as they are. */
export function parseValueArgument(property: SettableProperty, value: unknown): { value: DatapointValue } | { problem: string } {
  if (typeof value === 'string') return parseValueText(property, value);
  try {
    return { value: checkValue(property, value) };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}

/** How a value reads in a message: `on`/`off` for booleans, numbers as they are, text quoted and shortened. */
export function valueForMessage(baseType: string | undefined, value: DatapointValue): string {
  if (baseType === 'boolean') return formatValue('boolean', value);
  if (typeof value === 'number') return String(value);
  return JSON.stringify(shorten(value));
}

/** The text a value is typed as (what the input is prefilled with, and what is remembered). */
export function valueAsText(value: DatapointValue | null): string {
  return value === null ? '' : String(value);
}

function shorten(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

// ── Values sent before ──────────────────────────────────────────────────────────────────────────────

/** The part of VS Code's Memento (globalState) the list needs. */
export interface ValueMemento {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

/** The globalState key: `{ "<oem model or DSN>/<property>": ["newest", …] }`. */
export const SENT_VALUES_KEY = 'aylaDss.sentValues';
/** Values remembered per property. */
export const SENT_VALUES_PER_PROPERTY = 10;
/** Properties remembered; the least recently used is forgotten first. */
export const SENT_VALUES_PROPERTIES = 200;
/** Longer texts (messages) are sent but not remembered: globalState is no place for large values. */
export const SENT_VALUE_MAX_LENGTH = 1024;

/**
 * Whose values a property shares: devices of one OEM model have the same properties, so a value sent to
 * `cmd` on one board is offered for `cmd` on the next; a device without a known model keeps its own.
 */
export function sentValuesKey(oemModel: string | undefined, dsn: string, property: string): string {
  return `${oemModel ? `model:${oemModel}` : `dsn:${dsn}`}/${property}`;
}

/** Values sent per property, newest first, kept in globalState (never secrets: only values the user typed or picked). */
export class SentValues {
  constructor(private readonly memento: ValueMemento) {}

  list(key: string): string[] {
    const values = this.all()[key];
    return Array.isArray(values) ? values.filter((v): v is string => typeof v === 'string') : [];
  }

  async remember(key: string, text: string): Promise<void> {
    if (text.length > SENT_VALUE_MAX_LENGTH) return;
    const all = this.all();
    const values = [text, ...this.list(key).filter((v) => v !== text)].slice(0, SENT_VALUES_PER_PROPERTY);
    delete all[key]; // re-inserted last: object keys keep insertion order, so the first key is the least recently used
    all[key] = values;
    const keys = Object.keys(all);
    for (const old of keys.slice(0, Math.max(0, keys.length - SENT_VALUES_PROPERTIES))) delete all[old];
    await this.memento.update(SENT_VALUES_KEY, all);
  }

  private all(): Record<string, unknown> {
    const stored = this.memento.get<unknown>(SENT_VALUES_KEY);
    return typeof stored === 'object' && stored !== null && !Array.isArray(stored) ? { ...(stored as Record<string, unknown>) } : {};
  }
}
