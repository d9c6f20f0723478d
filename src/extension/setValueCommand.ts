// "Set Value…" on a to-device property: asks for a value that fits the base type (booleans: On/Off;
// numbers: validated as typed; text: length-checked), offering the values sent before first, then sends
// it. The write shows in the Devices tree at once as pending; the store settles it when the device's
// datapoint (and, for ack-enabled properties, its ack) arrives, or marks it failed when the device
// service refuses it. Nothing is sent for a from-device, read-only or file property, nor for a value that
// does not fit.
import * as vscode from 'vscode';
import { INT32_MAX, INT32_MIN, MAX_MESSAGE_BYTES, MAX_STRING_BYTES, type SettableProperty } from '../ayla/deviceService';
import type { DatapointValue } from '../ayla/wireTypes';
import type { PropertyState } from '../model/propertyState';
import { describeError } from './describeError';
import { deviceLabel, formatValue } from './deviceTreeItems';
import type { Explorer } from './explorer';
import type { Notifier } from './notifier';
import { propertyOf } from './commandTargets';
import { Prompter, type PromptDriver } from './prompter';
import {
  parseValueArgument,
  parseValueText,
  SentValues,
  sentValuesKey,
  settableProperty,
  valueAsText,
  valueForMessage,
} from './setValueInput';

export interface SetValueDependencies {
  explorer: Explorer;
  notifier: Notifier;
}

/** For the integration tests only (ExtensionApi.testing). */
export interface SetValueTesting {
  /** The prompts of "Set Value…" (see and answer them). */
  setValuePrompts: PromptDriver;
}

/** The quick pick item that leads to the input box when values sent before are offered. */
export const NEW_VALUE_LABEL = 'Enter a New Value…';
/** Longest current value the input box is prefilled with (a long message is typed anew, not edited). */
const PREFILL_MAX = 1024;

type Choice = { kind: 'value'; value: DatapointValue } | { kind: 'new' };

function typeHint(property: SettableProperty): string {
  switch (property.base_type) {
    case 'integer':
      return `a whole number from ${INT32_MIN} to ${INT32_MAX}`;
    case 'decimal':
      return 'a number, such as 21.5';
    case 'string':
      return `text of up to ${MAX_STRING_BYTES} bytes (UTF-8)`;
    case 'message':
      return `text of up to ${MAX_MESSAGE_BYTES / 1024} KB`;
    default:
      return property.base_type;
  }
}

function lowerFirst(text: string): string {
  return text.length > 1 && /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}

