// The page's small pure helpers: value formatting, theme colours, and the check of incoming host messages.
import { strict as assert } from 'node:assert';
import { formatCount, formatValue } from '../../../src/webview/format';
import { parseHostMessage } from '../../../src/webview/messages';
import { FALLBACK_PALETTE, themeFrom, withAlpha } from '../../../src/webview/theme';

describe('webview: formatting, theme and message checks', () => {
  it('formats live values', () => {
    assert.equal(formatValue(1, 'boolean'), 'true');
    assert.equal(formatValue(0, 'boolean'), 'false');
    assert.equal(formatValue(42, 'integer'), '42');
    assert.equal(formatValue(21.299999999999997, 'decimal'), '21.3');
    assert.equal(formatValue(0.000012345, 'decimal'), '1.2345e-5');
    assert.equal(formatValue(undefined, 'decimal'), '—');
    assert.equal(formatCount(1234), '1\u202f234');
    assert.equal(formatCount(12), '12');
  });

  it('reads the theme variables, with fallbacks and a translucent grid', () => {
    const vars: Record<string, string> = { '--vscode-charts-blue': ' #112233 ', '--vscode-foreground': '#eeeeee', '--vscode-panel-border': '#808080', '--vscode-font-size': '14px' };
    const theme = themeFrom((name) => vars[name] ?? '');
    assert.equal(theme.palette[0], '#112233');
    assert.deepEqual(theme.palette.slice(1), FALLBACK_PALETTE.slice(1));
    assert.equal(theme.foreground, '#eeeeee');
    assert.equal(theme.grid, 'rgba(128, 128, 128, 0.45)');
    assert.equal(theme.fontSize, 14);
    assert.equal(withAlpha('#fff', 0.5), 'rgba(255, 255, 255, 0.5)');
    assert.equal(withAlpha('#ff000080', 1), 'rgba(255, 0, 0, 0.502)');
    assert.equal(withAlpha('red', 0.5), 'red');
  });

  it('accepts well-formed host messages, ignores unknown ones and reports malformed ones', () => {
    const info = { id: 'a', dsn: 'D', property: 'p', deviceName: 'Dev', propertyName: 'P', baseType: 'decimal', shape: 'line' };
    const good = parseHostMessage({ type: 'snapshot', series: [info], points: [{ id: 'a', times: new Float64Array(1), values: new Float64Array(1) }], capacity: 10, notes: [], window: '1m', paused: false });
    assert.equal(good.kind, 'message');
    assert.equal(parseHostMessage({ type: 'append', points: [{ id: 'a', times: [1], values: [2] }] }).kind, 'message', 'number arrays are accepted');
    assert.deepEqual(parseHostMessage({ type: 'theme' }), { kind: 'message', message: { type: 'theme' } });
    assert.deepEqual(parseHostMessage({ type: 'later' }), { kind: 'ignore' });
    assert.deepEqual(parseHostMessage('hello'), { kind: 'ignore' });
    assert.deepEqual(parseHostMessage(null), { kind: 'ignore' });
    const bad = [
      { type: 'append', points: [{ id: 'a', times: new Float64Array(2), values: new Float64Array(1) }] },
      { type: 'append', points: [{ id: 7, times: [], values: [] }] },
      { type: 'snapshot', series: [info], points: [], capacity: 10, notes: [], window: '1m', paused: false },
      { type: 'snapshot', series: [{ ...info, shape: 'bars' }], points: [{ id: 'a', times: [], values: [] }], capacity: 10, notes: [], window: '1m', paused: false },
      { type: 'snapshot', series: [], points: [], capacity: 10, notes: [], window: '2d', paused: false },
      { type: 'snapshot', series: [], points: [], capacity: 0, notes: [], window: '1m', paused: false },
    ];
    for (const message of bad) assert.equal(parseHostMessage(message).kind, 'malformed', JSON.stringify(message));
  });
});
