// What one chart panel sends its webview, read from the model's history rings. No vscode: unit-tested.
//
// A snapshot copies every charted series' retained points and remembers, per series, which ring it read and
// the ring's `pushed` count. After that, `next()` reads only the points pushed since (`TimeSeriesRing.after`),
// so an append carries exactly the new points, however many events arrived, and a frame with nothing new
// sends nothing. When the picture would otherwise go wrong it asks for a snapshot instead of an append:
// the series or their names changed, the store was cleared (sign-out, sign-in: new rings), the capacity
// changed, or points were overwritten before this chart read them.
import type { ReadonlyTimeSeries } from '../model/ringBuffer';
import type { AppendMessage, ChartState, SeriesInfo, SeriesPoints, SnapshotMessage } from '../webview/protocol';
import type { ChartModel, ChartSeriesSet } from './chartSeries';

/** The model as a chart reads it. DeviceStore satisfies it. */
export interface ChartSource extends ChartModel {
  history(dsn: string, name: string): ReadonlyTimeSeries | undefined;
  /** Points each history ring keeps: the webview keeps no more. */
  readonly historySize: number;
}

interface Cursor {
  /** The ring the last read used (undefined: the property had no history yet). */
  ring: ReadonlyTimeSeries | undefined;
  /** The ring's `pushed` count at the last read. */
  pushed: number;
}

const EMPTY = new Float64Array(0);

function signatureOf(series: readonly SeriesInfo[], notes: readonly string[], capacity: number): string {
  return JSON.stringify([capacity, notes, series.map((s) => [s.id, s.deviceName, s.propertyName, s.baseType, s.shape])]);
}

export class ChartFeed {
  private readonly cursors = new Map<string, Cursor>();
  private signature = '';
  private stale = true;

  constructor(
    private readonly source: ChartSource,
    private readonly series: ChartSeriesSet,
  ) {}

  /** The next `next()` answers 'snapshot' (series were added or removed, the webview reloaded). */
  invalidate(): void {
    this.stale = true;
  }

  /** Everything to draw now; the cursors restart from here. */
  snapshot(view: Pick<ChartState, 'window' | 'paused'>): SnapshotMessage {
    const { series, notes } = this.series.resolve(this.source);
    const capacity = this.source.historySize;
    this.cursors.clear();
    const points: SeriesPoints[] = series.map((info) => {
      const ring = this.source.history(info.dsn, info.property);
      this.cursors.set(info.id, { ring, pushed: ring?.pushed ?? 0 });
      if (ring === undefined) return { id: info.id, times: EMPTY, values: EMPTY };
      const { times, values } = ring.slice();
      return { id: info.id, times, values };
    });
    this.signature = signatureOf(series, notes, capacity);
    this.stale = false;
    return { type: 'snapshot', series, points, capacity, notes, window: view.window, paused: view.paused };
  }

  /** The points pushed since the last read; 'snapshot' when only a snapshot draws the truth; undefined when nothing is new. */
  next(): AppendMessage | 'snapshot' | undefined {
    if (this.stale) return 'snapshot';
    const { series, notes } = this.series.resolve(this.source);
    if (signatureOf(series, notes, this.source.historySize) !== this.signature) return 'snapshot';
    const points: SeriesPoints[] = [];
    for (const info of series) {
      const cursor = this.cursors.get(info.id);
      if (cursor === undefined) return 'snapshot';
      const ring = this.source.history(info.dsn, info.property);
      if (ring !== cursor.ring) {
        // A first point gives a property its ring: read it from the start. Any other swap is a cleared store.
        if (cursor.ring !== undefined) return 'snapshot';
        cursor.ring = ring;
        cursor.pushed = 0;
      }
      if (ring === undefined || ring.pushed === cursor.pushed) continue;
      const tail = ring.after(cursor.pushed);
      // Points this chart never saw were overwritten: an append would leave a silent hole.
      if (tail.skipped > 0) return 'snapshot';
      cursor.pushed = tail.cursor;
      if (tail.times.length > 0) points.push({ id: info.id, times: tail.times, values: tail.values });
    }
    return points.length > 0 ? { type: 'append', points } : undefined;
  }
}
