// The flags and environment variables that say which Ayla cloud to talk to and as whom. The password
// is best given in AYLA_PASSWORD: a flag shows up in the shell history and the process list.
import { resolveHosts, type AylaHosts, type HostClientType } from '../ayla/hosts';
import type { SignInCredentials } from '../ayla/userService';
import { UsageError, type ParsedArgs } from './args';

export const ACCOUNT_FLAGS = [
  'base-url',
  'region',
  'deployment',
  'client-type',
  'user-url',
  'device-url',
  'dss-url',
  'stream-url',
  'email',
  'password',
  'app-id',
  'app-secret',
] as const;

export const ACCOUNT_USAGE = `Account options (each credential also from its environment variable):
  --base-url URL            every service at one origin, e.g. http://127.0.0.1:8080 (the simulator)
  --region us|eu|cn  --deployment field|dev|staging  --client-type mobile|cloud   (default us field mobile)
  --user-url, --device-url, --dss-url, --stream-url   override one service's host
  --email (AYLA_EMAIL)  --password (AYLA_PASSWORD)  --app-id (AYLA_APP_ID)  --app-secret (AYLA_APP_SECRET)`;

export interface AccountOptions {
  hosts: AylaHosts;
  clientType: HostClientType;
  credentials: SignInCredentials;
}

export function accountOptions(args: ParsedArgs, env: NodeJS.ProcessEnv = process.env): AccountOptions {
  const clientType = args.flags.get('client-type') ?? 'mobile';
  if (clientType !== 'mobile' && clientType !== 'cloud') throw new UsageError(`--client-type must be "mobile" or "cloud" (got "${clientType}").`);
  let hosts: AylaHosts;
  try {
    hosts = resolveHosts({
      region: args.flags.get('region') ?? 'us',
      deployment: args.flags.get('deployment') ?? 'field',
      clientType,
      ...(args.flags.has('base-url') && { baseUrl: args.flags.get('base-url') }),
      overrides: {
        ...(args.flags.has('user-url') && { user: args.flags.get('user-url') }),
        ...(args.flags.has('device-url') && { device: args.flags.get('device-url') }),
        ...(args.flags.has('dss-url') && { dssRest: args.flags.get('dss-url') }),
        ...(args.flags.has('stream-url') && { stream: args.flags.get('stream-url') }),
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const credential = (flag: string, variable: string): string => {
    const value = args.flags.get(flag) ?? env[variable];
    if (value === undefined || value === '') throw new UsageError(`Missing ${flag.replace('-', ' ')}: pass --${flag} or set ${variable}.`);
    return value;
  };
  return {
    hosts,
    clientType,
    credentials: {
      email: credential('email', 'AYLA_EMAIL'),
      password: credential('password', 'AYLA_PASSWORD'),
      appId: credential('app-id', 'AYLA_APP_ID'),
      appSecret: credential('app-secret', 'AYLA_APP_SECRET'),
    },
  };
}
