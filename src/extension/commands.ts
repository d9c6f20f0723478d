// The command palette entries. Each command reports its outcome to the user in one sentence.
import * as vscode from 'vscode';
import type { SimulatorController } from './simulatorController';
import type { Notifier } from './notifier';
import { describeError } from './describeError';

interface CommandDependencies {
  log: vscode.LogOutputChannel;
  notifier: Notifier;
  simulator: SimulatorController;
}

export function registerCommands(context: vscode.ExtensionContext, deps: CommandDependencies): void {
  const { log, notifier, simulator } = deps;
  const register = (id: string, run: (...args: unknown[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, run));

  register('aylaDss.startSimulator', async () => {
    try {
      const running = await simulator.start();
      const { email, password, appId, appSecret } = running.demo;
      void notifier
        .info(
          `Ayla simulator listening on ${running.url}. Demo account: ${email} / ${password} (app id ${appId}, app secret ${appSecret}).`,
          'Copy URL',
          'Show Log',
        )
        .then((choice) => {
          if (choice === 'Copy URL') void vscode.env.clipboard.writeText(running.url);
          if (choice === 'Show Log') log.show();
        });
      return running.url;
    } catch (error) {
      const message = `Could not start the local simulator: ${describeError(error)}. Pick another port in the setting aylaDss.simulator.port, or 0 for any free port.`;
      void notifier.error(message, 'Open Settings').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'aylaDss.simulator');
      });
      return undefined;
    }
  });

  register('aylaDss.stopSimulator', async () => {
    const stopped = await simulator.stop();
    if (!stopped) void notifier.info('The local simulator is not running.');
    return stopped;
  });

  register('aylaDss.showLog', () => log.show());
}
