// "Ayla DSS: Sign In", "Try the Local Simulator" and "Sign Out", the resume on activation, and the test
// hooks that let an integration test answer the prompts and read what was stored.
import * as vscode from 'vscode';
import { AccountManager } from './accountManager';
import type { Explorer } from './explorer';
import type { Notifier } from './notifier';
import { Prompter, type PromptDriver } from './prompter';
import { SECRET_KEYS, SessionStore, TOKENS_KEY } from './sessionStore';
import type { SimulatorController } from './simulatorController';

export interface AccountCommandDependencies {
  explorer: Explorer;
  notifier: Notifier;
  simulator: SimulatorController;
  log: vscode.LogOutputChannel;
}

/** Test hooks for the account (ExtensionApi.testing.account). */
export interface AccountTestHooks {
  /** Settles when the resume started at activation has finished (true: a session was resumed). */
  activationResume: Promise<boolean>;
  /** Everything this extension keeps in SecretStorage, by key (absent keys left out). */
  storedSecrets(): Promise<Record<string, string>>;
  /** Everything this extension keeps in globalState, by key. */
  globalState(): Record<string, unknown>;
  /** The folder VS Code gives this extension for its log files (`context.logUri`). */
  logFolder(): string;
  /**
   * A window reload, simulated: the live session is dropped (streams stopped, nothing signed out, the
   * stored session untouched) and the activation's resume runs again. `simulatorGone` also stops the
   * built-in simulator in between, as a real reload (a new extension host process) does; `whileClosed`
   * runs in between too (e.g. the session is revoked elsewhere while no window is open).
   */
  reload(options?: { simulatorGone?: boolean; whileClosed?: () => Promise<void> }): Promise<boolean>;
  /** Deletes the stored tokens straight from SecretStorage, as another window's sign-out does. */
  signOutElsewhere(): Promise<void>;
}

export interface AccountTesting {
  prompts: PromptDriver;
  account: AccountTestHooks;
}

export function registerAccountCommands(context: vscode.ExtensionContext, deps: AccountCommandDependencies): AccountTesting {
  const prompter = new Prompter();
  const store = new SessionStore(context.secrets, context.globalState);
  const manager = new AccountManager({ ...deps, store, prompts: prompter });
  context.subscriptions.push(prompter, manager);

  const register = (id: string, run: () => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, run));
  };
  register('aylaDss.signIn', () => manager.signIn());
  register('aylaDss.tryLocalSimulator', () => manager.tryLocalSimulator());
  register('aylaDss.signOut', () => manager.signOut());

  const activationResume = manager.resume().catch((error: unknown) => {
    deps.log.error(`Resuming the stored session failed: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  });

  return {
    prompts: prompter.driver,
    account: {
      activationResume,
      storedSecrets: async () => {
        const found: Record<string, string> = {};
        for (const key of SECRET_KEYS) {
          const value = await context.secrets.get(key);
          if (value !== undefined) found[key] = value;
        }
        return found;
      },
      globalState: () => Object.fromEntries(context.globalState.keys().map((key) => [key, context.globalState.get(key)])),
      logFolder: () => context.logUri.fsPath,
      reload: async (options) => {
        await manager.suspend();
        if (options?.simulatorGone) await deps.simulator.stop();
        await options?.whileClosed?.();
        return manager.resume();
      },
      signOutElsewhere: async () => {
        await context.secrets.delete(TOKENS_KEY);
      },
    },
  };
}
