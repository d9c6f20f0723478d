// Composition root: builds the extension's surfaces and wires them together. It holds no logic of its own.
import * as vscode from 'vscode';
import { registerViews } from './views';
import { SimulatorController } from './simulatorController';
import { SimulatorStatusBar } from './simulatorStatusBar';
import { registerCommands } from './commands';
import { Notifier } from './notifier';
import { Explorer } from './explorer';
import { registerStreamingCommands } from './streamingCommands';
import { registerAccountCommands } from './accountCommands';
import { registerEventCommands } from './eventCommands';
import { registerSubscriptionsView } from './subscriptionsView';
import { registerEventJsonCommands } from './eventJsonCommands';
import { registerSetValueCommand } from './setValueCommand';
import { registerChartCommands } from './chartCommands';
import { modelSettings } from './streamingSettings';
import type { ExtensionApi } from './api';
import { setCoalescing } from './coalescer';

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Ayla DSS', { log: true });
  context.subscriptions.push(log);

  const notifier = new Notifier(log);
  const simulator = new SimulatorController(log);
  context.subscriptions.push(simulator);
  context.subscriptions.push(new SimulatorStatusBar(simulator));

  const explorer = new Explorer(modelSettings());
  context.subscriptions.push({ dispose: () => explorer.dispose() });

  const views = registerViews(context, { explorer, notifier });

  registerCommands(context, { log, notifier, simulator });
  registerStreamingCommands(context, { explorer, notifier });
  const testing = registerAccountCommands(context, { explorer, notifier, simulator, log });
  const events = registerEventCommands(context, { explorer, notifier, log });
  const subscriptions = registerSubscriptionsView(context, { explorer, notifier });
  const eventJson = registerEventJsonCommands(context, { explorer, notifier });
  const setValue = registerSetValueCommand(context, { explorer, notifier });
  const charts = registerChartCommands(context, { explorer, notifier, log });
  log.info(`Ayla DSS Explorer ${String(context.extension.packageJSON.version)} activated`);
  const simulatorSettings = vscode.workspace.getConfiguration('aylaDss.simulator');
  if (simulatorSettings.get<boolean>('autoStart', false)) {
    // The demo (npm start): signed in to the simulator with live devices, unless a stored session resumes.
    const signIn = simulatorSettings.get<boolean>('signInOnStart', false);
    void testing.account.activationResume.then((resumed) => vscode.commands.executeCommand(signIn && !resumed ? 'aylaDss.tryLocalSimulator' : 'aylaDss.startSimulator'));
  }

  const activationMs = performance.now() - started;
  return {
    simulatorUrl: () => simulator.url,
    recentMessages: () => notifier.recent,
    messageCount: () => notifier.total,
    explorer,
    testing: { ...testing, ...views, ...events, ...subscriptions, ...eventJson, ...setValue, ...charts, setCoalescing, activationMs },
  };
}

export function deactivate(): void {
  // Every disposable (including a running simulator) is in context.subscriptions.
}
