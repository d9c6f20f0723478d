// Which properties a chart shows, and whether a property can be charted at all. No vscode: the rules are
// unit-tested directly. Numbers and booleans are charted (booleans as steps); strings, messages and files
// are not, and the user is told why in one sentence instead of seeing an empty line.
import { propertyKey } from '../model/changeSet';
import type { DeviceState } from '../model/deviceState';
import type { PropertyState } from '../model/propertyState';
import type { SeriesInfo, SeriesRef, SeriesShape } from '../webview/protocol';

/** Series one chart shows at most: beyond this a legend and a colour palette stop being readable. */
export const MAX_SERIES = 12;

/** What a chart needs to know about the model. DeviceStore satisfies it. */
export interface ChartModel {
  device(dsn: string): DeviceState | undefined;
  property(dsn: string, name: string): PropertyState | undefined;
}

export type Chartability = { readonly chartable: true; readonly shape: SeriesShape } | { readonly chartable: false; readonly reason: string };

const SHAPES: Readonly<Record<string, SeriesShape>> = { boolean: 'step', integer: 'line', decimal: 'line' };

/** The device's name as the tree shows it: its product name, else its DSN. */
export function deviceName(model: ChartModel, dsn: string): string {
  return model.device(dsn)?.productName?.trim() || dsn;
}

/**
 * Whether a property can be charted. A property the model does not know yet (a chart restored before sign-in,
 * a property not listed yet) is chartable as a line until its type says otherwise.
 */
export function chartability(model: ChartModel, ref: SeriesRef): Chartability {
  const property = model.property(ref.dsn, ref.property);
  if (property?.baseType === undefined) return { chartable: true, shape: 'line' };
  const shape = SHAPES[property.baseType];
  if (shape !== undefined) return { chartable: true, shape };
  const what = `${property.displayName} on ${deviceName(model, ref.dsn)}`;
  return {
    chartable: false,
    reason: `${what} is not charted: it is a ${property.baseType} property, and only numbers and booleans have a value to plot. Watch it in the Devices tree or the Ayla DSS Events channel instead.`,
  };
}

/** The legend's view of a series, read from the model now. */
export function seriesInfo(model: ChartModel, ref: SeriesRef, shape: SeriesShape): SeriesInfo {
  const property = model.property(ref.dsn, ref.property);
  return {
    id: propertyKey(ref.dsn, ref.property),
    dsn: ref.dsn,
    property: ref.property,
    deviceName: deviceName(model, ref.dsn),
    propertyName: property?.displayName ?? ref.property,
    baseType: property?.baseType ?? 'unknown',
    shape,
  };
}

/** What adding some properties to a chart did. */
export interface AddOutcome {
  readonly added: readonly SeriesRef[];
  /** Already charted: nothing to do. */
  readonly alreadyCharted: readonly SeriesRef[];
  /** One sentence per property that was not added, saying why. */
  readonly refused: readonly string[];
}

/** The ordered set of properties one chart shows. */
export class ChartSeriesSet {
  private readonly refs = new Map<string, SeriesRef>();

  constructor(initial: readonly SeriesRef[] = []) {
    for (const ref of initial) {
      if (this.refs.size >= MAX_SERIES) break;
      if (isSeriesRef(ref)) this.refs.set(propertyKey(ref.dsn, ref.property), { dsn: ref.dsn, property: ref.property });
    }
  }

  get size(): number {
    return this.refs.size;
  }

  list(): SeriesRef[] {
    return [...this.refs.values()];
  }

  has(ref: SeriesRef): boolean {
    return this.refs.has(propertyKey(ref.dsn, ref.property));
  }

  add(model: ChartModel, refs: readonly SeriesRef[]): AddOutcome {
    const added: SeriesRef[] = [];
    const alreadyCharted: SeriesRef[] = [];
    const refused: string[] = [];
    for (const ref of refs) {
      const key = propertyKey(ref.dsn, ref.property);
      if (this.refs.has(key)) {
        alreadyCharted.push(ref);
        continue;
      }
      const verdict = chartability(model, ref);
      if (!verdict.chartable) {
        refused.push(verdict.reason);
        continue;
      }
      if (this.refs.size >= MAX_SERIES) {
        const name = model.property(ref.dsn, ref.property)?.displayName ?? ref.property;
        refused.push(`${name} on ${deviceName(model, ref.dsn)} is not charted: a chart shows at most ${MAX_SERIES} properties. Remove one from the legend, or open another chart.`);
        continue;
      }
      this.refs.set(key, { dsn: ref.dsn, property: ref.property });
      added.push(ref);
    }
    return { added, alreadyCharted, refused };
  }

  /** Removes the series with this id (`SeriesInfo.id`); false when it was not charted. */
  remove(id: string): boolean {
    return this.refs.delete(id);
  }

  /**
   * The series to draw now, and a note for each property that is charted but cannot be drawn (its type turned
   * out to be a string once the model learned it).
   */
  resolve(model: ChartModel): { series: SeriesInfo[]; notes: string[] } {
    const series: SeriesInfo[] = [];
    const notes: string[] = [];
    for (const ref of this.refs.values()) {
      const verdict = chartability(model, ref);
      if (verdict.chartable) series.push(seriesInfo(model, ref, verdict.shape));
      else notes.push(verdict.reason);
    }
    return { series, notes };
  }
}

/** A value that really is a SeriesRef (the restored state comes from the webview and is not trusted). */
export function isSeriesRef(value: unknown): value is SeriesRef {
  const ref = value as { dsn?: unknown; property?: unknown } | null | undefined;
  return typeof ref?.dsn === 'string' && ref.dsn !== '' && typeof ref.property === 'string' && ref.property !== '';
}
