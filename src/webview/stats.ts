// Read-only counters for tests and benchmarks (`globalThis.aylaChartStats`), and the one test option
// (`globalThis.aylaChartOptions`, set before the page script runs).

export interface ChartStats {
  /** Plot redraws so far. */
  draws: number;
  /** Duration of the last redraw (decimation, alignment and uPlot up to the painted canvas), ms. */
  lastDrawMs: number;
  drawMsTotal: number;
  /** Points handed to uPlot in the last redraw, all series together. */
  pointsDrawn: number;
  appendsReceived: number;
  /** Points held, all series together (at most the capacity each). */
  pointsStored: number;
  /** Series colours of the current theme, in series order. */
  colors: string[];
}

export interface ChartOptions {
  /** false: draw every visible point (the baseline decimation is measured against). Default true. */
  decimate?: boolean;
}

declare global {
  // eslint-disable-next-line no-var
  var aylaChartStats: ChartStats | undefined;
  // eslint-disable-next-line no-var
  var aylaChartOptions: ChartOptions | undefined;
}

export function newStats(): ChartStats {
  return { draws: 0, lastDrawMs: 0, drawMsTotal: 0, pointsDrawn: 0, appendsReceived: 0, pointsStored: 0, colors: [] };
}
