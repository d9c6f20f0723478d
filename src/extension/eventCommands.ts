// The events surfaces: the "Ayla DSS Events" channel (EventLog) and its filter, recording every event to a
// JSON Lines file, exporting the in-memory buffer. Commands: Show Events, Filter Events…, Clear Event
// Filter, Record Events to File…, Stop Recording, Export Recent Events…. Two status bar items: the active
// filter (click to change or clear it) and the recording with its count (click to stop).
import * as vscode from 'vscode';
import type { Disposable } from '../ayla/emitter';
import type { DssEvent } from '../ayla/events';
import type { EventCriteria } from '../model/eventFilter';
import { EventLog, type EventLogStats } from './eventLog';
import { FILTER_EVENT_TYPES, formatEventFilter, isActiveFilter, parseEventFilter } from './eventFilterText';
import { shorten } from './eventLines';
import { EventRecorder, writeEventsFile, type RecordingResult } from './eventRecorder';
import type { Explorer } from './explorer';
import type { Notifier } from './notifier';
import { Prompter, type PromptDriver } from './prompter';
import { savePath } from './savePath';
import type { PickItem } from './signInFlow';
import { plural } from './plural';

export interface EventCommandDependencies {
  explorer: Explorer;
  notifier: Notifier;
  log: vscode.LogOutputChannel;
}

export interface StatusItemSnapshot {
  visible: boolean;
  text: string;
  tooltip: string;
  command: string | undefined;
}

export interface RecordingSnapshot {
  path: string;
  recorded: number;
  written: number;
  error: string | undefined;
}

/** For the integration tests only (ExtensionApi.testing). */
export interface EventsTesting {
  /** What the events channel got: counters, format, filter. */
  eventLog(): EventLogStats;
  /** The events channel's text appended after a mark (`eventLog().chars`). */
  eventLogTextSince(chars: number): string;
  /** The recording under way, if any. */
  recording(): RecordingSnapshot | undefined;
  /** The filter's status bar item. */
  eventFilterStatus(): StatusItemSnapshot;
  /** The recording's status bar item. */
  recordingStatus(): StatusItemSnapshot;
  /** The prompts of "Filter Events…" (see and answer them). */
  eventPrompts: PromptDriver;
}

const TITLE = 'Ayla DSS: Filter Events';
const EVENTS_FILE = { filters: { 'JSON Lines': ['jsonl'] }, baseName: 'ayla-events', extension: 'jsonl' };

function itemSnapshot(item: vscode.StatusBarItem, visible: boolean): StatusItemSnapshot {
  const tooltip = typeof item.tooltip === 'string' ? item.tooltip : (item.tooltip?.value ?? '');
  const command = typeof item.command === 'string' ? item.command : item.command?.command;
  return { visible, text: item.text, tooltip, command };
}


