// The messages the extension host and the chart webview exchange: the only thing src/extension and
// src/webview share. Types only (plus a few constants), no code that needs a DOM or Node.
//
// Order of a conversation:
//   view → host  `ready`               (each time the page loads: first open, shown again, window reload)
//   host → view  `snapshot`            (every series with all its retained points)
//   host → view  `append` …            (only new points, batched: at most about one message per frame)
//   host → view  `snapshot`            (again whenever series are added or removed, or the model was reset)
// A webview that is hidden is not sent anything; it sends `ready` again when shown and gets a fresh snapshot,
// so it never has to reconcile deltas it may have missed.
//
// Points travel as Float64Arrays: VS Code (engines ≥ 1.57) transfers typed arrays to a webview as binary and
// recreates them there, so 100 000 points cost 1.6 MB of copying, not a JSON string of numbers.

/** A property as the user names it: the device's DSN and the property's `name`. */
export interface SeriesRef {
  readonly dsn: string;
  readonly property: string;
}

/** Lines for decimals and integers; steps for booleans (a boolean holds its value until the next one). */
export type SeriesShape = 'line' | 'step';

/** A charted property: what the legend shows about it. */
export interface SeriesInfo extends SeriesRef {
  /** Opaque, stable while the chart is open; `SeriesPoints.id` refers to it. Never put in the DOM. */
  readonly id: string;
  /** The device's product name, else its DSN. Untrusted text: render with textContent only. */
  readonly deviceName: string;
  /** The property's display name, else its name. Untrusted text: render with textContent only. */
  readonly propertyName: string;
  /** `boolean`, `integer` or `decimal`. */
  readonly baseType: string;
  readonly shape: SeriesShape;
}

/** Points of one series, oldest → newest; times are ms since the epoch (local receive time), never decreasing. */
export interface SeriesPoints {
  readonly id: string;
  readonly times: Float64Array;
  readonly values: Float64Array;
}

/** The time window the chart shows while it follows the live edge. */
export type TimeWindow = '1m' | '10m' | '1h' | 'all';

export const TIME_WINDOWS: Readonly<Record<TimeWindow, { label: string; ms: number }>> = {
  '1m': { label: 'Last 1 min', ms: 60_000 },
  '10m': { label: 'Last 10 min', ms: 600_000 },
  '1h': { label: 'Last 1 h', ms: 3_600_000 },
  all: { label: 'All retained', ms: Infinity },
};

/**
 * What the webview keeps with `vscode.setState` and what VS Code hands back to the panel serializer after a
 * window reload: enough to reopen the same chart. Contains no device data, only references.
 */
export interface ChartState {
  readonly series: readonly SeriesRef[];
  readonly window: TimeWindow;
  /** Paused: the picture is frozen while points keep arriving. */
  readonly paused: boolean;
}

// ── host → view ──────────────────────────────────────────────────────────────────────────────────

/** Everything the chart shows; replaces whatever the webview had. */
export interface SnapshotMessage {
  readonly type: 'snapshot';
  readonly series: readonly SeriesInfo[];
  /** One entry per series in `series`, same order (empty arrays when there are no points yet). */
  readonly points: readonly SeriesPoints[];
  /** Points the host retains per series (the `aylaDss.history.size` setting): the webview keeps no more. */
  readonly capacity: number;
  /**
   * Sentences for the user about what is not charted and why (a string property, a property no longer
   * listed). Untrusted names inside: render with textContent only.
   */
  readonly notes: readonly string[];
  /** The window and pause state to start with (from ChartState, so a restored chart looks as it did). */
  readonly window: TimeWindow;
  readonly paused: boolean;
}

/** New points since the previous snapshot or append, only for series that have some. */
export interface AppendMessage {
  readonly type: 'append';
  readonly points: readonly SeriesPoints[];
}

/** The colour theme changed: re-read the `--vscode-*` variables and redraw. */
export interface ThemeMessage {
  readonly type: 'theme';
}

export type HostMessage = SnapshotMessage | AppendMessage | ThemeMessage;

// ── view → host ──────────────────────────────────────────────────────────────────────────────────

/** The page has loaded and listens: send a snapshot. */
export interface ReadyMessage {
  readonly type: 'ready';
}

/** The user paused or resumed the picture (the host keeps it for the restored state and the title). */
export interface PauseMessage {
  readonly type: 'pause';
  readonly paused: boolean;
}

/** The user picked another time window (kept for the restored state). */
export interface WindowMessage {
  readonly type: 'window';
  readonly window: TimeWindow;
}

/** Save the visible data as CSV: the host asks where and writes the file. */
export interface ExportCsvMessage {
  readonly type: 'export';
  readonly format: 'csv';
  /** The whole file: a header row, then one row per time, RFC 4180 quoting. */
  readonly text: string;
}

/** Save the picture as PNG: the host asks where and writes the file. */
export interface ExportPngMessage {
  readonly type: 'export';
  readonly format: 'png';
  /** `data:image/png;base64,…` from the canvas. */
  readonly dataUrl: string;
}

export type ExportMessage = ExportCsvMessage | ExportPngMessage;

/** The user clicked "Add Series…": the host offers the chartable properties. */
export interface AddSeriesMessage {
  readonly type: 'addSeries';
}

/** The user removed a series from the legend. */
export interface RemoveSeriesMessage {
  readonly type: 'removeSeries';
  readonly id: string;
}

/** Something went wrong inside the page (a script error): the host logs it so it is never silent. */
export interface ViewErrorMessage {
  readonly type: 'error';
  readonly message: string;
}

export type ViewMessage = ReadyMessage | PauseMessage | WindowMessage | ExportMessage | AddSeriesMessage | RemoveSeriesMessage | ViewErrorMessage;

/** The webview panel's view type: `registerWebviewPanelSerializer` and the activation event use it. */
export const CHART_VIEW_TYPE = 'aylaDss.chart';

/** Element ids the host's HTML provides and the page script uses. */
export const CHART_ROOT_ID = 'chart-root';
