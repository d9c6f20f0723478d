// The chart surfaces: "Chart Property" on a numeric or boolean property in the Devices tree (adds it to the
// chart last used, or opens one), "Ayla DSS: Open Chart…" (pick several properties for a new chart), and the
// serializer that brings charts back, with the same series, after a window reload.
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { CHART_VIEW_TYPE, type ChartState, type SeriesRef } from '../webview/protocol';
import { ChartPanel, createChartWebviewPanel, type ChartMessageRecord, type ChartPanelDependencies } from './chartPanel';
import { DEFAULT_CHART_STATE, chartStateFrom, windowFor } from './chartState';
import { chartability, deviceName } from './chartSeries';
import { propertyOf } from './commandTargets';
import { formatValue } from './deviceTreeItems';
import { describeError } from './describeError';
import type { Explorer } from './explorer';
import type { Notifier } from './notifier';
import { Prompter, type PromptDriver } from './prompter';
import { savePath } from './savePath';
import type { PickItem } from './signInFlow';
import { plural } from './plural';

export interface ChartDependencies {
  explorer: Explorer;
  notifier: Notifier;
  log: vscode.LogOutputChannel;
}

/** What a test sees of an open chart. */
export interface ChartProbe {
  readonly title: string;
  readonly visible: boolean;
  /** The page said `ready` and got its snapshot. */
  readonly ready: boolean;
  readonly state: ChartState;
  readonly messages: readonly ChartMessageRecord[];
  /** The page's HTML as the panel set it (its Content Security Policy included). */
  readonly html: string;
}

/** For the integration tests only (ExtensionApi.testing). */
export interface ChartTesting {
  /** The open charts, oldest first. */
  charts(): ChartProbe[];
  /** The prompts of "Open Chart…" and "Add Series…" (see and answer them). */
  chartPrompts: PromptDriver;
  /** The next chart export is written to this path instead of asking with the save dialog. */
  setNextChartExportPath(path: string): void;
  /** Does what the panel serializer does after a window reload, with this state (as the page stored it). */
  restoreChart(state: unknown): void;
  /** Hands chart `index` a message as if its page had posted it (e.g. an export), and waits until it is handled. */
  messageFromChartPage(index: number, message: unknown): Promise<void>;
}

const OPEN_TITLE = 'Ayla DSS: Open Chart';