export function registerEventCommands(context: vscode.ExtensionContext, deps: EventCommandDependencies): EventsTesting {
  const { explorer, notifier, log } = deps;
  const register = (id: string, run: (...args: unknown[]) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, run));
  };

  // ── The events channel and its filter ──────────────────────────────────────────────────────────────
  const eventLog = new EventLog(explorer, { capture: context.extensionMode === vscode.ExtensionMode.Test });
  const prompter = new Prompter();
  const filterItem = vscode.window.createStatusBarItem('aylaDss.eventFilter', vscode.StatusBarAlignment.Left, 50);
  filterItem.name = 'Ayla DSS Event Filter';
  filterItem.command = 'aylaDss.filterEvents';
  let filterShown = false;
  const renderFilter = (criteria: EventCriteria): void => {
    const text = formatEventFilter(criteria);
    filterShown = text !== '';
    filterItem.text = `$(filter) ${shorten(text, 48)}`;
    filterItem.tooltip = `The Ayla DSS Events channel shows only events matching: ${text}. Click to change or clear the filter.`;
    if (filterShown) filterItem.show();
    else filterItem.hide();
  };
  renderFilter(eventLog.filter);
  context.subscriptions.push(eventLog, prompter, filterItem, eventLog.onDidChangeFilter(renderFilter));

  const applyFilter = (criteria: EventCriteria): string => {
    eventLog.setFilter(criteria);
    const text = formatEventFilter(eventLog.filter);
    log.info(text ? `Events channel filter: ${text}` : 'Events channel filter cleared.');
    return text;
  };

  register('aylaDss.showEvents', () => eventLog.show());
  register('aylaDss.clearEventFilter', () => applyFilter({}));
  register('aylaDss.filterEvents', async (argument?: unknown) => {
    // Tests and keybindings may pass the filter: an EventCriteria object or filter text.
    if (typeof argument === 'string') {
      const parsed = parseEventFilter(argument);
      if (parsed.error !== undefined) {
        void notifier.error(`The event filter was not changed: ${parsed.error}`);
        return undefined;
      }
      return applyFilter(parsed.criteria);
    }
    if (argument !== undefined && argument !== null && typeof argument === 'object') return applyFilter(argument as EventCriteria);
    const chosen = await askFilter(prompter, explorer, eventLog.filter);
    return chosen === undefined ? undefined : applyFilter(chosen);
  });

  // ── Recording ──────────────────────────────────────────────────────────────────────────────────────
  let recording: { recorder: EventRecorder; listener: Disposable; ticker: ReturnType<typeof setInterval> } | undefined;
  const recordingItem = vscode.window.createStatusBarItem('aylaDss.recording', vscode.StatusBarAlignment.Left, 49);
  recordingItem.name = 'Ayla DSS Recording';
  recordingItem.command = 'aylaDss.stopRecording';
  recordingItem.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
  context.subscriptions.push(recordingItem);
  const renderRecording = (): void => {
    if (!recording) {
      recordingItem.hide();
      return;
    }
    const { recorder } = recording;
    recordingItem.text = `$(record) ${recorder.recorded.toLocaleString('en-US')}`;
    recordingItem.tooltip = `Recording every received event to ${recorder.path}: ${plural(recorder.recorded, 'event')} so far (${recorder.written.toLocaleString('en-US')} on disk). Click to stop.`;
    recordingItem.show();
  };
  const setRecordingKey = (on: boolean): void => void vscode.commands.executeCommand('setContext', 'aylaDss.recording', on);
  const endRecording = async (): Promise<RecordingResult | undefined> => {
    const current = recording;
    if (!current) return undefined;
    recording = undefined;
    current.listener.dispose();
    clearInterval(current.ticker);
    renderRecording();
    setRecordingKey(false);
    return current.recorder.stop();
  };

  register('aylaDss.recordEvents', async (argument?: unknown) => {
    if (recording) {
      void notifier.info(`Already recording events to ${recording.recorder.path}: "Stop Recording" first.`);
      return undefined;
    }
    const path = await savePath(argument, { title: 'Record Events to File…', ...EVENTS_FILE }, notifier);
    if (path === undefined) return undefined;
    let recorder: EventRecorder;
    try {
      recorder = await EventRecorder.open(path);
    } catch (error) {
      void notifier.error(`${error instanceof Error ? error.message : String(error)} Choose another file.`);
      return undefined;
    }
    const current = {
      recorder,
      listener: explorer.onEvent((event: DssEvent) => recorder.record(event)),
      ticker: setInterval(renderRecording, 1000),
    };
    recording = current;
    recorder.onError((sentence) => {
      if (recording !== current) return;
      void endRecording().then((result) => {
        void notifier.error(`${sentence} The file holds the first ${plural(result?.written ?? 0, 'event')}; record again to another file.`);
      });
    });
    setRecordingKey(true);
    renderRecording();
    log.info(`Recording every received event to ${path}.`);
    return path;
  });

  register('aylaDss.stopRecording', async () => {
    const result = await endRecording();
    if (!result) {
      void notifier.info('Not recording events: "Record Events to File…" starts a recording.');
      return undefined;
    }
    if (result.error !== undefined) {
      void notifier.error(`${result.error} The file holds the first ${plural(result.written, 'event')}.`);
    } else {
      void notifier.info(`Recorded ${plural(result.written, 'event')} to ${result.path}.`, 'Open File').then((choice) => {
        if (choice) void vscode.window.showTextDocument(vscode.Uri.file(result.path));
      });
    }
    return result;
  });

  register('aylaDss.exportEvents', async (argument?: unknown) => {
    const events = explorer.store.recentEvents();
    if (events.length === 0) {
      void notifier.info('No events in memory to export yet: start streaming first.');
      return undefined;
    }
    const path = await savePath(argument, { title: 'Export Recent Events…', ...EVENTS_FILE }, notifier);
    if (path === undefined) return undefined;
    try {
      const result = await writeEventsFile(path, events);
      void notifier.info(`Exported the ${plural(result.written, 'recent event')} in memory to ${path}.`, 'Open File').then((choice) => {
        if (choice) void vscode.window.showTextDocument(vscode.Uri.file(path));
      });
      return result;
    } catch (error) {
      void notifier.error(`${error instanceof Error ? error.message : String(error)} Choose another file.`);
      return undefined;
    }
  });

  setRecordingKey(false);
  // A window closing mid-recording still ends the file cleanly (what is queued is written).
  context.subscriptions.push({ dispose: () => void endRecording() });

  return {
    eventLog: () => eventLog.stats,
    eventLogTextSince: (chars) => eventLog.textSince(chars),
    recording: () =>
      recording && { path: recording.recorder.path, recorded: recording.recorder.recorded, written: recording.recorder.written, error: recording.recorder.error },
    eventFilterStatus: () => itemSnapshot(filterItem, filterShown),
    recordingStatus: () => itemSnapshot(recordingItem, recording !== undefined),
    eventPrompts: prompter.driver,
  };
}

