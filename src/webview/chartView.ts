// The uPlot side of the chart: builds the plot for a set of series and a theme, hands it aligned data for an x
// range the page decides, and turns the user's gestures (drag-select, wheel, shift/middle-drag, double-click)
// into range requests. uPlot's own legend is off: the page draws its own (legend.ts).

import uPlot from 'uplot';
import type { ChartTheme } from './theme';

export interface ViewSeries {
  readonly color: string;
  /** Drawn as steps (booleans) rather than lines. */
  readonly step: boolean;
  /** On the 0…1 scale of booleans (false/true), else on the shared numeric scale. */
  readonly boolean: boolean;
}

export interface ViewHandlers {
  /** The user zoomed or panned to [min, max] (ms). */
  onUserRange(min: number, max: number): void;
  /** The user double-clicked: back to following the live edge. */
  onResetZoom(): void;
  /** uPlot has finished painting the canvas (it paints in a microtask after `setData`). */
  onDrawn?(): void;
}

/** A PNG legend item: colour and text (drawn on the canvas, never as HTML). */
export interface PngLabel {
  readonly color: string;
  readonly text: string;
}

const BOOLEAN_RANGE: uPlot.Range.MinMax = [-0.15, 1.15];
const MIN_SPAN_MS = 10;

function booleanTicks(_self: uPlot, splits: number[]): string[] {
  return splits.map((v) => (v === 1 ? 'true' : v === 0 ? 'false' : ''));
}

export class ChartView {
  private plot: uPlot | undefined;
  private range: [number, number] = [0, 1];
  private panning: { startX: number; min: number; max: number } | undefined;
  /** Points each series has in the drawn data: sparse series get a marker on each point (one point draws no line). */
  private pointCounts: number[] = [];

  constructor(
    private readonly container: HTMLElement,
    private readonly handlers: ViewHandlers,
  ) {}

  /** The plot area's width in CSS pixels: the number of columns decimation aims at. */
  get columns(): number {
    const width = this.plot?.over.clientWidth ?? this.container.clientWidth;
    return Math.max(1, Math.round(width));
  }

  get canvas(): HTMLCanvasElement | undefined {
    return this.plot?.ctx.canvas;
  }

  /** (Re)creates the plot for `series` drawn in `theme`, with no data yet. */
  build(series: readonly ViewSeries[], theme: ChartTheme): void {
    this.destroy();
    const font = `${theme.fontSize}px ${theme.fontFamily}`;
    const axis = (): uPlot.Axis => ({
      stroke: theme.foreground,
      font,
      labelFont: font,
      grid: { stroke: theme.grid, width: 1 },
      ticks: { stroke: theme.grid, width: 1, size: 4 },
      border: { show: true, stroke: theme.grid, width: 1 },
    });
    const hasBoolean = series.some((s) => s.boolean);
    const hasNumber = series.some((s) => !s.boolean);
    const axes: uPlot.Axis[] = [{ ...axis(), space: 70 }];
    if (hasNumber || !hasBoolean) axes.push({ ...axis(), scale: 'y', size: 60 });
    if (hasBoolean) {
      axes.push({
        ...axis(),
        scale: 'b',
        side: hasNumber ? 1 : 3,
        size: 50,
        splits: () => [0, 1],
        values: booleanTicks,
        grid: { show: !hasNumber, stroke: theme.grid, width: 1 },
      });
    }
    const { width, height } = this.size();
    const options: uPlot.Options = {
      width,
      height,
      ms: 1,
      pxAlign: 0,
      legend: { show: false },
      padding: [12, 12, 0, 0],
      scales: {
        x: { time: true, range: () => this.range },
        y: { auto: true },
        b: { auto: true, range: () => BOOLEAN_RANGE },
      },
      axes,
      series: [
        {},
        ...series.map(
          (s): uPlot.Series => ({
            stroke: s.color,
            width: 1,
            scale: s.boolean ? 'b' : 'y',
            spanGaps: true,
            paths: s.step ? uPlot.paths.stepped?.({ align: 1 }) : uPlot.paths.linear?.(),
            points: { size: 5, fill: theme.background, stroke: s.color, show: (u: uPlot, index: number) => this.marksPoints(u, index) },
          }),
        ),
      ],
      cursor: {
        drag: { x: true, y: false, setScale: false },
        bind: { dblclick: () => null },
        points: { size: 7, fill: theme.background },
      },
      hooks: { setSelect: [(u) => this.onSelect(u)], draw: [() => this.handlers.onDrawn?.()] },
    };
    const plot = new uPlot(options, [[]], this.container);
    this.plot = plot;
    plot.over.addEventListener('dblclick', () => this.handlers.onResetZoom());
    plot.over.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    plot.root.addEventListener('mousedown', (e) => this.onPanStart(e), { capture: true });
  }

