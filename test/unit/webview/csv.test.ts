// "Export CSV": visible raw points, one row per time, RFC 4180, safe in a spreadsheet.
import { strict as assert } from 'node:assert';
import { seriesColumnName, textCell, toCsv, valueCell, type CsvSeries } from '../../../src/webview/csv';

const T = Date.UTC(2024, 0, 31, 12, 5, 9, 42);

function s(deviceName: string, propertyName: string, baseType: string, times: number[], values: number[], dsn = 'AC000W000000001'): CsvSeries {
  return { dsn, deviceName, propertyName, baseType, times, values };
}

describe('webview: CSV export', () => {
  it('writes a header, then one row per distinct time with empty cells for missing points', () => {
    const csv = toCsv(
      [s('Oven', 'Temp', 'decimal', [T, T + 1000, T + 2000], [21.5, -3, 1e-7]), s('AC000W000000002', 'Door', 'boolean', [T + 1000, T + 1500], [1, 0], 'AC000W000000002')],
      T,
      T + 2000,
    );
    assert.equal(
      csv,
      'time,Oven (AC000W000000001) · Temp,AC000W000000002 · Door\r\n' +
        '2024-01-31T12:05:09.042Z,21.5,\r\n' +
        '2024-01-31T12:05:10.042Z,-3,true\r\n' +
        '2024-01-31T12:05:10.542Z,,false\r\n' +
        '2024-01-31T12:05:11.042Z,1e-7,\r\n',
    );
  });

  it('keeps only the points inside the visible range (both ends included)', () => {
    const times = [T, T + 1, T + 2, T + 3, T + 4];
    const csv = toCsv([s('D', 'P', 'integer', times, [0, 1, 2, 3, 4])], T + 1, T + 3);
    assert.deepEqual(
      csv.trimEnd().split('\r\n').slice(1).map((line) => line.split(',')[1]),
      ['1', '2', '3'],
    );
    assert.equal(toCsv([s('D', 'P', 'integer', times, [0, 1, 2, 3, 4])], T + 10, T + 20), 'time,D (AC000W000000001) · P\r\n', 'only the header');
  });

  it('quotes cells with commas, quotes and line breaks (RFC 4180)', () => {
    assert.equal(textCell('plain'), 'plain');
    assert.equal(textCell('a,b'), '"a,b"');
    assert.equal(textCell('say "hi"'), '"say ""hi"""');
    assert.equal(textCell('two\nlines'), '"two\nlines"');
    const header = toCsv([s('Lab, east', 'Temp "inside"', 'decimal', [], [])], 0, 1).split('\r\n')[0];
    assert.equal(header, 'time,"Lab, east (AC000W000000001) · Temp ""inside"""');
  });

  it('neutralises spreadsheet formulas in text cells', () => {
    for (const evil of ['=HYPERLINK("x")', '+1', '-1+2', '@SUM(A1)', '\tx', '\rx']) {
      const cell = textCell(evil);
      assert.ok(cell.startsWith("'") || cell.startsWith(`"'`), `${JSON.stringify(evil)} → ${JSON.stringify(cell)}`);
    }
    const header = toCsv([s('=cmd|calc', 'P', 'decimal', [], [], '=cmd|calc')], 0, 1).split('\r\n')[0];
    assert.equal(header, "time,'=cmd|calc · P");
  });

  it('writes numbers as numbers (a negative value is not a formula) and booleans as true/false', () => {
    assert.equal(valueCell(-2.5, 'decimal'), '-2.5');
    assert.equal(valueCell(0, 'boolean'), 'false');
    assert.equal(valueCell(1, 'boolean'), 'true');
    assert.equal(valueCell(null, 'decimal'), '');
    assert.equal(valueCell(Number.NaN, 'decimal'), '');
  });

  it('names a column by device and property, with the DSN when the device has a name', () => {
    assert.equal(seriesColumnName({ dsn: 'X1', deviceName: 'Plug', propertyName: 'Power' }), 'Plug (X1) · Power');
    assert.equal(seriesColumnName({ dsn: 'X1', deviceName: 'X1', propertyName: 'Power' }), 'X1 · Power');
  });
});
