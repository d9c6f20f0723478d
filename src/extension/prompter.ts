// The real prompts of the sign-in flow: vscode QuickPick and InputBox, one at a time, with step numbers,
// validation, masked input, and Escape (hide) meaning "cancel". It also lets an integration test SEE the
// prompt that is showing and ANSWER it through the same UI object: the test hook sets the active item or
// the value on the live QuickPick/InputBox and then runs the workbench's own accept command, so the flow
// receives the answer exactly as it does from a user's Enter.
import * as vscode from 'vscode';
import type { InputOptions, PickOptions, Prompts } from './signInFlow';

/** What a test sees of the prompt that is showing. */
export interface PromptView {
  /** Increases with every prompt shown. */
  id: number;
  kind: 'quickPick' | 'inputBox';
  title: string | undefined;
  step: number | undefined;
  totalSteps: number | undefined;
  placeholder: string | undefined;
  /** Input boxes: the text above the field. */
  prompt: string | undefined;
  /** Input boxes: the current (prefilled) text; always '' for a masked input. */
  value: string;
  /** Input boxes: masked. */
  password: boolean;
  /** Quick picks: the items as shown. */
  items: { label: string; description: string | undefined; detail: string | undefined }[];
  /** Quick picks: the label of the item the pick starts on. */
  activeItem: string | undefined;
}

/** The test hook (ExtensionApi.testing.prompts). */
export interface PromptDriver {
  /** The next prompt the test has not seen yet: the one showing now, or the next one shown (rejects after `timeoutMs`, default 10 s). */
  next(timeoutMs?: number): Promise<PromptView>;
  /** The prompt showing now, if any. */
  current(): PromptView | undefined;
  /** Picks the item with this label in the showing quick pick (makes it active, then the workbench accepts it). */
  pick(label: string): Promise<void>;
  /** Checks exactly the items with these labels in the showing multi-select quick pick, then the workbench accepts them. */
  pickMany(labels: readonly string[]): Promise<void>;
  /** Types `value` into the showing input box and the workbench accepts it. */
  enter(value: string): Promise<void>;
  /** Escape: the workbench closes the showing prompt. */
  cancel(): Promise<void>;
}

type ItemWithValue = vscode.QuickPickItem & { value: unknown };

interface ActivePrompt {
  id: number;
  quickPick?: vscode.QuickPick<ItemWithValue>;
  inputBox?: vscode.InputBox;
  password: boolean;
  /** Resolves when the prompt is accepted or hidden, with what it accepted (undefined: cancelled). */
  closed: Promise<{ accepted: string | undefined }>;
}

export class Prompter implements Prompts, vscode.Disposable {
  private active: ActivePrompt | undefined;
  private shownCount = 0;
  /** The id of the last prompt `next()` returned. */
  private seen = 0;
  private readonly shown = new vscode.EventEmitter<void>();

  pick<T>(options: PickOptions<T>): Promise<T | undefined> {
    const quickPick = vscode.window.createQuickPick<ItemWithValue>();
    quickPick.title = options.title;
    quickPick.step = options.step;
    quickPick.totalSteps = options.totalSteps;
    quickPick.placeholder = options.placeholder;
    quickPick.ignoreFocusOut = true;
    quickPick.matchOnDescription = true;
    quickPick.items = options.items.map((item) => ({ label: item.label, description: item.description, detail: item.detail, value: item.value }));
    const start = quickPick.items.find((item) => options.active !== undefined && item.value === options.active);
    if (start) quickPick.activeItems = [start];

    return this.run<T>(quickPick, { quickPick, password: false }, (finish) => [
      quickPick.onDidAccept(() => {
        const item = quickPick.selectedItems[0] ?? quickPick.activeItems[0];
        if (item) finish(item.value as T, item.label);
      }),
    ]);
  }

