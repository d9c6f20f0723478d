// Event JSON into code: on a property "Copy Last Event JSON", "Insert Last Event JSON at Cursor" and "Copy
// Value"; on a device "Copy Device JSON" and "Open Recent Events"; and "Ayla DSS: Pick Event…" over the
// recent events. What is copied is the event exactly as the server sent it, re-indented token by token
// (eventJson.ts): no field lost, key order kept, big numbers and string escapes untouched.
import * as vscode from 'vscode';
import type { DssEvent } from '../ayla/events';
import { deviceLabel } from './deviceTreeItems';
import { prettyJson, prettyJsonArray, valueToCopy } from './eventJson';
import { eventPickRow } from './eventPickItems';
import type { Explorer } from './explorer';
import type { Notifier } from './notifier';
import { dsnOf, propertyOf } from './commandTargets';
import { Prompter, type PromptDriver } from './prompter';

export interface EventJsonDependencies {
  explorer: Explorer;
  notifier: Notifier;
}

/** For the integration tests only (ExtensionApi.testing). */
export interface EventJsonTesting {
  /** The prompts of "Pick Event…" (see and answer them). */
  pickEventPrompts: PromptDriver;
}

/** Events "Pick Event…" lists at most (the newest). */
export const PICK_EVENT_LIMIT = 1000;
const PICK_TITLE = 'Ayla DSS: Pick Event';
const COPY = 'Copy to Clipboard';
const INSERT = 'Insert at Cursor';

/** The leading whitespace of the cursor's line goes in front of every further line, so the JSON sits where it lands. */
function indentFor(editor: vscode.TextEditor, selection: vscode.Selection, text: string): string {
  const line = editor.document.lineAt(selection.start.line).text;
  const indent = /^[ \t]*/.exec(line)?.[0].slice(0, selection.start.character) ?? '';
  return indent === '' ? text : text.split('\n').join(`\n${indent}`);
}

