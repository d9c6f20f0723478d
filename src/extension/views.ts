// The live surfaces over the explorer: the Devices tree, the status bar item with its actions, and the
// stream-break notifications. Wired here so the composition root stays a list of parts.
import * as vscode from 'vscode';
import { DeviceTreeProvider, type DeviceTreeRow, type DeviceTreeStats } from './deviceTreeProvider';
import type { Explorer } from './explorer';
import type { Notifier } from './notifier';
import { StatusBar, type StatusBarSnapshot } from './statusBar';
import { StreamAlerts } from './streamAlerts';

export interface ViewDependencies {
  explorer: Explorer;
  notifier: Notifier;
}

/** For the integration tests only: what the views show, read through their own code. */
export interface ViewTesting {
  /** The Devices tree as the view shows it (via the provider's getChildren/getTreeItem), properties included. */
  devicesTree(): DeviceTreeRow[];
  /** How often the tree was refreshed, and how many nodes each time. */
  devicesTreeStats(): DeviceTreeStats;
  /** Whether the Devices view is visible now. */
  devicesTreeVisible(): boolean;
  /** Expands a device's row in the Devices view (TreeView.reveal), as a click on its twistie would. */
  expandDevice(dsn: string): Promise<void>;
  /** The status bar item's text, tooltip and the actions its click offers. */
  statusBar(): StatusBarSnapshot;
}

export function registerViews(context: vscode.ExtensionContext, { explorer, notifier }: ViewDependencies): ViewTesting {
  const devices = new DeviceTreeProvider(explorer);
  const devicesView = vscode.window.createTreeView('aylaDss.devices', { treeDataProvider: devices, showCollapseAll: true });
  devices.attach(devicesView);
  context.subscriptions.push(devices, devicesView);

  const statusBar = new StatusBar(explorer);
  context.subscriptions.push(statusBar, vscode.commands.registerCommand('aylaDss.showStatus', () => statusBar.showActions()));

  const alerts = new StreamAlerts(notifier, { runCommand: (command) => void vscode.commands.executeCommand(command) });
  context.subscriptions.push(explorer.onDidChangeState((state) => alerts.update(state)));

  return {
    devicesTree: () => devices.snapshot(),
    devicesTreeStats: () => devices.stats,
    devicesTreeVisible: () => devicesView.visible,
    expandDevice: async (dsn) => {
      const node = devices.deviceNodeFor(dsn);
      if (!node) throw new Error(`No device ${dsn} in the Devices view`);
      await devicesView.reveal(node, { expand: true, select: false, focus: false });
    },
    statusBar: () => statusBar.snapshot,
  };
}
