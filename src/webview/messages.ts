// Checks what arrives on the page's message channel before anything uses it. Pure, no DOM.
// Unknown message types are ignored (a newer host may send more); a known type with a wrong shape is reported.

import { TIME_WINDOWS, type AppendMessage, type HostMessage, type SeriesInfo, type SeriesPoints, type SnapshotMessage, type TimeWindow } from './protocol';

export type Parsed = { readonly kind: 'message'; readonly message: HostMessage } | { readonly kind: 'ignore' } | { readonly kind: 'malformed'; readonly reason: string };

class Malformed extends Error {}

function fail(reason: string): never {
  throw new Malformed(reason);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function isTimeWindow(value: unknown): value is TimeWindow {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(TIME_WINDOWS, value);
}

function text(record: Record<string, unknown>, key: string, where: string): string {
  const value = record[key];
  if (typeof value !== 'string') fail(`${where}.${key} is not a string`);
  return value;
}

/** Float64Arrays as VS Code delivers them; plain number arrays are accepted and converted. */
function numbers(value: unknown, where: string): Float64Array {
  if (value instanceof Float64Array) return value;
  if (Array.isArray(value) && value.every((n) => typeof n === 'number')) return Float64Array.from(value as number[]);
  return fail(`${where} is not a Float64Array`);
}

function seriesPoints(value: unknown, where: string): SeriesPoints {
  if (!isRecord(value)) fail(`${where} is not an object`);
  const times = numbers(value.times, `${where}.times`);
  const values = numbers(value.values, `${where}.values`);
  if (times.length !== values.length) fail(`${where}: ${times.length} times but ${values.length} values`);
  return { id: text(value, 'id', where), times, values };
}

function seriesInfo(value: unknown, where: string): SeriesInfo {
  if (!isRecord(value)) fail(`${where} is not an object`);
  const shape = value.shape;
  if (shape !== 'line' && shape !== 'step') fail(`${where}.shape is not 'line' or 'step'`);
  return {
    id: text(value, 'id', where),
    dsn: text(value, 'dsn', where),
    property: text(value, 'property', where),
    deviceName: text(value, 'deviceName', where),
    propertyName: text(value, 'propertyName', where),
    baseType: text(value, 'baseType', where),
    shape,
  };
}

function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) fail(`${where} is not an array`);
  return value;
}

function snapshot(data: Record<string, unknown>): SnapshotMessage {
  const series = list(data.series, 'snapshot.series').map((s, i) => seriesInfo(s, `snapshot.series[${i}]`));
  const points = list(data.points, 'snapshot.points').map((p, i) => seriesPoints(p, `snapshot.points[${i}]`));
  if (points.length !== series.length) fail(`snapshot has ${series.length} series but ${points.length} point lists`);
  const capacity = data.capacity;
  if (typeof capacity !== 'number' || !(capacity >= 1)) fail('snapshot.capacity is not a positive number');
  const notes = list(data.notes, 'snapshot.notes').map((n, i) => {
    if (typeof n !== 'string') fail(`snapshot.notes[${i}] is not a string`);
    return n;
  });
  if (!isTimeWindow(data.window)) fail('snapshot.window is not a time window');
  if (typeof data.paused !== 'boolean') fail('snapshot.paused is not a boolean');
  return { type: 'snapshot', series, points, capacity, notes, window: data.window, paused: data.paused };
}

function append(data: Record<string, unknown>): AppendMessage {
  return { type: 'append', points: list(data.points, 'append.points').map((p, i) => seriesPoints(p, `append.points[${i}]`)) };
}

/** What to do with `data` received on the page's message channel. */
export function parseHostMessage(data: unknown): Parsed {
  if (!isRecord(data) || typeof data.type !== 'string') return { kind: 'ignore' };
  try {
    switch (data.type) {
      case 'snapshot':
        return { kind: 'message', message: snapshot(data) };
      case 'append':
        return { kind: 'message', message: append(data) };
      case 'theme':
        return { kind: 'message', message: { type: 'theme' } };
      default:
        return { kind: 'ignore' };
    }
  } catch (error) {
    if (error instanceof Malformed) return { kind: 'malformed', reason: `malformed ${data.type} message: ${error.message}` };
    throw error;
  }
}
