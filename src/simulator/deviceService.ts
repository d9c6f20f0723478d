// The device service, ADS (ayla-protocol.md §3): devices, properties, datapoints. Errors are
// `{"error":{"message":"…"}}`.
import type { DatapointMetadata, DatapointValue, DatapointWrapper, DeviceWrapper, PropertyWrapper } from '../ayla/wireTypes';
import type { Account, Accounts } from './accounts';
import { isOemRole, requireAccount } from './auth';
import type { PropertyDefinition, SimDevice, SimProperty } from './device';
import type { DeviceFleet } from './devices';
import { HttpError, isRecord, requireObjectBody, type RequestContext, type Route } from './http';

export const MAX_STRING_BYTES = 1024;
export const MAX_MESSAGE_BYTES = 512 * 1024;
export const MAX_METADATA_KEYS = 10;

/** The devices an account may see: its own, or (OEM roles) every device of its OEM. */
export function canSee(account: Account, device: SimDevice): boolean {
  return device.ownerUuid === account.uuid || (isOemRole(account.role) && device.oem === account.oemId);
}

function param(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, 'The path is not valid URL encoding.');
  }
}

/** A value of the property's base type, or 422. Booleans travel as 0/1 (true/false accepted). */
export function checkValue(definition: PropertyDefinition, value: unknown): DatapointValue {
  const fail = (why: string): never => {
    throw new HttpError(422, `Invalid value for ${definition.name} (${definition.baseType}): ${why}.`);
  };
  switch (definition.baseType) {
    case 'boolean':
      if (value === true || value === 1) return 1;
      if (value === false || value === 0) return 0;
      return fail('expected 0 or 1');
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value) ? value : fail('expected an integer');
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value) ? value : fail('expected a number');
    case 'string':
      if (typeof value !== 'string') return fail('expected a string');
      if (Buffer.byteLength(value) > MAX_STRING_BYTES) return fail(`longer than ${MAX_STRING_BYTES} bytes`);
      return value;
    case 'message':
      if (typeof value !== 'string') return fail('expected a string');
      if (Buffer.byteLength(value) > MAX_MESSAGE_BYTES) return fail(`longer than ${MAX_MESSAGE_BYTES} bytes`);
      return value;
    case 'file':
      return fail('file datapoints are uploaded, not posted');
  }
}

function checkMetadata(metadata: unknown): DatapointMetadata {
  if (metadata === undefined) return {};
  if (!isRecord(metadata)) throw new HttpError(422, 'datapoint.metadata must be an object.');
  const entries = Object.entries(metadata);
  if (entries.length > MAX_METADATA_KEYS) throw new HttpError(422, `datapoint.metadata has ${entries.length} keys; at most ${MAX_METADATA_KEYS} are allowed.`);
  const checked: DatapointMetadata = {};
  for (const [key, value] of entries) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new HttpError(422, `datapoint.metadata.${key} must be a string, number or boolean.`);
    }
    checked[key] = value;
  }
  return checked;
}

export function deviceServiceRoutes(accounts: Accounts, fleet: DeviceFleet): Route[] {
  const device = (ctx: RequestContext, rawDsn: string): { account: Account; device: SimDevice } => {
    const account = requireAccount(accounts, ctx);
    const dsn = param(rawDsn);
    const found = fleet.get(dsn);
    if (!found) throw new HttpError(404, `Device ${dsn} not found.`);
    if (!canSee(account, found)) throw new HttpError(403, `Device ${dsn} is not one of your devices.`);
    return { account, device: found };
  };
  const property = (found: SimDevice, rawName: string): SimProperty => {
    const name = param(rawName);
    const prop = found.properties.get(name);
    if (!prop) throw new HttpError(404, `Device ${found.dsn} has no property ${name}.`);
    return prop;
  };

  return [
    {
      method: 'GET',
      pattern: /^\/apiv1\/devices$/,
      style: 'api',
      handle(ctx) {
        const account = requireAccount(accounts, ctx);
        const body: DeviceWrapper[] = fleet.devices.filter((d) => canSee(account, d)).map((d) => ({ device: d.record() }));
        return { status: 200, body };
      },
    },
    {
      method: 'GET',
      pattern: /^\/apiv1\/dsns\/([^/]+)$/,
      style: 'api',
      handle(ctx, [dsn]) {
        const body: DeviceWrapper = { device: device(ctx, dsn!).device.record() };
        return { status: 200, body };
      },
    },
    {
      method: 'GET',
      pattern: /^\/apiv1\/dsns\/([^/]+)\/properties$/,
      style: 'api',
      handle(ctx, [dsn]) {
        const found = device(ctx, dsn!).device;
        const names = [...ctx.url.searchParams.getAll('names[]'), ...ctx.url.searchParams.getAll('names')];
        const wanted = names.length > 0 ? new Set(names) : undefined;
        const body: PropertyWrapper[] = [...found.properties.values()]
          .filter((p) => !wanted || wanted.has(p.name))
          .map((p) => ({ property: p.record(found) }));
        return { status: 200, body };
      },
    },
    {
      method: 'GET',
      pattern: /^\/apiv1\/dsns\/([^/]+)\/properties\/([^/]+)$/,
      style: 'api',
      handle(ctx, [dsn, name]) {
        const found = device(ctx, dsn!).device;
        const body: PropertyWrapper = { property: property(found, name!).record(found) };
        return { status: 200, body };
      },
    },
    {
      method: 'POST',
      pattern: /^\/apiv1\/dsns\/([^/]+)\/properties\/([^/]+)\/datapoints$/,
      style: 'api',
      handle(ctx, [dsn, name]) {
        const { account, device: found } = device(ctx, dsn!);
        const prop = property(found, name!);
        const body = requireObjectBody(ctx);
        if (!isRecord(body.datapoint) || !('value' in body.datapoint)) {
          throw new HttpError(422, 'The body must be {"datapoint":{"value":…}}.');
        }
        if (prop.definition.direction !== 'input') {
          throw new HttpError(422, `${prop.name} is a read-only from-device property; only to-device (input) properties can be set.`);
        }
        const value = checkValue(prop.definition, body.datapoint.value);
        const metadata = checkMetadata(body.datapoint.metadata);
        const datapoint = fleet.writeFromCloud(found, prop, value, metadata, account.uuid);
        const reply: DatapointWrapper = { datapoint };
        return { status: 201, body: reply };
      },
    },
    {
      method: 'GET',
      pattern: /^\/apiv1\/dsns\/([^/]+)\/properties\/([^/]+)\/datapoints$/,
      style: 'api',
      handle(ctx, [dsn, name]) {
        const found = device(ctx, dsn!).device;
        const prop = property(found, name!);
        const rawLimit = ctx.url.searchParams.get('limit');
        let limit = 100;
        if (rawLimit !== null) {
          if (!/^\d{1,6}$/.test(rawLimit) || Number(rawLimit) < 1) throw new HttpError(422, 'limit must be a positive integer.');
          limit = Number(rawLimit);
        }
        const body: DatapointWrapper[] = prop.recent(limit).map((datapoint) => ({ datapoint }));
        return { status: 200, body };
      },
    },
  ];
}
