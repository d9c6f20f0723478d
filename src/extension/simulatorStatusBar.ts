// Shows, while the built-in simulator runs, where it listens; clicking it offers to stop it.
import * as vscode from 'vscode';
import type { SimulatorController } from './simulatorController';

export class SimulatorStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('aylaDss.simulator', vscode.StatusBarAlignment.Left, 50);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly simulator: SimulatorController) {
    this.item.name = 'Ayla DSS Simulator';
    this.item.command = 'aylaDss.stopSimulator';
    this.subscription = simulator.onDidChange(() => this.render());
    this.render();
  }

  private render(): void {
    const url = this.simulator.url;
    if (!url) {
      this.item.hide();
      return;
    }
    this.item.text = `$(server-process) Ayla simulator :${new URL(url).port}`;
    this.item.tooltip = `The built-in Ayla cloud simulator is listening on ${url}. Click to stop it.`;
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
