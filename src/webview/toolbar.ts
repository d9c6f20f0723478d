// The toolbar: time window, follow live, pause, add series and the two exports. Real buttons and a select,
// listeners attached here (the CSP forbids inline handlers).

import { el } from './dom';
import { formatCount } from './format';
import { TIME_WINDOWS, type TimeWindow } from './protocol';

export interface ToolbarHandlers {
  onWindow(window: TimeWindow): void;
  onFollow(): void;
  onPause(): void;
  onAddSeries(): void;
  onExportCsv(): void;
  onExportPng(): void;
}

function button(text: string, title: string, className: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', className, text);
  b.type = 'button';
  b.title = title;
  b.addEventListener('click', onClick);
  return b;
}

export class Toolbar {
  readonly element: HTMLElement;
  readonly windowSelect: HTMLSelectElement;
  readonly followButton: HTMLButtonElement;
  readonly pauseButton: HTMLButtonElement;
  private readonly status: HTMLElement;

  constructor(parent: HTMLElement, handlers: ToolbarHandlers) {
    this.element = el('div', 'toolbar');
    this.element.setAttribute('role', 'toolbar');

    this.windowSelect = el('select', 'window');
    this.windowSelect.title = 'Time window shown while following live';
    this.windowSelect.setAttribute('aria-label', 'Time window');
    for (const [key, { label }] of Object.entries(TIME_WINDOWS)) {
      const option = el('option', undefined, label);
      option.value = key;
      this.windowSelect.appendChild(option);
    }
    this.windowSelect.addEventListener('change', () => handlers.onWindow(this.windowSelect.value as TimeWindow));

    this.followButton = button('Follow live', 'Keep the newest points in view (zooming or panning stops it; double-click the chart to resume)', 'follow toggle', handlers.onFollow);
    this.pauseButton = button('Pause', 'Freeze the picture; points keep arriving', 'pause toggle', handlers.onPause);
    const add = button('Add Series…', 'Chart another property', 'add primary', handlers.onAddSeries);
    const csv = button('Export CSV', 'Save the visible points as CSV', 'export-csv', handlers.onExportCsv);
    const png = button('Export PNG', 'Save the picture as PNG', 'export-png', handlers.onExportPng);
    this.status = el('span', 'status', '');
    this.status.setAttribute('aria-live', 'polite');

    const group = (...children: HTMLElement[]): HTMLElement => {
      const g = el('div', 'group');
      g.append(...children);
      return g;
    };
    this.element.append(group(this.windowSelect, this.followButton, this.pauseButton), this.status, group(add, csv, png));
    parent.appendChild(this.element);
  }

  // These run on every redraw: each writes to the DOM only what changed, since a write, even of the same value,
  // invalidates the element's style for the next frame.

  setWindow(window: TimeWindow): void {
    if (this.windowSelect.value !== window) this.windowSelect.value = window;
  }

  setFollowing(following: boolean): void {
    setAttribute(this.followButton, 'aria-pressed', String(following));
    this.followButton.classList.toggle('on', following);
  }

  /** Pause state, the status text ("Paused · 1 234 new points", "Live", "Zoomed"). */
  setState(paused: boolean, following: boolean, newPoints: number): void {
    const label = paused ? 'Resume' : 'Pause';
    if (this.pauseButton.textContent !== label) this.pauseButton.textContent = label;
    setAttribute(this.pauseButton, 'aria-pressed', String(paused));
    this.pauseButton.classList.toggle('on', paused);
    const text = paused
      ? `Paused · ${formatCount(newPoints)} new point${newPoints === 1 ? '' : 's'}`
      : following
        ? 'Live'
        : 'Zoomed · double-click to follow';
    if (this.status.textContent !== text) this.status.textContent = text;
    this.status.classList.toggle('paused', paused);
    this.status.classList.toggle('live', !paused && following);
  }
}

function setAttribute(element: HTMLElement, name: string, value: string): void {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}
