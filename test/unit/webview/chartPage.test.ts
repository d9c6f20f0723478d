// The chart webview page, for real: dist/webview/chart.js under chartHtml()'s CSP in headless Chromium, fed
// host messages the way VS Code delivers them (typed arrays), checked by what it posts back and by its pixels.
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChartState, ExportCsvMessage, ExportPngMessage, ViewMessage } from '../../../src/webview/protocol';
import { DARK_THEME, seriesInfo, startChartHarness, type ChartHarness, type ChartPage, type SeriesSpec } from '../support/chartPage';
import { waitFor } from '../support/waitFor';

/** Page waits end as soon as the page is there; generous because a loaded 2-CPU machine renders slowly. */
function pageWait<T>(what: string, check: () => Promise<T | undefined | false>): Promise<T> {
  return waitFor(what, check, 20_000, 20);
}

const BLUE: [number, number, number] = [0x37, 0x94, 0xff]; // --vscode-charts-blue of DARK_THEME
const RED: [number, number, number] = [0xf1, 0x4c, 0x4c]; // --vscode-charts-red

/** A decimal sine over the last `minutes` and a boolean toggling every 20 s, ending about now. */
function twoSeries(minutes = 5): SeriesSpec[] {
  const now = Date.now();
  const n = minutes * 60;
  const times = Array.from({ length: n }, (_, i) => now - (n - i) * 1000);
  return [
    { info: seriesInfo('a', 'Living room thermostat', 'Temperature'), times, values: times.map((_, i) => 21 + 2 * Math.sin(i / 25)) },
    { info: seriesInfo('b', 'Hall light', 'Power', 'boolean'), times: times.filter((_, i) => i % 20 === 0), values: times.filter((_, i) => i % 20 === 0).map((_, i) => i % 2) },
  ];
}

async function assertClean(p: ChartPage): Promise<void> {
  assert.deepEqual(await p.cspViolations(), [], 'no CSP violations');
  assert.deepEqual(p.errors, [], 'no page errors');
  assert.deepEqual((await p.posted()).filter((m) => m.type === 'error'), [], 'no error messages to the host');
  assert.deepEqual(p.dialogs, [], 'no dialogs');
}

async function lastPosted<T extends ViewMessage>(p: ChartPage, match: (m: ViewMessage) => m is T): Promise<T> {
  return pageWait('a posted message', async () => (await p.posted()).filter(match).at(-1));
}

