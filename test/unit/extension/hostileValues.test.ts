// A corpus of hostile device-provided strings (product names, property names, values) through every place
// the extension renders them outside the chart page (whose browser test has its own): tree labels,
// descriptions and Markdown tooltips, the events channel lines, and the chart's CSV export. Inert means:
// no Markdown link, image, HTML or command URI survives in a tooltip; no control character or line break
// reaches a channel line; no spreadsheet formula survives in a CSV cell.
import { strict as assert } from 'node:assert';
import { DeviceStore } from '../../../src/model/deviceStore';
import { deviceItem, propertyItem } from '../../../src/extension/deviceTreeItems';
import { formatEvent } from '../../../src/extension/eventLines';
import { textCell, toCsv } from '../../../src/webview/csv';
import { datapointEvent, listedDevice, listedProperty, resetEventFactory } from '../support/eventFactory';

export const HOSTILE_STRINGS: readonly string[] = [
  '<img src=x onerror=alert(1)>',
  '"><script>alert(1)</script>',
  '[click me](command:workbench.action.terminal.new)',
  '![pixel](https://evil.example/p.png)',
  '<a href="command:aylaDss.signOut">x</a>',
  '`code` *bold* _em_ # heading',
  'line one\nline two\r\nline three',
  'tab\there\u0000nul\u001b[31mred\u001b[0m',
  '\u202Egnp.exe',
  '=HYPERLINK("https://evil.example","x")',
  '+1+2',
  '-cmd|calc',
  '@SUM(A1)',
  'a'.repeat(5000),
  '😀 ü \\ "quoted" \'single\'',
];

const T0 = Date.UTC(2024, 0, 1, 12);

/** A tooltip is inert when every Markdown/HTML active character from device text is escaped. */
function assertInertMarkdown(tooltip: string, hostile: string): void {
  assert.doesNotMatch(tooltip, /(^|[^\\])\[[^\]]*(^|[^\\])\]\(/, `no live link in ${JSON.stringify(tooltip.slice(0, 200))}`);
  assert.doesNotMatch(tooltip, /(^|[^\\])<(img|script|a)\b/i, `no live HTML in ${JSON.stringify(tooltip.slice(0, 200))}`);
  if (hostile.includes('\n')) assert.ok(!tooltip.includes(hostile), 'a device string cannot add lines of Markdown');
}

describe('hostile device-provided strings render inert', () => {
  beforeEach(resetEventFactory);

  for (const hostile of HOSTILE_STRINGS) {
    it(`tree and channel: ${JSON.stringify(hostile.slice(0, 40))}`, () => {
      const store = new DeviceStore();
      store.loadDevices([listedDevice('AC000W000000001', { product_name: hostile, model: hostile })], T0);
      store.loadProperties('AC000W000000001', [listedProperty('p1', { display_name: hostile, base_type: 'string', value: hostile })], T0);
      const event = datapointEvent({ dsn: 'AC000W000000001', property: 'p1', displayName: hostile, baseType: 'string', value: hostile, receivedAt: T0 });
      store.apply(event);

      const device = deviceItem(store.device('AC000W000000001')!, T0);
      const property = propertyItem(store.property('AC000W000000001', 'p1')!, T0);
      for (const view of [device, property]) {
        assertInertMarkdown(view.tooltip, hostile);
        for (const text of [view.label, view.description]) {
          assert.doesNotMatch(text, /[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/, `one printable line: ${JSON.stringify(text.slice(0, 80))}`);
        }
      }

      for (const format of ['summary', 'raw', 'pretty'] as const) {
        const text = formatEvent(event, format);
        const lines = text.split('\n');
        assert.equal(lines.at(-1), '', 'ends with one line break');
        // The summary line is ours: control characters are escaped. The JSON is the server's, escaped by JSON itself.
        for (const line of lines) assert.doesNotMatch(line, /[\u0000-\u0008\u000b-\u001f\u007f\r]/, `${format}: no control character in ${JSON.stringify(line.slice(0, 80))}`);
        assert.ok(format === 'pretty' || lines.length === 2, `${format}: one line per event`);
      }
    });
  }

  it('CSV: device and property names are quoted text; formulas are neutralised', () => {
    for (const hostile of HOSTILE_STRINGS) {
      const cell = textCell(hostile);
      const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
      assert.doesNotMatch(unquoted, /^[=+\-@\t\r]/, `no formula: ${JSON.stringify(cell.slice(0, 60))}`);
      if (/[",\r\n]/.test(hostile)) assert.ok(cell.startsWith('"') && cell.endsWith('"'), 'quoted when it has a quote, comma or line break');
    }
    const csv = toCsv(
      [{ dsn: 'AC000W000000001', deviceName: '=cmd|calc', propertyName: '"><script>', baseType: 'decimal', times: [T0], values: [1.5] }],
      T0 - 1,
      T0 + 1,
    );
    const [header, row] = csv.trim().split(/\r?\n/);
    assert.match(header ?? '', /^time,"'=cmd\|calc \(AC000W000000001\) · ""><script>"$/);
    assert.match(row ?? '', /,1\.5$/);
  });
});
