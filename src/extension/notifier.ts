// Every message the extension shows the user goes through here, so it is also written to the log
// and the most recent ones can be read back by tests (toasts are invisible in the test host).
import * as vscode from 'vscode';

export type Severity = 'info' | 'warning' | 'error';

export interface ShownMessage {
  severity: Severity;
  text: string;
}

const KEEP = 100;

export class Notifier {
  private readonly shown: ShownMessage[] = [];
  private shownTotal = 0;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** The last messages shown, oldest first (at most 100). */
  get recent(): readonly ShownMessage[] {
    return this.shown;
  }

  /** Messages shown since activation: a mark for reading only the ones shown after it. */
  get total(): number {
    return this.shownTotal;
  }

  info<A extends string>(text: string, ...actions: A[]): Thenable<A | undefined> {
    this.remember('info', text);
    this.log.info(text);
    return vscode.window.showInformationMessage(text, ...actions);
  }

  warn<A extends string>(text: string, ...actions: A[]): Thenable<A | undefined> {
    this.remember('warning', text);
    this.log.warn(text);
    return vscode.window.showWarningMessage(text, ...actions);
  }

  error<A extends string>(text: string, ...actions: A[]): Thenable<A | undefined> {
    this.remember('error', text);
    this.log.error(text);
    return vscode.window.showErrorMessage(text, ...actions);
  }

  private remember(severity: Severity, text: string): void {
    this.shownTotal++;
    this.shown.push({ severity, text });
    if (this.shown.length > KEEP) this.shown.shift();
  }
}