export function registerChartCommands(context: vscode.ExtensionContext, { explorer, notifier, log }: ChartDependencies): ChartTesting {
  const store = explorer.store;
  const prompter = new Prompter();
  context.subscriptions.push(prompter);
  const panels: ChartPanel[] = [];
  /** The chart "Chart Property" adds to: the one focused last. */
  let lastActive: ChartPanel | undefined;
  let nextExportPath: string | undefined;

  /** Every chartable property the model knows, except `exclude`, as pick items. */
  const chartableItems = (exclude: (ref: SeriesRef) => boolean): { items: PickItem<SeriesRef>[]; uncharted: number } => {
    const items: PickItem<SeriesRef>[] = [];
    let uncharted = 0;
    for (const device of store.devices()) {
      for (const property of store.properties(device.dsn)) {
        const ref = { dsn: device.dsn, property: property.name };
        if (!chartability(store, ref).chartable || property.baseType === undefined) {
          uncharted++;
          continue;
        }
        if (exclude(ref)) continue;
        items.push({
          label: `${property.displayName} · ${deviceName(store, device.dsn)}`,
          description: device.dsn,
          detail: `${property.baseType} · ${formatValue(property.baseType, property.value)} · ${plural(store.history(device.dsn, property.name)?.size ?? 0, 'point')} retained`,
          value: ref,
        });
      }
    }
    return { items, uncharted };
  };

  const pickProperties = async (title: string, exclude: (ref: SeriesRef) => boolean): Promise<SeriesRef[] | undefined> => {
    const { items, uncharted } = chartableItems(exclude);
    if (items.length === 0) {
      const why = store.devices().length === 0 ? 'no devices are loaded yet: sign in (or try the local simulator) and start streaming' : 'none of the devices has a number or boolean property that is not charted already';
      void notifier.info(`Nothing to chart: ${why}.`);
      return undefined;
    }
    // Short enough to fit the quick pick's input; charting a string from the tree says the whole reason.
    const skipped = uncharted > 0 ? ` (${uncharted} not listed: strings can't be charted)` : '';
    return prompter.pickMany({ title, placeholder: `Check numbers and booleans to chart${skipped}`, items });
  };

  const saveExport: ChartPanelDependencies['saveExport'] = async (panel, format, content) => {
    const requested = nextExportPath;
    nextExportPath = undefined;
    const title = format === 'csv' ? 'Export Chart Data as CSV…' : 'Export Chart as PNG…';
    const filters: Record<string, string[]> = format === 'csv' ? { CSV: ['csv'] } : { 'PNG image': ['png'] };
    const path = await savePath(requested, { title, filters, baseName: 'ayla-chart', extension: format }, notifier);
    if (path === undefined) return;
    try {
      await writeFile(path, content);
      log.info(`Chart "${panel.panel.title}" exported to ${path} (${content.byteLength} bytes).`);
      void notifier.info(`Saved the chart ${format === 'csv' ? 'data' : 'picture'} to ${basename(path)}.`);
    } catch (error) {
      void notifier.error(`Could not save the chart to ${path}: ${describeError(error)}. Choose another folder.`);
    }
  };

  const dependencies: ChartPanelDependencies = {
    source: store,
    changes: () => store.createChangeTracker(),
    extensionUri: context.extensionUri,
    log,
    pickSeries: (panel) => pickProperties(`Add to ${panel.panel.title}`, (ref) => panel.series.some((s) => s.dsn === ref.dsn && s.property === ref.property)),
    saveExport,
    explain: (sentences) => void notifier.warn(sentences.join(' ')),
  };

  const track = (panel: ChartPanel): ChartPanel => {
    panels.push(panel);
    lastActive = panel;
    const viewState = panel.panel.onDidChangeViewState(() => {
      if (panel.panel.active) lastActive = panel;
    });
    panel.onDidDispose(() => {
      viewState.dispose();
      panels.splice(panels.indexOf(panel), 1);
      if (lastActive === panel) lastActive = panels.at(-1);
    });
    return panel;
  };

  const open = (refs: readonly SeriesRef[]): ChartPanel => {
    const spans = refs.map((ref) => {
      const history = store.history(ref.dsn, ref.property);
      return history === undefined || history.size === 0 ? 0 : history.lastTime()! - history.timeAt(0)!;
    });
    const state = { ...DEFAULT_CHART_STATE, window: windowFor(Math.max(0, ...spans)) };
    const panel = track(new ChartPanel(createChartWebviewPanel(), state, dependencies));
    panel.add(refs);
    return panel;
  };

  const restore = (webviewPanel: vscode.WebviewPanel, state: unknown): ChartPanel => track(new ChartPanel(webviewPanel, chartStateFrom(state), dependencies));

  context.subscriptions.push(
    vscode.commands.registerCommand('aylaDss.chartProperty', async (target?: unknown) => {
      const property = propertyOf(target);
      if (property === undefined) return vscode.commands.executeCommand('aylaDss.openChart');
      const ref = { dsn: property.dsn, property: property.name };
      if (store.property(ref.dsn, ref.property) === undefined) {
        void notifier.error(`${ref.property} on ${ref.dsn} is not a known property: refresh the devices and try again.`);
        return undefined;
      }
      const verdict = chartability(store, ref);
      if (!verdict.chartable) {
        void notifier.warn(verdict.reason);
        return undefined;
      }
      if (lastActive === undefined) open([ref]);
      else {
        lastActive.add([ref]);
        lastActive.reveal();
      }
      return undefined;
    }),
    vscode.commands.registerCommand('aylaDss.openChart', async (refs?: unknown) => {
      // Scripts and keybindings may pass the properties: `[{ dsn, name }]`.
      const given = Array.isArray(refs) ? refs.map(propertyOf).filter((r) => r !== undefined).map((r) => ({ dsn: r.dsn, property: r.name })) : undefined;
      const chosen = given && given.length > 0 ? given : await pickProperties(OPEN_TITLE, () => false);
      if (chosen === undefined || chosen.length === 0) return undefined;
      open(chosen);
      return undefined;
    }),
    vscode.window.registerWebviewPanelSerializer(CHART_VIEW_TYPE, {
      deserializeWebviewPanel: async (webviewPanel, state: unknown) => void restore(webviewPanel, state),
    }),
    { dispose: () => panels.slice().forEach((p) => p.dispose()) },
  );

  return {
    charts: () =>
      panels.map((p) => ({ title: p.panel.title, visible: p.panel.visible, ready: p.isReady, state: p.state, messages: [...p.messages], html: p.panel.webview.html })),
    chartPrompts: prompter.driver,
    setNextChartExportPath: (path) => {
      nextExportPath = path;
    },
    restoreChart: (state) => void restore(createChartWebviewPanel(), state),
    messageFromChartPage: async (index, message) => {
      const panel = panels[index];
      if (!panel) throw new Error(`There is no chart ${index} (${panels.length} open).`);
      await panel.received(message);
    },
  };
}
