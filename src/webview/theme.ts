// Colours and font of the chart, from the --vscode-* CSS variables VS Code puts on the page. Re-read whenever
// the theme changes. `themeFrom` and `withAlpha` are pure; `readTheme` reads the page.

export interface ChartTheme {
  /** Series colours in order; a chart with more series cycles through them. */
  readonly palette: readonly string[];
  readonly foreground: string;
  /** Grid lines and ticks (translucent). */
  readonly grid: string;
  readonly background: string;
  readonly fontFamily: string;
  /** CSS pixels. */
  readonly fontSize: number;
}

export const PALETTE_VARIABLES = ['blue', 'red', 'green', 'yellow', 'orange', 'purple'].map((c) => `--vscode-charts-${c}`);

/** VS Code's dark-theme chart colours: used for any variable the page does not define. */
export const FALLBACK_PALETTE: readonly string[] = ['#3794ff', '#f14c4c', '#89d185', '#cca700', '#d18616', '#b180d7'];

/** `#rgb`, `#rrggbb` or `#rrggbbaa` as `rgba(r, g, b, alpha)`; other colours unchanged. */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(color.trim());
  if (!hex) return color;
  let digits = hex[1] as string;
  if (digits.length === 3) digits = digits.replace(/./g, (d) => d + d);
  const r = parseInt(digits.slice(0, 2), 16);
  const g = parseInt(digits.slice(2, 4), 16);
  const b = parseInt(digits.slice(4, 6), 16);
  const a = digits.length === 8 ? (parseInt(digits.slice(6, 8), 16) / 255) * alpha : alpha;
  return `rgba(${r}, ${g}, ${b}, ${Number(a.toFixed(3))})`;
}

/** The theme from a lookup of CSS variables (`get` returns '' for an undefined one). */
export function themeFrom(get: (name: string) => string): ChartTheme {
  const read = (name: string): string => get(name).trim();
  const palette = PALETTE_VARIABLES.map((name, i) => read(name) || (FALLBACK_PALETTE[i] as string));
  const foreground = read('--vscode-foreground') || read('--vscode-editor-foreground') || '#cccccc';
  const gridBase = read('--vscode-editorWidget-border') || read('--vscode-panel-border') || foreground;
  const fontSize = parseFloat(read('--vscode-font-size'));
  return {
    palette,
    foreground,
    grid: withAlpha(gridBase, 0.45),
    background: read('--vscode-editor-background') || '#1e1e1e',
    fontFamily: read('--vscode-font-family') || 'system-ui, sans-serif',
    fontSize: Number.isFinite(fontSize) && fontSize > 0 ? fontSize : 13,
  };
}

/** The theme as the page currently defines it. */
export function readTheme(element: Element = document.body): ChartTheme {
  const style = getComputedStyle(element);
  return themeFrom((name) => style.getPropertyValue(name));
}

/** The colour of the series at `index`. */
export function seriesColor(theme: ChartTheme, index: number): string {
  return theme.palette[index % theme.palette.length] as string;
}
