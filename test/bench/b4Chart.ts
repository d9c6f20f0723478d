// B4 — the chart webview under load, in headless Chromium. The real chart page (dist/webview/chart.js with the
// real chartHtml() and CSP, through test/unit/support/chartPage.ts) at 1200 × 600 gets a snapshot of 8 series ×
// 100,000 points (built inside the page, so no transfer is timed), then 10,000 appended points per second in
// total (a batch every 16 ms, spread over the 8 series, posted from inside the page as the host's messages
// arrive) for a few seconds. Measured in the page: every redraw's time (ChartApp's stats: decimation,
// alignment and uPlot up to the painted canvas) and the frames the page rendered (a requestAnimationFrame
// counter). Baseline: the same page with `aylaChartOptions = { decimate: false }` (every visible point is
// handed to uPlot), alternating, medians over repetitions.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startChartHarness, seriesInfo, type ChartHarness } from '../unit/support/chartPage';
import { runBenchmark, type BenchResult } from './support/result';
import { grouped, median, ms, quantile, sleep } from './support/stats';

const SERIES = 8;
const POINTS = 100_000;
const APPEND_PER_SECOND = 10_000;
const BATCH_MS = 16;
const VIEWPORT = { width: 1200, height: 600 };
const REDRAW_BUDGET_MS = 16;
const FPS_BUDGET = 30;

interface Sample {
  decimate: boolean;
  repetition: number;
  /** Redraws while appending, and each one's time (ms). */
  draws: number;
  drawMedian: number;
  drawP95: number;
  drawMax: number;
  /** Frames the page rendered per second while appending (requestAnimationFrame). */
  fps: number;
  /** Frame intervals (ms): median and p95. */
  frameMedian: number;
  frameP95: number;
  /** Points appended per second, and points handed to uPlot in the last redraw. */
  appendedPerSecond: number;
  pointsDrawn: number;
  pointsStored: number;
  /** The first redraw, of the snapshot (ms). */
  snapshotDrawMs: number;
}

interface PageResult {
  drawTimes: number[];
  frameTimes: number[];
  seconds: number;
  appended: number;
  pointsDrawn: number;
  pointsStored: number;
}