export function registerEventJsonCommands(context: vscode.ExtensionContext, { explorer, notifier }: EventJsonDependencies): EventJsonTesting {
  const prompter = new Prompter();
  context.subscriptions.push(prompter);
  const store = explorer.store;

  // Each device keeps as many recent events as "Open Recent Events" shows (the setting), no more.
  store.resize({ eventsPerDevice: recentPerDevice() });
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((change) => {
      if (change.affectsConfiguration('aylaDss.events.recentPerDevice')) store.resize({ eventsPerDevice: recentPerDevice() });
    }),
  );

  const register = (id: string, run: (...args: unknown[]) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, run));
  };

  const notInTree = (dsn: string): undefined => {
    void notifier.warn(
      explorer.currentSession
        ? `Device ${dsn} is not in the Devices view any more; run "Ayla DSS: Refresh Devices" and try again.`
        : `Device ${dsn} is not in the Devices view: sign in with "Ayla DSS: Sign In" first.`,
    );
    return undefined;
  };

  const pickFromTree = (what: string): undefined => {
    void notifier.info(`Right-click a ${what} in the Ayla DSS Devices view to use this command.`);
    return undefined;
  };

  /** The last event of the property given by the tree menu, pretty-printed; undefined (having said why) when there is none. */
  const lastPropertyEventJson = (target: unknown): string | undefined => {
    const ref = propertyOf(target);
    if (!ref) return pickFromTree('property');
    const property = store.property(ref.dsn, ref.name);
    if (!property) return store.device(ref.dsn) ? notInTree(`${ref.dsn} with property ${ref.name}`) : notInTree(ref.dsn);
    const event = store.lastEvent(ref.dsn, ref.name);
    if (!event) {
      void notifier.info(`${property.displayName} has not sent an event yet in this session.`);
      return undefined;
    }
    return prettyJson(event.raw);
  };

  const copy = async (text: string, what: string): Promise<string> => {
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(`$(check) Copied ${what}`, 3000);
    return text;
  };

  /** Inserts at every cursor of the active editor; false (having said why) when no editor is open. */
  const insert = async (text: string, what: string): Promise<boolean> => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void notifier.info(`Open a text editor and place the cursor where ${what} should go, then run the command again.`);
      return false;
    }
    const done = await editor.edit((edit) => {
      for (const selection of editor.selections) edit.replace(selection, indentFor(editor, selection, text));
    });
    if (!done) void notifier.warn(`${what[0]!.toUpperCase()}${what.slice(1)} could not be inserted: the editor did not take the edit (is it read-only?).`);
    return done;
  };

  register('aylaDss.copyLastEventJson', async (target) => {
    const json = lastPropertyEventJson(target);
    return json === undefined ? undefined : copy(json, 'the last event JSON');
  });

  register('aylaDss.insertLastEventJson', async (target) => {
    const json = lastPropertyEventJson(target);
    return json !== undefined && (await insert(json, 'the last event JSON')) ? json : undefined;
  });

  register('aylaDss.copyValue', async (target) => {
    const ref = propertyOf(target);
    if (!ref) return pickFromTree('property');
    const property = store.property(ref.dsn, ref.name);
    if (!property) return notInTree(ref.dsn);
    const event = property.lastEvent;
    const text = valueToCopy(property.value, property.valueSource === 'event' ? event?.raw : undefined);
    if (text === undefined) {
      void notifier.info(`${property.displayName} has no value yet: neither the device service nor an event has reported one.`);
      return undefined;
    }
    return copy(text, `the value of ${property.displayName}`);
  });

  register('aylaDss.copyDeviceJson', async (target) => {
    const dsn = dsnOf(target);
    if (dsn === undefined) return pickFromTree('device');
    const device = store.device(dsn);
    if (!device) return notInTree(dsn);
    if (device.device === undefined) {
      void notifier.info(`${deviceLabel(device)} is known from events only, so there is no device JSON from the device service yet; run "Ayla DSS: Refresh Devices".`);
      return undefined;
    }
    // Kept as an object (the device service's response was parsed); JSON.stringify keeps its key order.
    return copy(JSON.stringify(device.device, null, 2), `the device JSON of ${deviceLabel(device)}`);
  });

  register('aylaDss.openRecentEvents', async (target) => {
    const dsn = dsnOf(target);
    if (dsn === undefined) return pickFromTree('device');
    const device = store.device(dsn);
    if (!device) return notInTree(dsn);
    const limit = recentPerDevice();
    const events = store.recentEventsOfDevice(dsn, limit);
    if (events.length === 0) {
      void notifier.info(`${deviceLabel(device)} has not sent an event yet in this session.`);
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument({ language: 'json', content: `${prettyJsonArray(events.map((e) => e.raw))}\n` });
    await vscode.window.showTextDocument(document, { preview: false });
    return document;
  });

  register('aylaDss.pickEvent', async () => {
    const events = store.recentEvents(PICK_EVENT_LIMIT);
    if (events.length === 0) {
      void notifier.info(
        explorer.currentSession ? 'No event has arrived yet in this session: start streaming and wait for one.' : 'No event has arrived yet: sign in and start streaming first.',
      );
      return undefined;
    }
    const now = Date.now();
    const total = store.bufferedEvents;
    const event = await prompter.pick<DssEvent>({
      title: PICK_TITLE,
      step: 1,
      totalSteps: 2,
      placeholder:
        total > events.length
          ? `The newest ${events.length} of ${total} events; type to filter by type, device, property, value or time`
          : `${events.length} recent event${events.length === 1 ? '' : 's'}, newest first; type to filter by type, device, property, value or time`,
      items: [...events].reverse().map((e) => {
        const device = store.device(e.dsn);
        return { ...eventPickRow(e, device ? deviceLabel(device) : undefined, now), value: e };
      }),
    });
    if (!event) return undefined;
    const editor = vscode.window.activeTextEditor;
    const action = await prompter.pick<string>({
      title: PICK_TITLE,
      step: 2,
      totalSteps: 2,
      placeholder: 'Copy the event JSON, or insert it at the cursor',
      items: [
        { label: COPY, value: COPY },
        { label: INSERT, description: editor ? `in ${editor.document.fileName.split(/[\\/]/).pop()}` : 'no editor is open', value: INSERT },
      ],
      active: editor ? INSERT : COPY,
    });
    if (!action) return undefined;
    const json = prettyJson(event.raw);
    if (action === COPY) return copy(json, 'the event JSON');
    return (await insert(json, 'the event JSON')) ? json : undefined;
  });

  return { pickEventPrompts: prompter.driver };
}

/** `aylaDss.events.recentPerDevice`: how many of a device's events "Open Recent Events" shows. */
function recentPerDevice(): number {
  const value = vscode.workspace.getConfiguration('aylaDss.events').get<number>('recentPerDevice', 50);
  return Number.isInteger(value) && value >= 1 ? Math.min(value, 10_000) : 50;
}
