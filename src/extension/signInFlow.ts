// The "Ayla DSS: Sign In" prompt sequence: cloud → client type → app id → app secret → email → password.
// It decides what to ask and what to prefill; the prompts themselves are behind the `Prompts` interface
// (the real one is prompter.ts, over vscode's QuickPick and InputBox), so this file has no vscode import
// and its decisions are unit-tested in plain Node. Escape at any step ends the flow with `undefined`.
import { AylaApiError } from '../ayla/errors';
import type { HostClientType } from '../ayla/hosts';
import { CLIENT_TYPES, CLOUDS, cloudDescription, findCloud, type AylaCloud, type Cloud, type CloudId } from './clouds';

export interface PickItem<T> {
  label: string;
  description?: string;
  detail?: string;
  value: T;
}

export interface StepOptions {
  title: string;
  step: number;
  totalSteps: number;
}

export interface PickOptions<T> extends StepOptions {
  placeholder: string;
  items: readonly PickItem<T>[];
  /** The item to start on (the previous choice). */
  active?: T;
}

export interface InputOptions extends StepOptions {
  prompt: string;
  placeholder?: string;
  /** Prefilled text. */
  value?: string;
  /** Masked input. */
  password?: boolean;
  /** A sentence saying what is wrong, or undefined when the value is acceptable. */
  validate?: (value: string) => string | undefined;
}

export interface Prompts {
  /** The chosen item's value, or undefined when the user escaped. */
  pick<T>(options: PickOptions<T>): Promise<T | undefined>;
  /** The accepted text, or undefined when the user escaped. */
  input(options: InputOptions): Promise<string | undefined>;
}

/** What the flow knows before it asks anything. */
export interface SignInFacts {
  /** The setting `aylaDss.appId` ('' when unset). */
  appId: string;
  /** The app id the user service last rejected (404): asked again even though it is set. */
  rejectedAppId: string | undefined;
  /** The app secret kept in SecretStorage for this app id, if any. */
  appSecretFor(appId: string): Promise<string | undefined>;
  /** The email of the last sign-in ('' when none): the email prompt starts with it. */
  lastEmail: string;
  /** The cloud and client type of the last sign-in: the quick picks start on them. */
  lastCloudId?: CloudId | undefined;
  lastClientType?: HostClientType | undefined;
}

/** What "Retry" keeps of a failed attempt: the cloud and client type are not asked again. */
export interface KeptChoices {
  cloudId: AylaCloud['id'];
  clientType: HostClientType;
}

export type SignInAnswers =
  | { kind: 'simulator' }
  | {
      kind: 'ayla';
      cloud: AylaCloud;
      clientType: HostClientType;
      appId: string;
      appSecret: string;
      /** The secret was typed now (to be kept in SecretStorage), not taken from it. */
      appSecretEntered: boolean;
      email: string;
      /** Used for the one sign-in call and then dropped: never stored, never kept for a retry. */
      password: string;
    };

export const SIGN_IN_TITLE = 'Ayla DSS: Sign In';

export function checkAppId(value: string): string | undefined {
  const v = value.trim();
  if (v === '') return 'Enter the app id of your Ayla app (from the Ayla developer portal).';
  if (/\s/.test(v)) return 'An app id has no spaces.';
  return undefined;
}

export function checkAppSecret(value: string): string | undefined {
  return value.trim() === '' ? 'Enter the app secret that belongs to this app id.' : undefined;
}

export function checkEmail(value: string): string | undefined {
  return /^[^\s@]+@[^\s@]+$/.test(value.trim()) ? undefined : 'Enter the email address of your Ayla account.';
}

export function checkPassword(value: string): string | undefined {
  return value === '' ? 'Enter your password.' : undefined;
}