async function measure(harness: ChartHarness, decimate: boolean, repetition: number, seconds: number): Promise<Sample> {
  const chart = await harness.open({ viewport: VIEWPORT, chartOptions: { decimate } });
  try {
    const infos = Array.from({ length: SERIES }, (_, i) => seriesInfo(`s${i}`, `Thermostat ${i + 1}`, `sensor_${i}`));
    const drawsBefore = (await chart.stats()).draws;
    // The snapshot: 8 × 100,000 points over the last ~10 minutes (the chart's default window), each series at
    // its own times (as properties of different devices are), a wandering value with some noise.
    await chart.page.evaluate(
      ({ infos, points }) => {
        const now = Date.now();
        const span = 590_000;
        const message = {
          type: 'snapshot',
          series: infos,
          points: infos.map((info, s) => {
            const times = new Float64Array(points);
            const values = new Float64Array(points);
            let value = 20 + s;
            for (let i = 0; i < points; i++) {
              times[i] = now - span + ((i + s / 8) * span) / points;
              value += (Math.random() - 0.5) * 0.2;
              values[i] = value + Math.sin(i / 500) * 2;
            }
            return { id: info.id, times, values };
          }),
          capacity: points,
          notes: [],
          window: '10m',
          paused: false,
        };
        window.postMessage(message, '*');
      },
      { infos, points: POINTS },
    );
    await chart.drawn(drawsBefore);
    await sleep(300); // the snapshot's paint, and a quiet frame or two
    const snapshotDrawMs = (await chart.stats()).lastDrawMs;

    // B4_PROFILE=<dir>: a CPU profile of the page while appending (Chrome DevTools format).
    const profileDir = process.env.B4_PROFILE;
    const cdp = profileDir && repetition === 0 ? await chart.page.context().newCDPSession(chart.page) : undefined;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    // Appending, from inside the page: every 16 ms the points due by now (10,000/s in total), round robin over the
    // series, each series' times increasing. Redraw times are read from the stats once per frame (at most one
    // redraw per frame), frame intervals from a requestAnimationFrame loop.
    const result = await chart.page.evaluate(
      ({ ids, perSecond, batchMs, seconds }) =>
        new Promise<PageResult>((resolve) => {
          const stats = globalThis.aylaChartStats!;
          const drawTimes: number[] = [];
          const frameTimes: number[] = [];
          let lastDraws = stats.draws;
          let lastTotal = stats.drawMsTotal;
          let lastFrame = performance.now();
          let running = true;
          const onFrame = (at: number): void => {
            frameTimes.push(at - lastFrame);
            lastFrame = at;
            if (stats.draws !== lastDraws) {
              // One redraw per frame at most: its time is the growth of the total (lastDrawMs may lag a microtask).
              const d = stats.draws - lastDraws;
              drawTimes.push((stats.drawMsTotal - lastTotal) / d);
              lastDraws = stats.draws;
              lastTotal = stats.drawMsTotal;
            }
            if (running) requestAnimationFrame(onFrame);
          };
          requestAnimationFrame(onFrame);
          const started = performance.now();
          let appended = 0;
          let next = 0;
          const lastTime = ids.map(() => Date.now());
          const timer = setInterval(() => {
            const elapsed = performance.now() - started;
            const due = Math.floor((elapsed / 1000) * perSecond) - appended;
            if (due <= 0) return;
            const perSeries: number[][] = ids.map(() => []);
            for (let i = 0; i < due; i++) perSeries[(next + i) % ids.length]!.push(0);
            next = (next + due) % ids.length;
            const now = Date.now();
            const points = ids
              .map((id, s) => {
                const n = perSeries[s]!.length;
                const times = new Float64Array(n);
                const values = new Float64Array(n);
                for (let i = 0; i < n; i++) {
                  const t = Math.max(lastTime[s]! + 0.01, now - (n - 1 - i) * 0.1);
                  times[i] = t;
                  lastTime[s] = t;
                  values[i] = 20 + s + Math.sin(t / 3000) * 2 + (Math.random() - 0.5) * 0.2;
                }
                return { id, times, values };
              })
              .filter((p) => p.times.length > 0);
            appended += due;
            window.postMessage({ type: 'append', points }, '*');
          }, batchMs);
          setTimeout(() => {
            clearInterval(timer);
            running = false;
            const total = (performance.now() - started) / 1000;
            resolve({ drawTimes, frameTimes: frameTimes.slice(1), seconds: total, appended, pointsDrawn: stats.pointsDrawn, pointsStored: stats.pointsStored });
          }, seconds * 1000);
        }),
      { ids: infos.map((i) => i.id), perSecond: APPEND_PER_SECOND, batchMs: BATCH_MS, seconds },
    );
    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(join(profileDir!, `b4-${decimate ? 'decimated' : 'raw'}.cpuprofile`), JSON.stringify(profile));
      await cdp.detach();
    }
    if (chart.errors.length > 0) throw new Error(`The chart page reported errors: ${chart.errors.join('; ')}`);
    return {
      decimate,
      repetition,
      draws: result.drawTimes.length,
      drawMedian: median(result.drawTimes),
      drawP95: quantile(result.drawTimes, 0.95),
      drawMax: quantile(result.drawTimes, 1),
      fps: result.frameTimes.length / result.seconds,
      frameMedian: median(result.frameTimes),
      frameP95: quantile(result.frameTimes, 0.95),
      appendedPerSecond: result.appended / result.seconds,
      pointsDrawn: result.pointsDrawn,
      pointsStored: result.pointsStored,
      snapshotDrawMs,
    };
  } finally {
    await chart.close();
  }
}

