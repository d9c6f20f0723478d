// How the legend prints a series' latest value and the toolbar its counts. Pure, no DOM.

/** `true`/`false` for booleans; integers as they are; other numbers to 6 significant digits. */
export function formatValue(value: number | undefined, baseType: string): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  if (baseType === 'boolean') return value !== 0 ? 'true' : 'false';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e9 || abs < 1e-4)) return value.toExponential(4);
  return String(Number(value.toPrecision(6)));
}

/** A count with thin-space thousands groups: 1234567 → "1 234 567". */
export function formatCount(count: number): string {
  return String(Math.max(0, Math.floor(count))).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
}
