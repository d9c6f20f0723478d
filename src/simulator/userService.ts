// The user service (ayla-protocol.md §2): sign-in, refresh, sign-out and the user profile. Its errors
// are `{"error":"…"}`.
import type { UserProfile } from '../ayla/wireTypes';
import type { Accounts } from './accounts';
import { requireAccount } from './auth';
import { HttpError, isRecord, requireObjectBody, type Route } from './http';

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new HttpError(400, `${what} is required and must be a string.`);
  return value;
}

function userObject(body: Record<string, unknown>): Record<string, unknown> {
  if (!isRecord(body.user)) throw new HttpError(400, 'The body must be {"user":{…}}.');
  return body.user;
}

export function userServiceRoutes(accounts: Accounts): Route[] {
  return [
    {
      method: 'POST',
      pattern: /^\/users\/sign_in$/,
      style: 'user',
      handle(ctx) {
        const user = userObject(requireObjectBody(ctx));
        const email = text(user.email, 'user.email');
        const password = text(user.password, 'user.password');
        if (!isRecord(user.application)) throw new HttpError(400, 'user.application is required ({"app_id":…,"app_secret":…}).');
        const appId = text(user.application.app_id, 'user.application.app_id');
        const appSecret = text(user.application.app_secret, 'user.application.app_secret');
        const outcome = accounts.signIn(email, password, appId, appSecret);
        if (!outcome.ok) throw new HttpError(outcome.status, outcome.message);
        return { status: 200, body: outcome.response };
      },
    },
    {
      method: 'POST',
      pattern: /^\/users\/refresh_token$/,
      style: 'user',
      handle(ctx) {
        const refreshToken = text(userObject(requireObjectBody(ctx)).refresh_token, 'user.refresh_token');
        const response = accounts.refresh(refreshToken);
        if (!response) throw new HttpError(401, 'Your refresh token is invalid.');
        return { status: 200, body: response };
      },
    },
    {
      method: 'POST',
      pattern: /^\/users\/sign_out$/,
      style: 'user',
      handle(ctx) {
        const accessToken = text(userObject(requireObjectBody(ctx)).access_token, 'user.access_token');
        if (!accounts.signOut(accessToken)) throw new HttpError(401, 'Your access token is invalid.');
        return { status: 200, body: {} };
      },
    },
    {
      method: 'GET',
      pattern: /^\/users\/get_user_profile$/,
      style: 'user',
      handle(ctx) {
        const account = requireAccount(accounts, ctx);
        const profile: UserProfile = {
          id: account.id,
          uuid: account.uuid,
          email: account.email,
          firstname: account.firstname,
          lastname: account.lastname,
          company: null,
          country: null,
          role: account.role,
          oem_id: account.oemId,
          approved: true,
          terms_accepted: true,
          created_at: account.createdAt,
          updated_at: account.createdAt,
        };
        return { status: 200, body: profile };
      },
    },
  ];
}
