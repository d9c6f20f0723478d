// The chart's own legend: per series a colour swatch, the device and property names, the latest value and a
// remove button. Names come from devices (untrusted): they reach the DOM only through textContent.

import { el } from './dom';

export interface LegendEntry {
  readonly id: string;
  readonly color: string;
  readonly deviceName: string;
  readonly propertyName: string;
  /** Shown as the row's tooltip: DSN and property name. */
  readonly detail: string;
  readonly hidden: boolean;
}

export interface LegendHandlers {
  onRemove(id: string): void;
  onToggle(id: string): void;
}

interface Row {
  readonly element: HTMLElement;
  readonly swatch: HTMLElement;
  readonly value: HTMLElement;
}

export class Legend {
  readonly element: HTMLElement;
  private rows: Row[] = [];

  constructor(parent: HTMLElement, private readonly handlers: LegendHandlers) {
    this.element = el('ul', 'legend');
    this.element.setAttribute('aria-label', 'Series');
    parent.appendChild(this.element);
  }

  /** Replaces every row. */
  render(entries: readonly LegendEntry[]): void {
    this.element.replaceChildren();
    this.rows = entries.map((entry) => {
      const row = el('li', 'legend-row');
      row.classList.toggle('off', entry.hidden);
      row.title = entry.detail;
      const swatch = el('span', 'swatch');
      swatch.style.backgroundColor = entry.color;
      const name = el('button', 'legend-name');
      name.type = 'button';
      name.title = `Show or hide ${entry.deviceName} · ${entry.propertyName}`;
      name.setAttribute('aria-pressed', String(!entry.hidden));
      name.append(swatch, el('span', 'device', entry.deviceName), el('span', 'separator', '·'), el('span', 'property', entry.propertyName));
      name.addEventListener('click', () => this.handlers.onToggle(entry.id));
      const value = el('span', 'value', '');
      const remove = el('button', 'remove', '×');
      remove.type = 'button';
      remove.title = 'Remove from the chart';
      remove.setAttribute('aria-label', `Remove ${entry.deviceName} · ${entry.propertyName}`);
      remove.addEventListener('click', () => this.handlers.onRemove(entry.id));
      row.append(name, value, remove);
      this.element.appendChild(row);
      return { element: row, swatch, value };
    });
  }

  /** Sets the latest-value text of row `index`; `waiting` styles it as a placeholder. */
  setValue(index: number, text: string, waiting: boolean): void {
    const row = this.rows[index];
    if (!row) return;
    if (row.value.textContent !== text) row.value.textContent = text;
    row.value.classList.toggle('waiting', waiting);
  }

  /** Re-colours the swatches (theme change). */
  setColors(colors: readonly string[]): void {
    this.rows.forEach((row, i) => {
      row.swatch.style.backgroundColor = colors[i] ?? '';
    });
  }
}