type FilterStep = 'type' | 'device' | 'property' | 'text' | 'edit' | 'clear';

/** "Filter Events…": pick what to filter by, then its value; the result replaces that part of the filter. */
async function askFilter(prompts: Prompter, explorer: Explorer, current: EventCriteria): Promise<EventCriteria | undefined> {
  const active = isActiveFilter(current);
  const steps: PickItem<FilterStep>[] = [
    ...(active ? [{ label: '$(clear-all) Clear Filter', description: formatEventFilter(current), value: 'clear' as const }] : []),
    { label: '$(symbol-event) Event Type', description: current.types?.join(', ') || 'any', value: 'type' },
    { label: '$(device-mobile) Device', description: current.dsn || 'any', value: 'device' },
    { label: '$(symbol-property) Property', description: current.property || 'any', value: 'property' },
    { label: '$(search) Text', description: current.text ? JSON.stringify(current.text) : 'none', detail: 'Events whose JSON contains this text (case ignored)', value: 'text' },
    { label: '$(edit) Edit as Text…', description: formatEventFilter(current) || 'type=… dsn=… property=… text=…', value: 'edit' },
  ];
  const step = await prompts.pick<FilterStep>({ title: TITLE, step: 1, totalSteps: 2, placeholder: 'Filter the Ayla DSS Events channel by…', items: steps });
  const base = { title: TITLE, step: 2, totalSteps: 2 };
  switch (step) {
    case undefined:
      return undefined;
    case 'clear':
      return {};
    case 'type': {
      const items: PickItem<string>[] = [{ label: 'Any type', value: '' }, ...FILTER_EVENT_TYPES.map((t) => ({ label: t, value: t }))];
      const type = await prompts.pick({ ...base, placeholder: 'Show events of this type', items, active: current.types?.length === 1 ? current.types[0] : '' });
      if (type === undefined) return undefined;
      return { ...current, types: type === '' ? [] : [type as DssEvent['type']] };
    }
    case 'device': {
      const devices = explorer.store.devices();
      const items: PickItem<string>[] = [
        { label: 'Any device', value: '' },
        ...devices.map((d) => ({ label: d.productName || d.dsn, description: d.dsn, value: d.dsn })),
      ];
      const dsn = await prompts.pick({ ...base, placeholder: 'Show events of this device', items, active: current.dsn ?? '' });
      if (dsn === undefined) return undefined;
      return { ...current, dsn: dsn || undefined };
    }
    case 'property': {
      const dsns = current.dsn ? [current.dsn] : explorer.store.devices().map((d) => d.dsn);
      const names = [...new Set(dsns.flatMap((dsn) => explorer.store.properties(dsn).map((p) => p.name)))].sort();
      const items: PickItem<string>[] = [{ label: 'Any property', value: '' }, ...names.map((name) => ({ label: name, value: name }))];
      const property = await prompts.pick({ ...base, placeholder: 'Show datapoints and acks of this property', items, active: current.property ?? '' });
      if (property === undefined) return undefined;
      return { ...current, property: property || undefined };
    }
    case 'text': {
      const text = await prompts.input({ ...base, prompt: 'Show events whose JSON contains this text (case ignored); empty: any', value: current.text ?? '' });
      if (text === undefined) return undefined;
      return { ...current, text: text || undefined };
    }
    case 'edit': {
      const text = await prompts.input({
        ...base,
        prompt: 'type=datapoint,datapointack dsn=… property=… and any words to match in the JSON; empty: no filter',
        placeholder: 'type=datapoint dsn=AC000W000000001 property=temp',
        value: formatEventFilter(current),
        validate: (value) => parseEventFilter(value).error,
      });
      if (text === undefined) return undefined;
      return parseEventFilter(text).criteria ?? undefined;
    }
  }
}