runBenchmark(async (context) => {
  const repetitions = context.quick ? 1 : 3;
  const seconds = context.quick ? 4 : 10;
  const harness = await startChartHarness();
  const samples: Sample[] = [];
  try {
    for (let repetition = 0; repetition < repetitions; repetition++) {
      const order = repetition % 2 === 0 ? [true, false] : [false, true];
      for (const decimate of order) {
        const sample = await measure(harness, decimate, repetition, seconds);
        samples.push(sample);
        process.stderr.write(
          `b4: ${decimate ? 'decimated' : 'raw'} rep ${repetition + 1}/${repetitions}: redraw median ${ms(sample.drawMedian)}, p95 ${ms(sample.drawP95)}, ${sample.fps.toFixed(1)} fps, ${grouped(sample.pointsDrawn)} points drawn, snapshot ${ms(sample.snapshotDrawMs)}\n`,
        );
      }
    }
  } finally {
    await harness.close();
  }
  const of = (decimate: boolean, pick: (s: Sample) => number): number => median(samples.filter((s) => s.decimate === decimate).map(pick));
  const drawOn = of(true, (s) => s.drawMedian);
  const drawOff = of(false, (s) => s.drawMedian);
  const fpsOn = of(true, (s) => s.fps);
  const fpsOff = of(false, (s) => s.fps);
  return {
    id: 'B4',
    title: 'Chart: 8 × 100,000 points, then 10,000 appended points/s',
    rows: [
      {
        id: 'B4·redraw',
        what: `chart redraw, ${SERIES} × ${grouped(POINTS)} points + ${grouped(APPEND_PER_SECOND)} appended/s (median)`,
        measured: `${ms(drawOn)} (p95 ${ms(of(true, (s) => s.drawP95))}), ${grouped(of(true, (s) => s.pointsDrawn))} points drawn`,
        baseline: `${ms(drawOff)} (p95 ${ms(of(false, (s) => s.drawP95))}) undecimated, ${grouped(of(false, (s) => s.pointsDrawn))} points`,
        ratio: drawOn / drawOff,
        budget: `median ≤ ${REDRAW_BUDGET_MS} ms`,
        pass: drawOn <= REDRAW_BUDGET_MS,
        values: { medianMs: drawOn, p95Ms: of(true, (s) => s.drawP95), baselineMedianMs: drawOff, baselineP95Ms: of(false, (s) => s.drawP95) },
      },
      {
        id: 'B4·fps',
        what: 'chart frames per second while appending',
        // Rounded down: 29.97 fps must not print as "30.0 fps" beside a miss of "≥ 30 fps".
        measured: `${(Math.floor(fpsOn * 10) / 10).toFixed(1)} fps`,
        baseline: `${fpsOff.toFixed(1)} fps undecimated`,
        ratio: fpsOn / fpsOff,
        budget: `≥ ${FPS_BUDGET} fps`,
        pass: fpsOn >= FPS_BUDGET,
        values: { fps: fpsOn, baselineFps: fpsOff },
      },
    ],
    notes: [
      `B4: headless Chromium (${VIEWPORT.width} × ${VIEWPORT.height}), the real chart page (dist/webview/chart.js, real CSP); ${SERIES} series × ${grouped(POINTS)} points over the last 10 minutes (capacity ${grouped(POINTS)} each), then ${grouped(APPEND_PER_SECOND)} points/s in batches every ${BATCH_MS} ms for ${seconds} s, ${repetitions} repetition${repetitions === 1 ? '' : 's'} per mode alternating; medians over repetitions of each repetition's median/p95.`,
      'B4: a redraw is ChartApp.draw: decimation (min/max per pixel column) or, in the baseline, the visible points as they are, aligning the series on one x axis, and uPlot until the canvas is painted. fps counts requestAnimationFrame callbacks (at most the display rate, 60 here). Ratio = decimated ÷ undecimated (redraw time; fps).',
      `B4: snapshot redraw (all ${grouped(SERIES * POINTS)} points at once): ${ms(of(true, (s) => s.snapshotDrawMs))} decimated, ${ms(of(false, (s) => s.snapshotDrawMs))} undecimated.`,
    ],
    details: { samples },
  } satisfies BenchResult;
});
