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
