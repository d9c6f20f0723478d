// `Authorization: auth_token <access token>` on every call but sign-in, refresh and sign-out.
import type { Account, Accounts } from './accounts';
import { HttpError, type RequestContext } from './http';

export function requireAccount(accounts: Accounts, ctx: RequestContext): Account {
  const header = ctx.headers.authorization;
  const result = accounts.authenticate(Array.isArray(header) ? header[0] : header);
  if ('message' in result) throw new HttpError(401, result.message);
  return result.account;
}

export function isOemRole(role: string): boolean {
  return role.startsWith('OEM::');
}
