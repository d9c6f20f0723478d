// The Ayla DSS status bar item: signed out / signing in / connecting / live with events per second /
// reconnecting (attempt, next try) / paused / failed, with a tooltip naming the account, cloud and open
// streams. Clicking it ("Ayla DSS: Show Status and Actions") offers what makes sense in that state.
// Re-rendered on every explorer state change (the explorer reports the rate once a second), and once a
// second by itself while a reconnect countdown runs.
import * as vscode from 'vscode';
import type { Explorer } from './explorer';
import { statusView, type StatusAction, type StatusView } from './statusBarText';

export interface StatusBarSnapshot {
  text: string;
  tooltip: string;
  /** Commands the click offers, in order. */
  actions: string[];
  background: StatusView['background'];
}

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('aylaDss.status', vscode.StatusBarAlignment.Left, 51);
  private readonly subscription: { dispose(): void };
  private ticker: ReturnType<typeof setInterval> | undefined;
  private view: StatusView | undefined;
  private renders = 0;

  constructor(private readonly explorer: Explorer) {
    this.item.name = 'Ayla DSS';
    this.item.command = 'aylaDss.showStatus';
    this.render();
    this.subscription = explorer.onDidChangeState(() => this.render());
    this.item.show();
  }

  /** What the item shows now. */
  get snapshot(): StatusBarSnapshot {
    return {
      text: String(this.item.text),
      tooltip: typeof this.item.tooltip === 'string' ? this.item.tooltip : (this.item.tooltip?.value ?? ''),
      actions: (this.view?.actions ?? []).map((a) => a.command),
      background: this.view?.background,
    };
  }

  /** Times the item's text or tooltip changed. */
  get renderCount(): number {
    return this.renders;
  }

  /** The click: a quick pick of the actions that make sense now; runs the one picked and returns its command. */
  async showActions(): Promise<string | undefined> {
    const view = this.render();
    type Pick = vscode.QuickPickItem & { action: StatusAction };
    const items: Pick[] = view.actions.map((action) => ({ label: action.label, ...(action.detail && { detail: action.detail }), action }));
    const picked = await vscode.window.showQuickPick(items, {
      title: view.text.replace(/\$\([\w~-]+\)\s*/g, ''),
      placeHolder: view.tooltip.join(' '),
    });
    if (!picked) return undefined;
    await vscode.commands.executeCommand(picked.action.command);
    return picked.action.command;
  }

  dispose(): void {
    this.subscription.dispose();
    this.stopTicker();
    this.item.dispose();
  }

  private render(): StatusView {
    const state = this.explorer.state;
    const view = statusView(state, Date.now());
    const tooltip = view.tooltip.join('\n');
    if (this.item.text !== view.text || this.item.tooltip !== tooltip) {
      this.item.text = view.text;
      this.item.tooltip = tooltip;
      this.renders++;
    }
    const background = view.background === undefined ? undefined : new vscode.ThemeColor(`statusBarItem.${view.background}Background`);
    if (view.background !== this.view?.background) this.item.backgroundColor = background;
    this.view = view;
    // The countdown moves on its own: tick while reconnecting.
    if (state.kind === 'signedIn' && state.streaming.kind === 'reconnecting') this.startTicker();
    else this.stopTicker();
    return view;
  }

  private startTicker(): void {
    if (this.ticker) return;
    this.ticker = setInterval(() => this.render(), 1000);
  }

  private stopTicker(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
  }
}
