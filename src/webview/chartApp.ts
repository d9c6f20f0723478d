// The chart page's state and behaviour: series and their points, the visible time range (following the live
// edge or where the user zoomed), pause, and the redraw loop (at most once per animation frame).
// Everything that touches uPlot is in chartView.ts; the DOM pieces are in toolbar.ts and legend.ts.

import { align } from './align';
import { ChartView, type ViewSeries } from './chartView';
import { toCsv, seriesColumnName } from './csv';
import { decimate, lowerBound, snapTimes, upperBound, visibleRaw, type Decimated, type PointArrays } from './decimate';
import { el } from './dom';
import { formatValue } from './format';
import { Legend } from './legend';
import { TIME_WINDOWS, type AppendMessage, type ChartState, type HostMessage, type SeriesInfo, type SnapshotMessage, type TimeWindow, type ViewMessage } from './protocol';
import { SeriesBuffer } from './seriesBuffer';
import { newStats, type ChartOptions, type ChartStats } from './stats';
import { readTheme, seriesColor, type ChartTheme } from './theme';
import { Toolbar } from './toolbar';

export interface HostLink {
  post(message: ViewMessage): void;
  setState(state: ChartState): void;
}

interface Entry {
  readonly info: SeriesInfo;
  readonly buffer: SeriesBuffer;
  hidden: boolean;
}

const EMPTY: Decimated = { times: new Float64Array(0), values: new Float64Array(0) };
function appended(a: Float64Array, value: number): Float64Array {
  const out = new Float64Array(a.length + 1);
  out.set(a);
  out[a.length] = value;
  return out;
}

/** Following advances the picture at least this often without new points. */
const FOLLOW_TICK_MS = 1000;

export class ChartApp {
  readonly stats: ChartStats = newStats();
  private entries: Entry[] = [];
  private window: TimeWindow = '10m';
  private paused = false;
  /** While paused: the moment the picture froze; points after it are kept but not shown. */
  private frozenAt = 0;
  private following = true;
  private userRange: [number, number] | undefined;
  private lastRange: [number, number] = [0, 1];
  private theme: ChartTheme;
  private loaded = false;
  private frame = 0;
  private plotDirty = false;
  /** When the redraw uPlot is about to paint started (performance.now()), until it has painted. */
  private drawStarted: number | undefined;

  private readonly toolbar: Toolbar;
  private readonly notes: HTMLElement;
  private readonly plotBox: HTMLElement;
  private readonly overlay: HTMLElement;
  private readonly legend: Legend;
  private readonly view: ChartView;
  private readonly decimating: boolean;

  constructor(
    root: HTMLElement,
    private readonly host: HostLink,
    options: ChartOptions = {},
    restored?: Partial<ChartState>,
  ) {
    this.decimating = options.decimate !== false;
    if (restored?.window && Object.prototype.hasOwnProperty.call(TIME_WINDOWS, restored.window)) this.window = restored.window;
    if (restored?.paused === true) this.pause(true);
    this.theme = readTheme();

    root.replaceChildren();
    root.classList.add('chart');
    this.toolbar = new Toolbar(root, {
      onWindow: (w) => this.setWindow(w),
      onFollow: () => this.toggleFollow(),
      onPause: () => this.setPaused(!this.paused),
      onAddSeries: () => this.host.post({ type: 'addSeries' }),
      onExportCsv: () => this.exportCsv(),
      onExportPng: () => this.exportPng(),
    });
    this.notes = el('ul', 'notes');
    this.notes.setAttribute('aria-label', 'Not charted');
    root.appendChild(this.notes);
    this.plotBox = el('div', 'plot');
    this.overlay = el('div', 'empty', 'Loading…');
    this.plotBox.appendChild(this.overlay);
    root.appendChild(this.plotBox);
    this.legend = new Legend(root, { onRemove: (id) => this.remove(id), onToggle: (id) => this.toggle(id) });
    this.view = new ChartView(this.plotBox, {
      onUserRange: (min, max) => {
        this.following = false;
        this.userRange = [min, max];
        this.requestDraw();
      },
      onResetZoom: () => this.follow(),
      onDrawn: () => this.drawn(),
    });
    this.updateToolbar();

    new ResizeObserver(() => {
      this.view.resize();
      if (this.loaded) this.requestDraw();
    }).observe(this.plotBox);
    // VS Code swaps the body's theme class (vscode-light / vscode-dark / vscode-high-contrast) and the variables
    // on <html> when the colour theme changes; the host also sends a `theme` message.
    const themeWatch = new MutationObserver(() => this.applyTheme());
    themeWatch.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
    setInterval(() => {
      if (this.following && !this.paused && this.loaded) this.requestDraw();
    }, FOLLOW_TICK_MS);
  }

  handle(message: HostMessage): void {
    switch (message.type) {
      case 'snapshot':
        this.snapshot(message);
        break;
      case 'append':
        this.append(message);
        break;
      case 'theme':
        this.applyTheme();
        break;
    }
  }