/** Runs the prompts; undefined when the user escaped at any step. */
export async function runSignInFlow(prompts: Prompts, facts: SignInFacts, kept?: KeptChoices): Promise<SignInAnswers | undefined> {
  const settingAppId = facts.appId.trim();
  const askAppId = settingAppId === '' || facts.rejectedAppId === settingAppId;
  const storedSecret = askAppId ? undefined : await facts.appSecretFor(settingAppId);
  // Shown as "step/total"; the total is what is known now (a newly typed app id may have a stored secret).
  const total = (kept ? 0 : 2) + (askAppId ? 1 : 0) + (storedSecret === undefined ? 1 : 0) + 2;
  let step = 0;
  const at = (): StepOptions => ({ title: SIGN_IN_TITLE, step: ++step, totalSteps: Math.max(total, step) });

  let cloud: Cloud | undefined;
  let clientType: HostClientType | undefined;
  if (kept) {
    cloud = findCloud(kept.cloudId);
    clientType = kept.clientType;
  } else {
    cloud = await prompts.pick<Cloud>({
      ...at(),
      placeholder: 'Which Ayla cloud? (region and deployment)',
      items: CLOUDS.map((c) => ({ label: c.label, description: cloudDescription(c), value: c })),
      active: findCloud(facts.lastCloudId),
    });
    if (!cloud) return undefined;
    if (cloud.kind === 'simulator') return { kind: 'simulator' };
    clientType = await prompts.pick<HostClientType>({
      ...at(),
      placeholder: 'Which client type? It decides the stream hosts and which devices you see.',
      items: CLIENT_TYPES.map((c) => ({ label: c.label, detail: c.detail, value: c.clientType })),
      active: facts.lastClientType,
    });
    if (!clientType) return undefined;
  }
  if (!cloud || cloud.kind !== 'ayla' || !clientType) return undefined;

  let appId = settingAppId;
  if (askAppId) {
    const rejected = facts.rejectedAppId !== undefined && facts.rejectedAppId === settingAppId;
    const entered = await prompts.input({
      ...at(),
      prompt: rejected
        ? `The ${cloud.label} cloud did not know this app id with its app secret: check the app id (setting aylaDss.appId).`
        : 'App id of your Ayla app (kept in the setting aylaDss.appId).',
      placeholder: 'e.g. myapp-id',
      value: settingAppId,
      validate: checkAppId,
    });
    if (entered === undefined) return undefined;
    appId = entered.trim();
  }

  let appSecret = appId === settingAppId ? storedSecret : await facts.appSecretFor(appId);
  const appSecretEntered = appSecret === undefined;
  if (appSecret === undefined) {
    const entered = await prompts.input({
      ...at(),
      prompt: `App secret for ${appId} (kept in VS Code's secret storage, never in settings).`,
      password: true,
      validate: checkAppSecret,
    });
    if (entered === undefined) return undefined;
    appSecret = entered.trim();
  }

  const email = await prompts.input({
    ...at(),
    prompt: `Email of your Ayla account on ${cloud.label}.`,
    placeholder: 'you@example.com',
    value: facts.lastEmail,
    validate: checkEmail,
  });
  if (email === undefined) return undefined;

  const password = await prompts.input({
    ...at(),
    prompt: `Password for ${email.trim()} (never stored; five wrong passwords lock the account for 30 minutes).`,
    password: true,
    validate: checkPassword,
  });
  if (password === undefined) return undefined;

  return { kind: 'ayla', cloud, clientType, appId, appSecret, appSecretEntered, email: email.trim(), password };
}

export interface SignInFailure {
  /** One sentence (or the two of the protocol's wrong-password message) for the user. */
  message: string;
  /** The service did not know the app id/secret (404): forget the stored secret and ask both again. */
  appRejected: boolean;
}

/** How a failed sign-in is told to the user. Messages from src/ayla are already sentences that say what to do. */
export function describeSignInFailure(error: unknown): SignInFailure {
  if (error instanceof AylaApiError) {
    const appRejected = error.service === 'user' && error.kind === 'http' && error.status === 404;
    return { message: error.message, appRejected };
  }
  const text = error instanceof Error ? error.message : String(error);
  return { message: `Sign-in failed: ${text.replace(/[.\s]+$/, '')}.`, appRejected: false };
}
