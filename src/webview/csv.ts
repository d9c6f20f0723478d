// "Export CSV": the raw points (never the decimated ones) of the visible series inside the visible time range.
//
// Format (RFC 4180, CRLF line ends):
//   header   `time,<series>,<series>,…` where a series is named `<device> · <property>`, and
//            `<device> (<dsn>) · <property>` when the device's name is not its DSN (two devices may share a name).
//   rows     one per distinct time, ascending; a time repeats only when a series has several points at it.
//            First cell: ISO-8601 UTC with milliseconds (`2024-01-31T12:05:09.042Z`). Then one cell per series:
//            its value at that time, or empty. Booleans as `true`/`false`, numbers as JavaScript prints them.
// Text cells (the names in the header) beginning with = + - @ tab or CR get a leading apostrophe so a
// spreadsheet never runs them as a formula; cells with a comma, quote or line break are quoted.
// Pure, no DOM.

import { align } from './align';
import { lowerBound, upperBound } from './decimate';

export interface CsvSeries {
  readonly dsn: string;
  readonly deviceName: string;
  readonly propertyName: string;
  readonly baseType: string;
  readonly times: ArrayLike<number>;
  readonly values: ArrayLike<number>;
}

/** The header name of a series column (before quoting). */
export function seriesColumnName(series: Pick<CsvSeries, 'dsn' | 'deviceName' | 'propertyName'>): string {
  const device = series.deviceName === series.dsn || series.deviceName === '' ? series.dsn : `${series.deviceName} (${series.dsn})`;
  return `${device} · ${series.propertyName}`;
}

/** A text cell made safe for spreadsheets (formula prefixes neutralised) and quoted when RFC 4180 needs it. */
export function textCell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A value cell: empty for no value, `true`/`false` for booleans, the number otherwise. */
export function valueCell(value: number | null, baseType: string): string {
  if (value === null || !Number.isFinite(value)) return '';
  if (baseType === 'boolean') return value !== 0 ? 'true' : 'false';
  return String(value);
}

/** The CSV text of `series` restricted to the times in [xMin, xMax] (both ends included). */
export function toCsv(series: readonly CsvSeries[], xMin: number, xMax: number): string {
  const inRange = series.map((s) => {
    const from = lowerBound(s.times, xMin);
    const to = Math.max(from, upperBound(s.times, xMax));
    return { times: Array.prototype.slice.call(s.times, from, to) as number[], values: Array.prototype.slice.call(s.values, from, to) as number[] };
  });
  const { x, ys } = align(inRange);
  const lines = [['time', ...series.map((s) => textCell(seriesColumnName(s)))].join(',')];
  for (let row = 0; row < x.length; row++) {
    const cells = [new Date(x[row] as number).toISOString()];
    for (let s = 0; s < series.length; s++) cells.push(valueCell((ys[s] as (number | null)[])[row] ?? null, (series[s] as CsvSeries).baseType));
    lines.push(cells.join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
