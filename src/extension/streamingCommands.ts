// Start/Stop/Pause/Resume Streaming and Refresh Devices, plus the context keys the menus depend on.
import * as vscode from 'vscode';
import type { Explorer } from './explorer';
import type { Notifier } from './notifier';
import { describeError } from './describeError';
import { streamingSettings } from './streamingSettings';

export interface StreamingCommandDependencies {
  explorer: Explorer;
  notifier: Notifier;
}

/** Reports a failed start itself when it returns true (set by the Subscriptions view for refused cloud subscriptions). */
export type StartFailureHandler = (error: unknown) => Promise<boolean>;
let startFailureHandler: StartFailureHandler | undefined;

/** Lets `handler` take over the report of a failed start (every caller of startStreaming, sign-in included). */
export function handleStartFailures(handler: StartFailureHandler): vscode.Disposable {
  startFailureHandler = handler;
  return new vscode.Disposable(() => {
    if (startFailureHandler === handler) startFailureHandler = undefined;
  });
}

/** Starts streaming with the current settings; reports a failure to the user instead of throwing. */
export async function startStreaming({ explorer, notifier }: StreamingCommandDependencies): Promise<boolean> {
  try {
    await explorer.startStreaming(streamingSettings());
    return true;
  } catch (error) {
    if (startFailureHandler && (await startFailureHandler(error).catch(() => false))) return false;
    void notifier.error(`Streaming did not start: ${describeError(error)}.`, 'Retry', 'Open Settings').then((choice) => {
      if (choice === 'Retry') void vscode.commands.executeCommand('aylaDss.startStreaming');
      if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'aylaDss');
    });
    return false;
  }
}

export function registerStreamingCommands(context: vscode.ExtensionContext, deps: StreamingCommandDependencies): void {
  const { explorer, notifier } = deps;
  const register = (id: string, run: () => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, run));
  };
  const signedIn = (): boolean => {
    if (explorer.currentSession) return true;
    void notifier.info('Sign in first: run "Ayla DSS: Sign In" (or try the local simulator).', 'Sign In').then((choice) => {
      if (choice) void vscode.commands.executeCommand('aylaDss.signIn');
    });
    return false;
  };

  register('aylaDss.startStreaming', () => signedIn() && startStreaming(deps));
  register('aylaDss.stopStreaming', async () => {
    if (!signedIn()) return false;
    try {
      await explorer.stopStreaming();
      return true;
    } catch (error) {
      void notifier.error(`Streaming did not stop cleanly: ${describeError(error)}. "Delete Leftover Subscriptions" removes leftovers.`);
      return false;
    }
  });
  register('aylaDss.pauseStreaming', () => explorer.pause());
  register('aylaDss.resumeStreaming', () => explorer.resume());
  register('aylaDss.refreshDevices', async () => {
    if (!signedIn()) return false;
    try {
      await explorer.refreshDevices();
      return true;
    } catch (error) {
      // The session ended meanwhile (its refresh token was rejected): that is already told, with "Sign In".
      if (explorer.currentSession === undefined) return false;
      void notifier.error(`Could not list the devices: ${describeError(error)}.`, 'Retry').then((choice) => {
        if (choice) void vscode.commands.executeCommand('aylaDss.refreshDevices');
      });
      return false;
    }
  });

  // Context keys for menus and welcome content, kept in step with the explorer's state.
  let last = '';
  const publish = (): void => {
    const state = explorer.state;
    const keys = {
      signedIn: state.kind === 'signedIn',
      streaming: state.kind === 'signedIn' && state.streaming.kind !== 'stopped',
      paused: state.kind === 'signedIn' && state.paused,
    };
    const text = JSON.stringify(keys);
    if (text === last) return;
    last = text;
    for (const [key, value] of Object.entries(keys)) void vscode.commands.executeCommand('setContext', `aylaDss.${key}`, value);
  };
  context.subscriptions.push(explorer.onDidChangeState(publish));
  publish();
}