  /** Draws `x`/`ys` (aligned; `counts`: each series' values that are not null) over the x range [min, max] (ms). */
  setData(x: readonly number[], ys: readonly (readonly (number | null)[])[], min: number, max: number, counts?: readonly number[]): void {
    this.range = [min, max];
    this.pointCounts = counts ? [...counts] : ys.map((y) => y.reduce<number>((n, v) => (v === null ? n : n + 1), 0));
    this.plot?.setData([x, ...ys] as unknown as uPlot.AlignedData, true);
  }

  /** Follows the container's size. */
  resize(): void {
    if (!this.plot) return;
    const { width, height } = this.size();
    if (width !== this.plot.width || height !== this.plot.height) this.plot.setSize({ width, height });
  }

  /**
   * The picture as a PNG data URL: the plot on the theme's background (uPlot's canvas is transparent),
   * with a line of coloured labels under it.
   */
  pngDataUrl(theme: ChartTheme, labels: readonly PngLabel[]): string {
    const source = this.canvas;
    const out = document.createElement('canvas');
    const ratio = source && source.clientWidth > 0 ? source.width / source.clientWidth : window.devicePixelRatio || 1;
    const width = source?.width ?? 1;
    const fontPx = theme.fontSize * ratio;
    const lineHeight = Math.ceil(fontPx * 1.8);
    const pad = Math.ceil(10 * ratio);
    const measure = out.getContext('2d');
    if (!measure) throw new Error('no 2D canvas context');
    measure.font = `${fontPx}px ${theme.fontFamily}`;
    // Lay the labels out left to right, wrapping.
    const placed: { label: PngLabel; x: number; line: number }[] = [];
    let x = pad;
    let line = 0;
    for (const label of labels) {
      const w = fontPx * 1.2 + measure.measureText(label.text).width + pad * 2;
      if (x + w > width && x > pad) {
        line++;
        x = pad;
      }
      placed.push({ label, x, line });
      x += w;
    }
    const legendHeight = labels.length > 0 ? (line + 1) * lineHeight + pad : 0;
    out.width = width;
    out.height = (source?.height ?? 1) + legendHeight;
    const ctx = out.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas context');
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, out.width, out.height);
    if (source) ctx.drawImage(source, 0, 0);
    ctx.font = `${fontPx}px ${theme.fontFamily}`;
    ctx.textBaseline = 'middle';
    for (const { label, x: lx, line: ln } of placed) {
      const y = (source?.height ?? 0) + pad / 2 + ln * lineHeight + lineHeight / 2;
      ctx.fillStyle = label.color;
      ctx.fillRect(lx, y - fontPx * 0.35, fontPx * 0.7, fontPx * 0.7);
      ctx.fillStyle = theme.foreground;
      ctx.fillText(label.text, lx + fontPx * 1.2, y);
    }
    return out.toDataURL('image/png');
  }

  destroy(): void {
    this.plot?.destroy();
    this.plot = undefined;
  }

  /** A marker on every point when the series' points are far apart (at least ~12 px each on average). */
  private marksPoints(u: uPlot, seriesIndex: number): boolean {
    const count = this.pointCounts[seriesIndex - 1] ?? 0;
    return count > 0 && count <= Math.max(1, u.width / 12);
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(100, Math.floor(this.container.clientWidth)), height: Math.max(80, Math.floor(this.container.clientHeight)) };
  }

  private onSelect(u: uPlot): void {
    const { left, width } = u.select;
    if (width <= 0) return;
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    if (width < 3) return;
    this.request(u.posToVal(left, 'x'), u.posToVal(left + width, 'x'));
  }

  private onWheel(e: WheelEvent): void {
    const u = this.plot;
    if (!u || e.deltaY === 0) return;
    e.preventDefault();
    const [min, max] = this.range;
    const at = u.posToVal(e.offsetX, 'x');
    const factor = e.deltaY > 0 ? 1.25 : 0.8;
    this.request(at - (at - min) * factor, at + (max - at) * factor);
  }

  private onPanStart(e: MouseEvent): void {
    const u = this.plot;
    if (!u || !(e.button === 1 || (e.button === 0 && e.shiftKey))) return;
    if (!u.over.contains(e.target as Node)) return;
    e.preventDefault();
    e.stopPropagation(); // no drag-select
    this.panning = { startX: e.clientX, min: this.range[0], max: this.range[1] };
    const move = (m: MouseEvent): void => {
      const p = this.panning;
      if (!p) return;
      const msPerPx = (p.max - p.min) / Math.max(1, u.over.clientWidth);
      const shift = (m.clientX - p.startX) * msPerPx;
      this.request(p.min - shift, p.max - shift);
    };
    const up = (): void => {
      this.panning = undefined;
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  }

  private request(min: number, max: number): void {
    if (!Number.isFinite(min) || !Number.isFinite(max)) return;
    if (max - min < MIN_SPAN_MS) {
      const mid = (min + max) / 2;
      min = mid - MIN_SPAN_MS / 2;
      max = mid + MIN_SPAN_MS / 2;
    }
    this.handlers.onUserRange(min, max);
  }
}