export function registerSetValueCommand(context: vscode.ExtensionContext, { explorer, notifier }: SetValueDependencies): SetValueTesting {
  const prompter = new Prompter();
  const sentValues = new SentValues(context.globalState);
  context.subscriptions.push(prompter);
  const store = explorer.store;

  /** Asks for the value; undefined when the user escaped. */
  const ask = async (property: PropertyState, settable: SettableProperty, device: string, key: string): Promise<DatapointValue | undefined> => {
    const title = `Set ${property.displayName} on ${device}`;
    if (settable.base_type === 'boolean') {
      const current = property.value === null ? undefined : Number(property.value) !== 0 ? 1 : 0;
      return prompter.pick<DatapointValue>({
        title,
        step: 1,
        totalSteps: 1,
        placeholder: `Send on or off to ${property.displayName}`,
        items: [
          { label: 'On', description: current === 1 ? 'current value' : undefined, value: 1 },
          { label: 'Off', description: current === 0 ? 'current value' : undefined, value: 0 },
        ],
        // Start on the other value: switching is what one usually wants.
        active: current === 1 ? 0 : 1,
      });
    }
    const currentText = valueAsText(property.value);
    const sent = sentValues.list(key).filter((text) => 'value' in parseValueText(settable, text));
    if (sent.length > 0) {
      const choice = await prompter.pick<Choice>({
        title,
        step: 1,
        totalSteps: 2,
        placeholder: `Send a value sent before, or enter a new one (${typeHint(settable)})`,
        items: [
          ...sent.map((text) => {
            const parsed = parseValueText(settable, text);
            return {
              label: text === '' ? '""' : text,
              description: text === currentText ? 'current value · sent before' : 'sent before',
              value: { kind: 'value', value: 'value' in parsed ? parsed.value : text } as Choice,
            };
          }),
          { label: NEW_VALUE_LABEL, description: typeHint(settable), value: { kind: 'new' } as Choice },
        ],
      });
      if (!choice) return undefined;
      if (choice.kind === 'value') return choice.value;
    }
    const text = await prompter.input({
      title,
      step: sent.length > 0 ? 2 : 1,
      totalSteps: sent.length > 0 ? 2 : 1,
      prompt: `${property.displayName} takes ${typeHint(settable)}. Current value: ${formatValue(property.baseType, property.value)}.`,
      value: currentText.length <= PREFILL_MAX ? currentText : '',
      validate: (typed) => {
        const parsed = parseValueText(settable, typed);
        return 'problem' in parsed ? parsed.problem : undefined;
      },
    });
    if (text === undefined) return undefined;
    const parsed = parseValueText(settable, text);
    return 'value' in parsed ? parsed.value : undefined; // the input box accepted only valid text
  };

  const setValue = async (target: unknown, given: unknown): Promise<number | undefined> => {
    const ref = propertyOf(target);
    if (!ref) {
      void notifier.info('Right-click a to-device property in the Ayla DSS Devices view and choose "Set Value…".');
      return undefined;
    }
    const session = explorer.currentSession;
    if (!session) {
      void notifier.error(`Not signed in: sign in with "Ayla DSS: Sign In" before setting ${ref.name} on ${ref.dsn}.`);
      return undefined;
    }
    const property = store.property(ref.dsn, ref.name);
    const device = store.device(ref.dsn);
    if (!property || !device) {
      void notifier.error(`${ref.name} on ${ref.dsn} is not in the Devices view any more; run "Ayla DSS: Refresh Devices" and try again.`);
      return undefined;
    }
    const label = deviceLabel(device);
    const settable = settableProperty(property);
    if ('problem' in settable) {
      void notifier.error(settable.problem);
      return undefined;
    }
    const key = sentValuesKey(device.oemModel, device.dsn, property.name);
    let value: DatapointValue | undefined;
    if (given === undefined) {
      value = await ask(property, settable.property, label, key);
      if (value === undefined) return undefined; // escaped
    } else {
      const parsed = parseValueArgument(settable.property, given);
      if ('problem' in parsed) {
        void notifier.error(`${parsed.problem.replace(/[.\s]+$/, '')}; nothing was sent.`);
        return undefined;
      }
      value = parsed.value;
    }

    const shown = valueForMessage(property.baseType, value);
    const offline = device.connectionStatus?.trim().toLowerCase() === 'offline';
    const id = store.beginWrite(ref.dsn, ref.name, value);
    try {
      await session.devices.setValue(ref.dsn, settable.property, value);
    } catch (error) {
      const reason = describeError(error);
      store.failWrite(id, reason);
      void notifier.error(`${property.displayName} on ${label} was not set to ${shown}${offline ? ' (the device is offline)' : ''}: ${lowerFirst(reason)}.`);
      return id;
    }
    if (settable.property.base_type !== 'boolean') void sentValues.remember(key, valueAsText(value));
    if (offline) {
      void notifier.warn(`${label} is offline: the device service took ${property.displayName} = ${shown}, and the tree shows it pending until the device comes back and takes it.`);
    } else {
      vscode.window.setStatusBarMessage(`$(check) Sent ${property.displayName} = ${shown} to ${label}`, 3000);
    }
    return id;
  };

  context.subscriptions.push(vscode.commands.registerCommand('aylaDss.setValue', (target: unknown, value: unknown) => setValue(target, value)));
  return { setValuePrompts: prompter.driver };
}
