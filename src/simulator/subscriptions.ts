// DSS REST subscriptions (ayla-protocol.md §4): create (flat body, 201), list, get, delete (204).
// Mobile subscriptions are scoped to the user's devices (dsn filled in, user_uuid set); cloud ones need
// an OEM role and an access rule for (role, subscription_type), else 403.
import type { SubscriptionWrapper } from '../ayla/wireTypes';
import type { Account, Accounts } from './accounts';
import type { AccessRules } from './accessRules';
import { isOemRole, requireAccount } from './auth';
import { aylaTime } from './clock';
import { canSee } from './deviceService';
import type { DeviceFleet } from './devices';
import type { Dispatcher } from './dispatcher';
import { HttpError, requireObjectBody, type RequestContext, type Route } from './http';
import { newToken, redact } from './secrets';
import type { StreamServer } from './stream';
import { Subscription } from './subscription';
import { clientType, eventTypes, filterText, optionalText, requiredText } from './validation';

export interface SubscriptionRouteDeps {
  accounts: Accounts;
  fleet: DeviceFleet;
  dispatcher: Dispatcher;
  accessRules: AccessRules;
  streams: StreamServer;
  replayBufferSize: number;
  /** The next subscription id (kept by the simulator's world, so ids stay unique across a restart). */
  nextId: () => number;
  log: (line: string) => void;
}

export function subscriptionRoutes(deps: SubscriptionRouteDeps): Route[] {
  const nextId = deps.nextId;
  const owned = (ctx: RequestContext, rawId: string): { account: Account; subscription: Subscription } => {
    const account = requireAccount(deps.accounts, ctx);
    const subscription = /^\d{1,15}$/.test(rawId) ? deps.dispatcher.get(Number(rawId)) : undefined;
    if (!subscription || subscription.setup.ownerUuid !== account.uuid) throw new HttpError(404, `Subscription ${rawId} not found.`);
    return { account, subscription };
  };

  return [
    {
      method: 'POST',
      pattern: /^\/api\/v1\/subscriptions$/,
      style: 'api',
      handle(ctx) {
        const account = requireAccount(deps.accounts, ctx);
        const body = requireObjectBody(ctx);
        const name = requiredText(body, 'name');
        const description = optionalText(body, 'description', '');
        const client = clientType(body);
        const types = eventTypes(body, true);
        const oemModel = filterText(body, 'oem_model');
        let dsn = filterText(body, 'dsn');
        const propertyName = filterText(body, 'property_name');
        const oem = optionalText(body, 'oem', account.oemId);
        const batchSize = body.batch_size ?? 1;
        if (batchSize !== 1) {
          throw new HttpError(422, 'batch_size must be 1 (the framing of larger batches is unpublished, so the simulator does not offer it).');
        }
        if (oem !== account.oemId) throw new HttpError(403, `You may not subscribe to OEM ${oem}.`);

        let userUuid: string | null;
        if (client === 'cloud') {
          if (!isOemRole(account.role)) {
            throw new HttpError(403, `Cloud subscriptions need an OEM admin, staff or support role; ${account.email} is ${account.role}. Use client_type "mobile".`);
          }
          const missing = types.filter((t) => !deps.accessRules.grants(account, t));
          if (missing.length > 0) {
            throw new HttpError(403, `No OEM access rule grants role ${account.role} cloud subscriptions of type ${missing.join(', ')}; create one with POST /api/v1/oemAccessRules.`);
          }
          userUuid = null;
        } else {
          const visible = deps.fleet.devices.filter((d) => canSee(account, d)).map((d) => d.dsn);
          if (dsn.split(',').map((s) => s.trim()).includes('*')) {
            dsn = visible.join(',');
          } else {
            const foreign = dsn.split(',').map((s) => s.trim()).filter((d) => d !== '' && !visible.includes(d));
            if (foreign.length > 0) throw new HttpError(403, `Not your device: ${foreign.join(', ')}.`);
          }
          userUuid = account.uuid;
        }

        const subscription = new Subscription({
          id: nextId(),
          name,
          description,
          oem,
          oemModel,
          dsn,
          propertyName,
          clientType: client,
          types,
          subscriptionType: types.join(','),
          batchSize: 1,
          userUuid,
          ownerUuid: account.uuid,
          streamKey: newToken(),
          createdAt: aylaTime(),
          replayBufferSize: deps.replayBufferSize,
        });
        deps.dispatcher.add(subscription);
        deps.log(`subscription ${subscription.id} created by ${account.email}: ${client} ${types.join(',')} (key ${redact(subscription.streamKey)})`);
        const reply: SubscriptionWrapper = { subscription: subscription.record() };
        return { status: 201, body: reply };
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/subscriptions$/,
      style: 'api',
      handle(ctx) {
        const account = requireAccount(deps.accounts, ctx);
        const body: SubscriptionWrapper[] = [...deps.dispatcher.all()]
          .filter((s) => s.setup.ownerUuid === account.uuid)
          .map((s) => ({ subscription: s.record() }));
        return { status: 200, body };
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/subscriptions\/([^/]+)$/,
      style: 'api',
      handle(ctx, [id]) {
        const reply: SubscriptionWrapper = { subscription: owned(ctx, id!).subscription.record() };
        return { status: 200, body: reply };
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/api\/v1\/subscriptions\/([^/]+)$/,
      style: 'api',
      handle(ctx, [id]) {
        const { account, subscription } = owned(ctx, id!);
        deps.dispatcher.remove(subscription);
        deps.streams.closeFor(subscription, 'subscription deleted');
        deps.log(`subscription ${subscription.id} deleted by ${account.email}`);
        return { status: 204 };
      },
    },
  ];
}