  // ── messages ────────────────────────────────────────────────────────────────────────────────

  private snapshot(message: SnapshotMessage): void {
    const hidden = new Set(this.entries.filter((e) => e.hidden).map((e) => e.info.id));
    const pointsById = new Map(message.points.map((p) => [p.id, p]));
    this.entries = message.series.map((info, i) => {
      const points = pointsById.get(info.id) ?? message.points[i];
      return { info, buffer: new SeriesBuffer(message.capacity, points?.times, points?.values), hidden: hidden.has(info.id) };
    });
    this.window = message.window;
    if (message.paused !== this.paused) this.pause(message.paused);
    this.loaded = true;
    this.notes.replaceChildren(...message.notes.map((note) => el('li', undefined, note)));
    this.notes.hidden = message.notes.length === 0;
    this.rebuild();
    this.persist();
    this.updateToolbar();
    this.requestDraw();
  }

  private append(message: AppendMessage): void {
    this.stats.appendsReceived++;
    for (const points of message.points) {
      const entry = this.entries.find((e) => e.info.id === points.id);
      if (entry) entry.buffer.append(points.times, points.values);
    }
    this.stats.pointsStored = this.entries.reduce((n, e) => n + e.buffer.length, 0);
    if (this.paused) this.requestFrame();
    else this.requestDraw();
  }

  private applyTheme(): void {
    const theme = readTheme();
    if (JSON.stringify(theme) === JSON.stringify(this.theme)) return;
    this.theme = theme;
    if (this.loaded) {
      this.rebuild();
      this.requestDraw();
    }
  }

  // ── user actions ────────────────────────────────────────────────────────────────────────────

  private setWindow(window: TimeWindow): void {
    if (!Object.prototype.hasOwnProperty.call(TIME_WINDOWS, window)) return;
    this.window = window;
    this.host.post({ type: 'window', window });
    this.persist();
    this.follow();
  }

  private follow(): void {
    this.following = true;
    this.userRange = undefined;
    this.updateToolbar();
    this.requestDraw();
  }

  private toggleFollow(): void {
    if (!this.following) return this.follow();
    this.following = false;
    this.userRange = [...this.lastRange];
    this.updateToolbar();
    this.requestDraw();
  }

  private setPaused(paused: boolean): void {
    if (paused === this.paused) return;
    this.pause(paused);
    this.host.post({ type: 'pause', paused });
    this.persist();
    this.updateToolbar();
    this.requestDraw();
  }

  private pause(paused: boolean): void {
    this.paused = paused;
    if (paused) this.frozenAt = Date.now();
  }

  private remove(id: string): void {
    this.host.post({ type: 'removeSeries', id });
    this.entries = this.entries.filter((e) => e.info.id !== id);
    this.rebuild();
    this.persist();
    this.requestDraw();
  }

  private toggle(id: string): void {
    const entry = this.entries.find((e) => e.info.id === id);
    if (!entry) return;
    entry.hidden = !entry.hidden;
    this.renderLegend();
    this.requestDraw();
  }

  private exportCsv(): void {
    const [min, max] = this.lastRange;
    const series = this.entries
      .filter((e) => !e.hidden)
      .map((e) => ({ ...e.info, ...this.shown(e) }));
    this.host.post({ type: 'export', format: 'csv', text: toCsv(series, min, max) });
  }

  private exportPng(): void {
    this.draw(); // the canvas as it is now, not as it was a frame ago
    const labels = this.entries.filter((e) => !e.hidden).map((e) => ({ color: this.colorOf(e), text: `${e.info.deviceName} · ${e.info.propertyName}` }));
    // uPlot paints in a microtask queued by draw(): read the canvas after it.
    queueMicrotask(() => this.host.post({ type: 'export', format: 'png', dataUrl: this.view.pngDataUrl(this.theme, labels) }));
  }

  // ── drawing ─────────────────────────────────────────────────────────────────────────────────

  private colorOf(entry: Entry): string {
    return seriesColor(this.theme, this.entries.indexOf(entry));
  }

  /** A new plot for the current series and theme (series added/removed, theme changed). */
  private rebuild(): void {
    const series: ViewSeries[] = this.entries.map((e) => ({ color: this.colorOf(e), step: e.info.shape === 'step', boolean: e.info.baseType === 'boolean' }));
    this.view.build(series, this.theme);
    this.stats.colors = series.map((s) => s.color);
    this.renderLegend();
  }

  private renderLegend(): void {
    this.legend.render(
      this.entries.map((e) => ({
        id: e.info.id,
        color: this.colorOf(e),
        deviceName: e.info.deviceName,
        propertyName: e.info.propertyName,
        detail: `${seriesColumnName(e.info)} (${e.info.dsn} / ${e.info.property}, ${e.info.baseType})`,
        hidden: e.hidden,
      })),
    );
    this.updateLegendValues();
  }