describe('webview chart page (Chromium)', function () {
  this.timeout(30_000);
  let harness: ChartHarness;
  let p: ChartPage | undefined;

  before(async () => {
    harness = await startChartHarness();
  });

  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  after(async () => {
    await harness?.close();
  });

  it('posts ready once it listens, and nothing else', async () => {
    p = await harness.open();
    assert.deepEqual(await p.posted(), [{ type: 'ready' }]);
    assert.equal(await p.page.title(), 'Chart <test>');
    await assertClean(p);
  });

  it('draws a snapshot of two series in the theme colours, with names and live values in the legend', async () => {
    p = await harness.open();
    await p.snapshot(twoSeries());
    const blue = await p.probe(BLUE);
    const red = await p.probe(RED);
    assert.ok(blue.painted > 5000, `canvas is not blank (${blue.painted} painted pixels)`);
    assert.ok(blue.matching > 100, `the decimal series is drawn in charts-blue (${blue.matching} pixels)`);
    assert.ok(red.matching > 100, `the boolean series is drawn in charts-red (${red.matching} pixels)`);
    const rows = await p.page.locator('.legend-row').allTextContents();
    assert.equal(rows.length, 2);
    assert.match(rows[0] as string, /^Living room thermostat·Temperature\d+\.\d+×$/);
    assert.match(rows[1] as string, /^Hall light·Power(true|false)×$/);
    const state = await p.state();
    assert.deepEqual(state, { series: [{ dsn: 'AC000W00000000a', property: 'temperature' }, { dsn: 'AC000W00000000b', property: 'power' }], window: '10m', paused: false } satisfies ChartState);
    await assertClean(p);
  });

  it('decimates: 100 000 points render with far fewer points drawn', async () => {
    p = await harness.open();
    await p.page.evaluate(() => {
      const n = 100_000;
      const now = Date.now();
      const times = new Float64Array(n);
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        times[i] = now - (n - i) * 5;
        values[i] = Math.sin(i / 500) * 10 + (i % 997 === 0 ? 40 : 0);
      }
      const info = { id: 'big', dsn: 'AC000W000000001', property: 'p', deviceName: 'Big', propertyName: 'Signal', baseType: 'decimal', shape: 'line' };
      window.postMessage({ type: 'snapshot', series: [info], points: [{ id: 'big', times, values }], capacity: 100_000, notes: [], window: 'all', paused: false }, '*');
    });
    const stats = await p.drawn(0);
    assert.equal(stats.pointsStored, 100_000);
    assert.ok(stats.pointsDrawn > 100, `something is drawn (${stats.pointsDrawn})`);
    assert.ok(stats.pointsDrawn <= 2 * 1000 + 2, `at most two points per pixel column (${stats.pointsDrawn})`);
    assert.ok((await p.probe(BLUE)).matching > 500, 'the series is visible');
    await assertClean(p);
  });

  it('draws every visible point when aylaChartOptions.decimate is false (the benchmark baseline)', async () => {
    p = await harness.open({ chartOptions: { decimate: false } });
    const now = Date.now();
    const times = Array.from({ length: 20_000 }, (_, i) => now - 60_000 + i * 2);
    await p.snapshot([{ info: seriesInfo('a', 'Dev', 'Noise'), times, values: times.map((_, i) => (i * 7919) % 101) }], { window: '10m', capacity: 100_000 });
    assert.equal((await p.stats()).pointsDrawn, 20_000);
    await assertClean(p);
  });

  it('applies a stream of appends: the legend shows the newest value, unknown ids are ignored', async () => {
    p = await harness.open();
    const [a, b] = twoSeries(1) as [SeriesSpec, SeriesSpec];
    await p.snapshot([a, { ...b, times: [], values: [] }]);
    assert.equal(await p.page.locator('.legend-row').nth(1).locator('.value').textContent(), 'waiting for datapoints');
    const start = Date.now();
    for (let i = 1; i <= 20; i++) {
      await p.send({ type: 'append', points: [{ id: 'a', times: [start + i], values: [100 + i] }, { id: 'nobody', times: [start + i], values: [1] }] });
    }
    await p.send({ type: 'append', points: [{ id: 'b', times: [start + 30], values: [1] }] });
    await pageWait('the legend to show 120', async () => (await p!.page.locator('.legend-row').nth(0).locator('.value').textContent()) === '120');
    await pageWait('the boolean to show true', async () => (await p!.page.locator('.legend-row').nth(1).locator('.value').textContent()) === 'true');
    const stats = await p.stats();
    assert.equal(stats.appendsReceived, 21);
    assert.equal(stats.pointsStored, a.times.length + 21);
    await assertClean(p);
  });

  it('keeps at most `capacity` points per series', async () => {
    p = await harness.open();
    const now = Date.now();
    const times = Array.from({ length: 100 }, (_, i) => now - 100_000 + i * 1000);
    await p.snapshot([{ info: seriesInfo('a', 'Dev', 'Temp'), times, values: times.map((_, i) => i) }], { capacity: 50 });
    assert.equal((await p.stats()).pointsStored, 50);
    for (let i = 0; i < 30; i++) await p.send({ type: 'append', points: [{ id: 'a', times: [now + i], values: [i] }] });
    await pageWait('30 appends', async () => (await p!.stats()).appendsReceived === 30);
    assert.equal((await p.stats()).pointsStored, 50);
    await assertClean(p);
  });

  it('exports the visible raw points as CSV', async () => {
    p = await harness.open();
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 10_000;
    await p.snapshot(
      [
        { info: seriesInfo('a', 'Oven', 'Temp'), times: [t0, t0 + 1000, t0 + 2000], values: [1.5, -2, 3] },
        { info: seriesInfo('b', '=cmd|calc', 'Door, "front"', 'boolean'), times: [t0 + 1000, t0 + 3000], values: [0, 1] },
      ],
      { window: 'all' },
    );
    await p.page.getByRole('button', { name: 'Export CSV' }).click();
    const csv = await lastPosted(p, (m): m is ExportCsvMessage => m.type === 'export' && m.format === 'csv');
    const iso = (t: number): string => new Date(t).toISOString();
    assert.equal(
      csv.text,
      [
        `time,Oven (AC000W00000000a) · Temp,"'=cmd|calc (AC000W00000000b) · Door, ""front"""`,
        `${iso(t0)},1.5,`,
        `${iso(t0 + 1000)},-2,false`,
        `${iso(t0 + 2000)},3,`,
        `${iso(t0 + 3000)},,true`,
        '',
      ].join('\r\n'),
    );
    await assertClean(p);
  });

  it('exports the picture as a PNG that is not blank', async () => {
    p = await harness.open();
    await p.snapshot(twoSeries());
    await p.page.getByRole('button', { name: 'Export PNG' }).click();
    const png = await lastPosted(p, (m): m is ExportPngMessage => m.type === 'export' && m.format === 'png');
    assert.match(png.dataUrl, /^data:image\/png;base64,/);
    const decoded = await p.page.evaluate(async (url) => {
      const image = new Image();
      image.src = url;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
      ctx.drawImage(image, 0, 0);
      const data = ctx.getImageData(0, 0, image.width, image.height).data;
      let differing = 0;
      let blue = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2]) differing++;
        if (Math.abs((data[i] as number) - 0x37) < 8 && Math.abs((data[i + 1] as number) - 0x94) < 8 && Math.abs((data[i + 2] as number) - 0xff) < 8) blue++;
      }
      return { width: image.width, height: image.height, corner: [data[0], data[1], data[2], data[3]], differing, blue };
    }, png.dataUrl);
    assert.ok(decoded.width >= 900 && decoded.height > 200, `size ${decoded.width}×${decoded.height}`);
    assert.deepEqual(decoded.corner, [0x1f, 0x1f, 0x1f, 255], 'opaque, on the editor background');
    assert.ok(decoded.differing > 5000, `not blank (${decoded.differing} pixels differ from the background)`);
    assert.ok(decoded.blue > 100, `the series colour is in it (${decoded.blue})`);
    await assertClean(p);
  });

  it('shows hostile device and property names as text, never as markup', async () => {
    p = await harness.open();
    const evilDevice = '<img src=x onerror=alert(1)>';
    const evilProperty = '"><script>alert(1)</script>';
    const evilNote = '<b onmouseover=alert(1)>bold</b> is a string property: not charted';
    await p.snapshot([{ info: seriesInfo('a', evilDevice, evilProperty), times: [Date.now() - 1000], values: [1] }], { notes: [evilNote] });
    assert.equal(await p.page.locator('.legend-row .device').textContent(), evilDevice);
    assert.equal(await p.page.locator('.legend-row .property').textContent(), evilProperty);
    assert.equal(await p.page.locator('.notes li').textContent(), evilNote);
    const elements = await p.page.evaluate(() => ({
      img: document.querySelectorAll('img').length,
      script: document.querySelectorAll('script').length,
      b: document.querySelectorAll('b').length,
    }));
    assert.deepEqual(elements, { img: 0, script: 1, b: 0 }, 'only the page script itself');
    await p.page.locator('.legend-row').hover();
    await p.page.waitForTimeout(100);
    await assertClean(p);
  });

  it('changes the time window and pauses: posts window and pause, keeps the state, freezes the picture', async () => {
    p = await harness.open();
    await p.snapshot(twoSeries(1));
    await p.page.locator('select.window').selectOption('1h');
    assert.deepEqual(await lastPosted(p, (m): m is ViewMessage => m.type === 'window'), { type: 'window', window: '1h' });
    assert.equal((await p.state())?.window, '1h');

    await p.page.getByRole('button', { name: 'Pause' }).click();
    assert.deepEqual(await lastPosted(p, (m): m is ViewMessage => m.type === 'pause'), { type: 'pause', paused: true });
    assert.equal((await p.state())?.paused, true);
    await p.page.waitForTimeout(50);
    const frozen = (await p.stats()).draws;
    const now = Date.now();
    for (let i = 0; i < 5; i++) await p.send({ type: 'append', points: [{ id: 'a', times: [now + 100 + i], values: [50 + i] }] });
    await pageWait('the paused status to count 5 new points', async () => (await p!.page.locator('.status').textContent()) === 'Paused · 5 new points');
    await p.page.waitForTimeout(1200); // longer than the follow tick
    assert.equal((await p.stats()).draws, frozen, 'no redraw while paused');
    assert.notEqual(await p.page.locator('.legend-row').nth(0).locator('.value').textContent(), '54');

    await p.page.getByRole('button', { name: 'Resume' }).click();
    assert.deepEqual(await lastPosted(p, (m): m is ViewMessage => m.type === 'pause'), { type: 'pause', paused: false });
    await p.drawn(frozen);
    await pageWait('the legend to catch up', async () => (await p!.page.locator('.legend-row').nth(0).locator('.value').textContent()) === '54');
    assert.equal((await p.state())?.paused, false);
    await assertClean(p);
  });

  it('stops following on zoom (wheel, drag-select) and resumes on double-click or Follow live', async () => {
    p = await harness.open();
    await p.snapshot(twoSeries(2));
    const follow = p.page.getByRole('button', { name: 'Follow live' });
    assert.equal(await follow.getAttribute('aria-pressed'), 'true');
    const over = p.page.locator('.u-over');
    const box = (await over.boundingBox())!;
    await p.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await p.page.mouse.wheel(0, -200);
    await pageWait('following to stop', async () => (await follow.getAttribute('aria-pressed')) === 'false');
    await over.dblclick();
    await pageWait('following to resume', async () => (await follow.getAttribute('aria-pressed')) === 'true');
    await p.page.mouse.move(box.x + 100, box.y + 50);
    await p.page.mouse.down();
    await p.page.mouse.move(box.x + 300, box.y + 60, { steps: 5 });
    await p.page.mouse.up();
    await pageWait('following to stop after drag-select', async () => (await follow.getAttribute('aria-pressed')) === 'false');
    assert.match((await p.page.locator('.status').textContent()) ?? '', /Zoomed/);
    await follow.click();
    await pageWait('following to resume', async () => (await follow.getAttribute('aria-pressed')) === 'true');
    await assertClean(p);
  });

  it('posts removeSeries from the legend and addSeries from the toolbar', async () => {
    p = await harness.open();
    await p.snapshot(twoSeries(1));
    await p.page.getByRole('button', { name: 'Remove Hall light · Power' }).click();
    assert.deepEqual(await lastPosted(p, (m): m is ViewMessage => m.type === 'removeSeries'), { type: 'removeSeries', id: 'b' });
    assert.equal(await p.page.locator('.legend-row').count(), 1);
    assert.deepEqual((await p.state())?.series, [{ dsn: 'AC000W00000000a', property: 'temperature' }]);
    await pageWait('the removed series to leave the picture', async () => (await p!.probe(RED)).matching === 0);
    assert.ok((await p.probe(BLUE)).matching > 100);
    // Clicking a name hides its series (and shows it again).
    const name = p.page.locator('.legend-name');
    await name.click();
    assert.equal(await name.getAttribute('aria-pressed'), 'false');
    await pageWait('the hidden series to leave the picture', async () => (await p!.probe(BLUE)).matching === 0);
    await name.click();
    await pageWait('the series to come back', async () => (await p!.probe(BLUE)).matching > 100);
    await p.page.getByRole('button', { name: 'Add Series…' }).click();
    assert.deepEqual(await lastPosted(p, (m): m is ViewMessage => m.type === 'addSeries'), { type: 'addSeries' });
    await assertClean(p);
  });

  it('says what is missing: no series, no points yet, and the notes', async () => {
    p = await harness.open();
    await p.snapshot([], { notes: ['Status (string) is not charted: only numbers and booleans are.'] });
    assert.equal(await p.page.locator('.plot .empty').textContent(), 'No properties charted — use Add Series…');
    assert.equal(await p.page.locator('.notes li').textContent(), 'Status (string) is not charted: only numbers and booleans are.');
    await p.snapshot([{ info: seriesInfo('a', 'Dev', 'Temp'), times: [], values: [] }]);
    assert.equal(await p.page.locator('.legend-row .value').textContent(), 'waiting for datapoints');
    assert.equal(await p.page.locator('.plot .empty').textContent(), 'Waiting for datapoints…');
    assert.equal(await p.page.locator('.notes').isHidden(), true);
    await assertClean(p);
  });

  it('reports malformed messages to the host and ignores unknown ones', async () => {
    p = await harness.open();
    await p.send({ type: 'telemetry', anything: 1 });
    await p.send({ type: 'snapshot', series: 5 });
    const error = await lastPosted(p, (m): m is ViewMessage => m.type === 'error');
    assert.match((error as { message: string }).message, /malformed snapshot message: snapshot\.series is not an array/);
    assert.equal((await p.posted()).filter((m) => m.type === 'error').length, 1);
  });

  it('re-reads the theme colours on a theme message and when the body class changes', async () => {
    p = await harness.open();
    await p.snapshot(twoSeries());
    assert.equal((await p.stats()).colors[0], '#3794ff');
    // Change the variable through the stylesheet (no attribute mutation): only the theme message can tell.
    await p.page.evaluate(() => {
      const sheet = Array.from(document.styleSheets).find((s) => s.href?.includes('/page/')) as CSSStyleSheet;
      sheet.insertRule(':root { --vscode-charts-blue: #00ff00; }', sheet.cssRules.length);
    });
    await p.page.waitForTimeout(100);
    assert.equal((await p.stats()).colors[0], '#3794ff', 'not re-read without a reason');
    const before = (await p.stats()).draws;
    await p.send({ type: 'theme' });
    await p.drawn(before);
    assert.equal((await p.stats()).colors[0], '#00ff00');
    assert.ok((await p.probe([0, 255, 0])).matching > 100, 'the series is redrawn in the new colour');
    assert.equal((await p.probe(BLUE)).matching, 0, 'the old colour is gone');

    await p.page.evaluate(() => {
      const sheet = Array.from(document.styleSheets).find((s) => s.href?.includes('/page/')) as CSSStyleSheet;
      sheet.insertRule(':root { --vscode-charts-blue: #ff00ff; }', sheet.cssRules.length);
      document.body.classList.add('vscode-light');
    });
    await pageWait('the body class change to re-read the colours', async () => (await p!.stats()).colors[0] === '#ff00ff');
    await assertClean(p);
  });

  it('renders two live series in the dark theme (docs/chart.png when AYLA_CHART_SCREENSHOT is set)', async () => {
    p = await harness.open({ theme: DARK_THEME, viewport: { width: 1000, height: 500 } });
    // A thermostat drifting with a little sensor noise, and a heater switching on and off now and then.
    const now0 = Date.now();
    const times = Array.from({ length: 8 * 60 / 2 }, (_, i) => now0 - 8 * 60_000 + i * 2000);
    const noise = (i: number): number => (((i * 7919) % 97) / 97 - 0.5) * 0.04;
    const switches = [-470, -400, -320, -300, -190, -120, -75, -20].map((s) => now0 + s * 1000);
    await p.snapshot(
      [
        { info: seriesInfo('a', 'Living room thermostat', 'Temperature'), times, values: times.map((t, i) => 21.4 + 1.1 * Math.sin((t - now0) / 70_000) + 0.4 * Math.sin((t - now0) / 23_000) + noise(i)) },
        { info: seriesInfo('b', 'Living room thermostat', 'Heater on', 'boolean'), times: switches, values: switches.map((_, i) => (i + 1) % 2) },
      ],
      { window: '10m' },
    );
    const next = Math.round((21.4 + 1.1 * Math.sin(1 / 70) + 0.4 * Math.sin(1 / 23)) * 100) / 100;
    await p.send({ type: 'append', points: [{ id: 'a', times: [Date.now()], values: [next] }] });
    await pageWait('the appended value', async () => (await p!.page.locator('.legend-row').nth(0).locator('.value').textContent()) === String(next));
    const shot = await p.page.screenshot();
    assert.ok(shot.length > 10_000, 'a real picture');
    if (process.env.AYLA_CHART_SCREENSHOT) writeFileSync(join(process.cwd(), 'docs', 'chart.png'), shot);
    await assertClean(p);
  });
});