  /** A quick pick with check boxes: the checked items' values (maybe none), or undefined when the user escaped. */
  pickMany<T>(options: Omit<PickOptions<T>, 'step' | 'totalSteps' | 'active'>): Promise<T[] | undefined> {
    const quickPick = vscode.window.createQuickPick<ItemWithValue>();
    quickPick.title = options.title;
    quickPick.placeholder = options.placeholder;
    quickPick.canSelectMany = true;
    quickPick.ignoreFocusOut = true;
    quickPick.matchOnDescription = true;
    quickPick.matchOnDetail = true;
    quickPick.items = options.items.map((item) => ({ label: item.label, description: item.description, detail: item.detail, value: item.value }));
    return this.run<T[]>(quickPick, { quickPick, password: false }, (finish) => [
      quickPick.onDidAccept(() => {
        const chosen = quickPick.selectedItems;
        finish(
          chosen.map((item) => item.value as T),
          chosen.map((item) => item.label).join(', '),
        );
      }),
    ]);
  }

  input(options: InputOptions): Promise<string | undefined> {
    const inputBox = vscode.window.createInputBox();
    inputBox.title = options.title;
    inputBox.step = options.step;
    inputBox.totalSteps = options.totalSteps;
    inputBox.prompt = options.prompt;
    inputBox.placeholder = options.placeholder;
    inputBox.value = options.value ?? '';
    inputBox.password = options.password === true;
    inputBox.ignoreFocusOut = true;
    const validate = options.validate ?? ((): undefined => undefined);

    return this.run<string>(inputBox, { inputBox, password: inputBox.password }, (finish) => [
      inputBox.onDidChangeValue((value) => {
        // Only complain once something was typed: an empty field is not an error yet.
        inputBox.validationMessage = value === '' ? undefined : validate(value);
      }),
      inputBox.onDidAccept(() => {
        const value = inputBox.value;
        const problem = validate(value);
        if (problem !== undefined) {
          inputBox.validationMessage = problem;
          return;
        }
        // A password must not linger in the UI object (nor in the value the test hook could read).
        if (inputBox.password) inputBox.value = '';
        finish(value, inputBox.password ? undefined : value);
      }),
    ]);
  }

  /** For tests: see and answer the prompts through the real UI. */
  readonly driver: PromptDriver = {
    next: (timeoutMs = 10_000) => this.next(timeoutMs),
    current: () => (this.active ? this.view(this.active) : undefined),
    pick: (label) => this.answerPick(label),
    pickMany: (labels) => this.answerPickMany(labels),
    enter: (value) => this.answerInput(value),
    cancel: async () => {
      const active = this.active;
      if (!active) return;
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      await this.waitClosed(active, 'close');
    },
  };

  dispose(): void {
    this.active?.quickPick?.dispose();
    this.active?.inputBox?.dispose();
    this.shown.dispose();
  }

  private run<T>(
    ui: vscode.QuickPick<ItemWithValue> | vscode.InputBox,
    parts: Pick<ActivePrompt, 'quickPick' | 'inputBox' | 'password'>,
    listen: (finish: (value: T, shown: string | undefined) => void) => vscode.Disposable[],
  ): Promise<T | undefined> {
    // A new prompt replaces one still showing (a second flow started while the first waits).
    this.active?.quickPick?.hide();
    this.active?.inputBox?.hide();
    let closeActive: (outcome: { accepted: string | undefined }) => void = () => undefined;
    const active: ActivePrompt = { id: ++this.shownCount, ...parts, closed: new Promise((resolve) => (closeActive = resolve)) };
    return new Promise<T | undefined>((resolve) => {
      let settled = false;
      const settle = (value: T | undefined, shown: string | undefined): void => {
        if (settled) return;
        settled = true;
        for (const d of disposables) d.dispose();
        if (this.active === active) this.active = undefined;
        ui.dispose();
        closeActive({ accepted: value === undefined ? undefined : (shown ?? '') });
        resolve(value);
      };
      const disposables = [...listen((value, shown) => settle(value, shown)), ui.onDidHide(() => settle(undefined, undefined))];
      this.active = active;
      ui.show();
      this.shown.fire();
    });
  }

