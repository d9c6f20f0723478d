// One chart: a webview panel showing the history of some numeric and boolean properties, live.
//
// The conversation follows src/webview/protocol.ts: the page says `ready` each time it loads (first open,
// shown again after being hidden, window reload), gets a full snapshot, then appends of only the new points,
// at most about once per frame and only while the panel is visible. The panel keeps no points of its own: the
// model's history rings are the truth, and ChartFeed reads them by cursor.
import * as vscode from 'vscode';
import type { ChangeFeed } from '../model/changeSet';
import { CHART_VIEW_TYPE, type ChartState, type HostMessage, type SeriesRef, type TimeWindow, type ViewMessage } from '../webview/protocol';
import { chartHtml, makeNonce } from './chartHtml';
import { ChartFeed, type ChartSource } from './chartFeed';
import { ChartSeriesSet, type AddOutcome } from './chartSeries';
import { isTimeWindow } from './chartState';
import { Coalescer } from './coalescer';

/** Appends per second at most: about one per frame of a 60 Hz display. */
const APPENDS_PER_SECOND = 60;
/** Messages a test can look back on. */
const MESSAGE_LOG_SIZE = 200;

/** A message as the test hook records it: its type and how much it carried. */
export interface ChartMessageRecord {
  readonly direction: 'toView' | 'fromView';
  readonly type: string;
  /** Snapshot: series in it. */
  readonly series?: number;
  /** Snapshot and append: points in it, over all series. */
  readonly points?: number;
  readonly at: number;
}

export interface ChartPanelDependencies {
  readonly source: ChartSource;
  readonly changes: () => ChangeFeed;
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  /** Asks the user which properties to add ("Add Series…" in the page); the chart's own are left out. */
  readonly pickSeries: (panel: ChartPanel) => Promise<SeriesRef[] | undefined>;
  /** Writes an export the page made (CSV text or PNG bytes). */
  readonly saveExport: (panel: ChartPanel, format: 'csv' | 'png', content: Uint8Array) => Promise<void>;
  /** Tells the user why some properties were not added. */
  readonly explain: (sentences: readonly string[]) => void;
}

function pointsIn(message: HostMessage): number | undefined {
  if (message.type === 'theme') return undefined;
  return message.points.reduce((sum, p) => sum + p.times.length, 0);
}

/** Bytes of a `data:image/png;base64,…` URL; undefined when it is anything else. */
function pngBytes(dataUrl: unknown): Uint8Array | undefined {
  const prefix = 'data:image/png;base64,';
  if (typeof dataUrl !== 'string' || !dataUrl.startsWith(prefix)) return undefined;
  return Buffer.from(dataUrl.slice(prefix.length), 'base64');
}

export class ChartPanel implements vscode.Disposable {
  private readonly seriesSet: ChartSeriesSet;
  private readonly feed: ChartFeed;
  private readonly changes: ChangeFeed;
  private readonly coalescer: Coalescer;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposedEmitter = new vscode.EventEmitter<void>();
  private readonly messageLog: ChartMessageRecord[] = [];
  private window: TimeWindow;
  private paused: boolean;
  /** The page said `ready` since it last loaded: it listens. */
  private ready = false;
  private disposed = false;

