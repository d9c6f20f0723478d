// Field checks for JSON bodies: each failure is a 422 naming the field.
import type { ClientType, EventType } from '../ayla/wireTypes';
import { HttpError } from './http';

export const EVENT_TYPES: readonly EventType[] = ['connectivity', 'datapoint', 'datapointack', 'location', 'registration'];
export const CLIENT_TYPES: readonly ClientType[] = ['cloud', 'mobile', 'user_opt_in'];

export function requiredText(body: Record<string, unknown>, field: string, maxLength = 255): string {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '') throw new HttpError(422, `${field} is required and must be a non-empty string.`);
  if (value.length > maxLength) throw new HttpError(422, `${field} is longer than ${maxLength} characters.`);
  return value;
}

export function optionalText(body: Record<string, unknown>, field: string, fallback: string, maxLength = 4096): string {
  const value = body[field];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string') throw new HttpError(422, `${field} must be a string.`);
  if (value.length > maxLength) throw new HttpError(422, `${field} is longer than ${maxLength} characters.`);
  return value;
}

/** `*` or a comma list of names; a non-empty string. */
export function filterText(body: Record<string, unknown>, field: string): string {
  const value = optionalText(body, field, '*');
  if (value.trim() === '') throw new HttpError(422, `${field} must be "*" or a comma-separated list.`);
  return value;
}

export function clientType(body: Record<string, unknown>, fallback?: ClientType): ClientType {
  const value = body.client_type ?? fallback;
  if (!CLIENT_TYPES.includes(value as ClientType)) throw new HttpError(422, `client_type must be one of ${CLIENT_TYPES.join(', ')}.`);
  return value as ClientType;
}

/** One event type, or (as mobile SDKs send) a comma list of them. */
export function eventTypes(body: Record<string, unknown>, allowList: boolean): EventType[] {
  const value = body.subscription_type;
  const fail = (): never => {
    throw new HttpError(422, `subscription_type must be one of ${EVENT_TYPES.join(', ')}${allowList ? ' (or a comma list of them)' : ''}.`);
  };
  if (typeof value !== 'string') return fail();
  const types = allowList ? value.split(',').map((s) => s.trim()) : [value];
  if (types.length === 0 || !types.every((t) => EVENT_TYPES.includes(t as EventType))) return fail();
  return [...new Set(types as EventType[])];
}