  /** The points of a series the picture may show: all of them, or while paused those up to the freeze. */
  private shown(entry: Entry): PointArrays {
    const { times, values } = entry.buffer;
    if (!this.paused) return { times, values };
    const end = upperBound(times, this.frozenAt);
    return { times: times.subarray(0, end), values: values.subarray(0, end) };
  }

  private now(): number {
    return this.paused ? this.frozenAt : Date.now();
  }

  /** The x range to show now (ms). */
  private visibleRange(): [number, number] {
    if (!this.following && this.userRange) return this.userRange;
    const now = this.now();
    const span = TIME_WINDOWS[this.window].ms;
    let min = now - span;
    if (!Number.isFinite(span)) {
      const firsts = this.entries.filter((e) => !e.hidden && e.buffer.length > 0).map((e) => e.buffer.times[0] as number);
      min = firsts.length > 0 ? Math.min(...firsts) : now - 60_000;
    }
    if (now - min < 1000) min = now - 1000;
    return [min, now];
  }

  private requestDraw(): void {
    this.plotDirty = true;
    this.requestFrame();
  }

  private requestFrame(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (this.plotDirty) this.draw();
      this.updateToolbar();
    });
  }

  private draw(): void {
    this.plotDirty = false;
    if (!this.loaded) return;
    const started = performance.now();
    const [min, max] = this.visibleRange();
    this.lastRange = [min, max];
    const columns = this.view.columns;
    let inside = 0;
    let drawnPoints = 0;
    const drawn = this.entries.map((entry) => {
      if (entry.hidden) return EMPTY;
      const points = this.shown(entry);
      inside += upperBound(points.times, max) - lowerBound(points.times, min);
      let d = this.decimating ? decimate(points, min, max, columns) : visibleRaw(points, min, max);
      drawnPoints += d.times.length;
      // A boolean holds its value until the next one: carry the latest step on to the live edge.
      const n = points.times.length;
      const edge = Math.min(max, this.now());
      if (entry.info.shape === 'step' && n > 0 && d.times.length > 0 && d.times[d.times.length - 1] === points.times[n - 1] && (points.times[n - 1] as number) < edge) {
        d = { times: appended(d.times, edge), values: appended(d.values, points.values[n - 1] as number) };
      }
      // Decimated series share their x values (half-pixel slots): far fewer x values for uPlot to walk per series.
      if (this.decimating) snapTimes(d.times, min, max, columns);
      return d;
    });
    const { x, ys, counts } = align(drawn);
    this.view.setData(x, ys, min, max, counts);
    this.updateLegendValues();
    const overlay =
      this.entries.length === 0
        ? 'No properties charted — use Add Series…'
        : this.entries.every((e) => e.buffer.length === 0)
          ? 'Waiting for datapoints…'
          : inside === 0 && !this.entries.some((e) => !e.hidden && e.info.shape === 'step' && this.shown(e).times.length > 0)
            ? 'No datapoints in this time range'
            : '';
    // Written only when it changes (this runs on every redraw): a write, even of the same text, invalidates its style.
    if (this.overlay.textContent !== overlay) this.overlay.textContent = overlay;
    if (this.overlay.hidden !== (overlay === '')) this.overlay.hidden = overlay === '';

    this.stats.draws++;
    this.stats.pointsDrawn = drawnPoints;
    this.stats.pointsStored = this.entries.reduce((n, e) => n + e.buffer.length, 0);
    // uPlot paints in a microtask after setData: the redraw's time is taken when it has (drawn()).
    this.drawStarted = started;
  }

  /** uPlot has painted: the redraw took from draw()'s start until now. */
  private drawn(): void {
    if (this.drawStarted === undefined) return;
    const ms = performance.now() - this.drawStarted;
    this.drawStarted = undefined;
    this.stats.lastDrawMs = ms;
    this.stats.drawMsTotal += ms;
  }

  private updateLegendValues(): void {
    this.entries.forEach((entry, i) => {
      const { times, values } = this.shown(entry);
      if (times.length === 0) this.legend.setValue(i, entry.buffer.length === 0 ? 'waiting for datapoints' : '—', true);
      else this.legend.setValue(i, formatValue(values[values.length - 1], entry.info.baseType), false);
    });
  }

  private updateToolbar(): void {
    this.toolbar.setWindow(this.window);
    this.toolbar.setFollowing(this.following);
    let fresh = 0;
    if (this.paused) for (const e of this.entries) fresh += e.buffer.length - upperBound(e.buffer.times, this.frozenAt);
    this.toolbar.setState(this.paused, this.following, fresh);
  }

  private persist(): void {
    this.host.setState({ series: this.entries.map((e) => ({ dsn: e.info.dsn, property: e.info.property })), window: this.window, paused: this.paused });
  }
}