  readonly onDidDispose = this.disposedEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    state: ChartState,
    private readonly deps: ChartPanelDependencies,
  ) {
    this.seriesSet = new ChartSeriesSet(state.series);
    this.window = state.window;
    this.paused = state.paused;
    this.feed = new ChartFeed(deps.source, this.seriesSet);
    this.changes = deps.changes();
    this.coalescer = new Coalescer(() => this.flush(), { maxPerSecond: APPENDS_PER_SECOND, visible: panel.visible });

    const webview = panel.webview;
    const distWebview = vscode.Uri.joinPath(deps.extensionUri, 'dist', 'webview');
    const media = vscode.Uri.joinPath(deps.extensionUri, 'media');
    webview.options = { enableScripts: true, localResourceRoots: [distWebview, media] };
    webview.html = chartHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(distWebview, 'chart.js')).toString(),
      styleUris: [
        webview.asWebviewUri(vscode.Uri.joinPath(distWebview, 'uplot.css')).toString(),
        webview.asWebviewUri(vscode.Uri.joinPath(media, 'chart.css')).toString(),
      ],
      title: 'Ayla DSS Chart',
    });
    this.updateTitle();

    this.disposables.push(
      this.changes,
      this.changes.onDidChange(() => this.coalescer.request()),
      webview.onDidReceiveMessage((message: unknown) => void this.received(message)),
      panel.onDidChangeViewState(() => {
        // Shown again: send the whole picture, never the deltas it missed. A page VS Code tore down while hidden
        // also says `ready` again when it has reloaded, and gets another snapshot then.
        if (panel.visible) this.feed.invalidate();
        this.coalescer.setVisible(panel.visible);
        if (panel.visible) this.coalescer.request();
      }),
      vscode.window.onDidChangeActiveColorTheme(() => this.post({ type: 'theme' })),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** The charted properties, in legend order. */
  get series(): SeriesRef[] {
    return this.seriesSet.list();
  }

  /** What a window reload would restore. */
  get state(): ChartState {
    return { series: this.seriesSet.list(), window: this.window, paused: this.paused };
  }

  /** The page has loaded and got its snapshot. */
  get isReady(): boolean {
    return this.ready;
  }

  /** Messages to and from the page, oldest first (the last 200). */
  get messages(): readonly ChartMessageRecord[] {
    return this.messageLog;
  }

  /** Adds properties; the page gets a new snapshot. */
  add(refs: readonly SeriesRef[]): AddOutcome {
    const outcome = this.seriesSet.add(this.deps.source, refs);
    if (outcome.refused.length > 0) this.deps.explain(outcome.refused);
    if (outcome.added.length > 0) this.changed();
    return outcome;
  }

  remove(id: string): void {
    if (this.seriesSet.remove(id)) this.changed();
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.coalescer.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
    this.disposedEmitter.fire();
    this.disposedEmitter.dispose();
  }

  private changed(): void {
    this.updateTitle();
    this.feed.invalidate();
    this.coalescer.request();
  }

  private updateTitle(): void {
    const { series } = this.seriesSet.resolve(this.deps.source);
    const first = series[0];
    this.panel.title = first === undefined ? 'Ayla DSS Chart' : `Chart: ${first.propertyName}${series.length > 1 ? ` +${series.length - 1}` : ''}`;
  }

  private flush(): void {
    this.changes.takeChanges();
    if (!this.ready) return;
    const next = this.feed.next();
    if (next === 'snapshot') this.sendSnapshot();
    else if (next !== undefined) this.post(next);
  }

  private sendSnapshot(): void {
    this.post(this.feed.snapshot({ window: this.window, paused: this.paused }));
    this.updateTitle();
  }

  private post(message: HostMessage): void {
    if (this.disposed || !this.ready) return;
    this.record({ direction: 'toView', type: message.type, series: message.type === 'snapshot' ? message.series.length : undefined, points: pointsIn(message), at: Date.now() });
    void this.panel.webview.postMessage(message).then(undefined, (error: unknown) => this.deps.log.warn(`Chart: a ${message.type} message did not reach the page: ${String(error)}`));
  }

  private record(entry: ChartMessageRecord): void {
    this.messageLog.push(entry);
    if (this.messageLog.length > MESSAGE_LOG_SIZE) this.messageLog.splice(0, this.messageLog.length - MESSAGE_LOG_SIZE);
  }

  /** Messages from the page are untrusted input: check every field before use. */
  async received(raw: unknown): Promise<void> {
    const message = raw as Partial<ViewMessage> | null;
    const type = typeof message?.type === 'string' ? message.type : 'invalid';
    this.record({ direction: 'fromView', type, at: Date.now() });
    switch (message?.type) {
      case 'ready':
        this.ready = true;
        this.feed.invalidate();
        this.sendSnapshot();
        return;
      case 'pause':
        this.paused = message.paused === true;
        return;
      case 'window':
        if (isTimeWindow(message.window)) this.window = message.window;
        return;
      case 'addSeries': {
        const refs = await this.deps.pickSeries(this);
        if (refs && refs.length > 0) this.add(refs);
        return;
      }
      case 'removeSeries':
        if (typeof message.id === 'string') this.remove(message.id);
        return;
      case 'export':
        return this.export(message);
      case 'error':
        this.deps.log.error(`Chart page: ${typeof message.message === 'string' ? message.message.slice(0, 2000) : 'unknown error'}`);
        return;
      default:
        this.deps.log.warn(`Chart: ignored a message of unknown type "${type.slice(0, 40)}" from the page.`);
    }
  }

  private async export(message: Partial<ViewMessage>): Promise<void> {
    const exported = message as { format?: unknown; text?: unknown; dataUrl?: unknown };
    if (exported.format === 'csv' && typeof exported.text === 'string') {
      return this.deps.saveExport(this, 'csv', new TextEncoder().encode(exported.text));
    }
    const png = exported.format === 'png' ? pngBytes(exported.dataUrl) : undefined;
    if (png !== undefined) return this.deps.saveExport(this, 'png', png);
    this.deps.log.warn('Chart: ignored an export from the page that was neither CSV text nor a PNG image.');
  }
}

/** A fresh panel in the active editor column (beside it when an editor has focus). */
export function createChartWebviewPanel(): vscode.WebviewPanel {
  const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
  return vscode.window.createWebviewPanel(CHART_VIEW_TYPE, 'Ayla DSS Chart', { viewColumn: column, preserveFocus: false }, { enableScripts: true });
}
