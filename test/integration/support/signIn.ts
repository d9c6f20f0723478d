// Signing in through the real prompts of "Ayla DSS: Sign In": each prompt is seen and answered through the
// live QuickPick/InputBox (ExtensionApi.testing.prompts), as a user's Enter would.
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension/api';
import type { PromptView } from '../../../src/extension/prompter';
import { sleep } from '../../unit/support/waitFor';

export interface Answers {
  cloud: string;
  clientType?: string;
  appId?: string;
  appSecret?: string;
  email?: string;
  password?: string;
  /** Escape at the prompt whose text starts with this (e.g. "Email"). */
  cancelAt?: string;
}

/** Which step a prompt is, by its text. */
export function stepOf(view: PromptView): string {
  if (view.kind === 'quickPick') return view.items.some((i) => i.label === 'US field') ? 'Cloud' : 'Client type';
  const prompt = view.prompt ?? '';
  if (/^App secret/.test(prompt)) return 'App secret';
  if (/^App id|did not know this app id/.test(prompt)) return 'App id';
  if (/^Email/.test(prompt)) return 'Email';
  if (/^Password/.test(prompt)) return 'Password';
  return prompt;
}

/**
 * Runs "Ayla DSS: Sign In" and answers every prompt it shows through the real UI; returns the command's
 * result and the prompts in the order they were shown.
 */
export async function signInThroughPrompts(api: ExtensionApi, answers: Answers): Promise<{ result: boolean; asked: PromptView[] }> {
  let settled = false;
  const command = Promise.resolve(vscode.commands.executeCommand<boolean>('aylaDss.signIn')).finally(() => (settled = true));
  const asked: PromptView[] = [];
  let lastId = api.testing.prompts.current()?.id ?? 0;
  while (!settled) {
    const view = api.testing.prompts.current();
    if (!view || view.id <= lastId) {
      await sleep(10);
      continue;
    }
    lastId = view.id;
    asked.push(view);
    const step = stepOf(view);
    if (answers.cancelAt !== undefined && step === answers.cancelAt) {
      await api.testing.prompts.cancel();
      continue;
    }
    const answer = {
      Cloud: answers.cloud,
      'Client type': answers.clientType,
      'App id': answers.appId,
      'App secret': answers.appSecret,
      Email: answers.email,
      Password: answers.password,
    }[step];
    if (answer === undefined) throw new Error(`No answer for the "${step}" prompt (${JSON.stringify(view)}).`);
    if (view.kind === 'quickPick') await api.testing.prompts.pick(answer);
    else await api.testing.prompts.enter(answer);
  }
  return { result: (await command) === true, asked };
}