  private view(active: ActivePrompt): PromptView {
    const ui = active.quickPick ?? active.inputBox!;
    return {
      id: active.id,
      kind: active.quickPick ? 'quickPick' : 'inputBox',
      title: ui.title,
      step: ui.step,
      totalSteps: ui.totalSteps,
      placeholder: ui.placeholder,
      prompt: active.inputBox?.prompt,
      value: active.inputBox && !active.password ? active.inputBox.value : '',
      password: active.password,
      items: (active.quickPick?.items ?? []).map((i) => ({ label: i.label, description: i.description, detail: i.detail })),
      activeItem: active.quickPick?.activeItems[0]?.label,
    };
  }

  private next(timeoutMs: number): Promise<PromptView> {
    return new Promise((resolve, reject) => {
      const take = (): boolean => {
        const active = this.active;
        if (!active || active.id <= this.seen) return false;
        this.seen = active.id;
        resolve(this.view(active));
        return true;
      };
      if (take()) return;
      const listener = this.shown.event(() => {
        if (!take()) return;
        clearTimeout(timer);
        listener.dispose();
      });
      const timer = setTimeout(() => {
        listener.dispose();
        reject(new Error(`No new prompt was shown within ${timeoutMs} ms${this.active ? ` (still showing prompt ${this.active.id})` : ''}.`));
      }, timeoutMs);
    });
  }

  private async answerPick(label: string): Promise<void> {
    const active = this.requireActive('quickPick');
    const quickPick = active.quickPick!;
    const item = quickPick.items.find((i) => i.label === label);
    if (!item) throw new Error(`The quick pick has no item "${label}" (it has ${quickPick.items.map((i) => `"${i.label}"`).join(', ')}).`);
    quickPick.activeItems = [item];
    await this.accept(active, label);
  }

  private async answerPickMany(labels: readonly string[]): Promise<void> {
    const active = this.requireActive('quickPick');
    const quickPick = active.quickPick!;
    const missing = labels.filter((label) => !quickPick.items.some((i) => i.label === label));
    if (missing.length > 0) throw new Error(`The quick pick has no item ${missing.map((l) => `"${l}"`).join(', ')} (it has ${quickPick.items.map((i) => `"${i.label}"`).join(', ')}).`);
    const chosen = quickPick.items.filter((i) => labels.includes(i.label));
    quickPick.selectedItems = chosen;
    await this.accept(active, chosen.map((i) => i.label).join(', '));
  }

  private async answerInput(value: string): Promise<void> {
    const active = this.requireActive('inputBox');
    active.inputBox!.value = value;
    await this.accept(active, active.password ? '' : value);
  }

  /** Runs the workbench's accept (what Enter does) and checks the prompt accepted what the test meant. */
  private async accept(active: ActivePrompt, expected: string): Promise<void> {
    // The extension host sends QuickPick/InputBox property changes to the workbench on a zero-delay
    // timer; let it go out before the accept command, which travels on the same ordered channel.
    await new Promise((resolve) => setTimeout(resolve, 0));
    await new Promise((resolve) => setTimeout(resolve, 0));
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const { accepted } = await this.waitClosed(active, 'accept');
    if (accepted !== expected) {
      throw new Error(`Prompt ${active.id} accepted ${accepted === undefined ? 'nothing (it was closed)' : `"${accepted}"`} instead of "${expected}".`);
    }
  }

  private async waitClosed(active: ActivePrompt, what: string): Promise<{ accepted: string | undefined }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const problem = active.inputBox?.validationMessage;
        const why = typeof problem === 'string' && problem !== '' ? `: it says "${problem}"` : '';
        reject(new Error(`Prompt ${active.id} did not ${what} within 10 s${why}.`));
      }, 10_000);
    });
    try {
      return await Promise.race([active.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private requireActive(kind: 'quickPick' | 'inputBox'): ActivePrompt {
    const active = this.active;
    if (!active) throw new Error(`No prompt is showing (expected a ${kind === 'quickPick' ? 'quick pick' : 'input box'}).`);
    if ((kind === 'quickPick') !== (active.quickPick !== undefined)) {
      throw new Error(`The showing prompt ${active.id} is ${active.quickPick ? 'a quick pick' : 'an input box'}, not ${kind === 'quickPick' ? 'a quick pick' : 'an input box'}.`);
    }
    return active;
  }
}
