// The state a chart is restored with after a window reload. It comes back from the webview (what the page
// stored with setState), so it is untrusted: only well-formed parts are kept.
import { TIME_WINDOWS, type ChartState, type SeriesRef, type TimeWindow } from '../webview/protocol';
import { ChartSeriesSet } from './chartSeries';

export const DEFAULT_CHART_STATE: ChartState = { series: [], window: '10m', paused: false };

export function isTimeWindow(value: unknown): value is TimeWindow {
  return typeof value === 'string' && Object.hasOwn(TIME_WINDOWS, value);
}

export function chartStateFrom(value: unknown): ChartState {
  const state = value as Partial<Record<keyof ChartState, unknown>> | null | undefined;
  return {
    series: Array.isArray(state?.series) ? new ChartSeriesSet(state.series as SeriesRef[]).list() : [],
    window: isTimeWindow(state?.window) ? state.window : DEFAULT_CHART_STATE.window,
    paused: state?.paused === true,
  };
}

/**
 * The window a new chart starts on: the smallest that shows all the history it starts with, at least the last
 * minute (a chart of a few seconds of history on a 10-minute axis is a line squeezed against the right edge).
 */
export function windowFor(historySpanMs: number): TimeWindow {
  for (const window of ['1m', '10m', '1h'] as const) if (historySpanMs <= TIME_WINDOWS[window].ms) return window;
  return 'all';
}
