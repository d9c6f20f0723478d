// Loads the real chart webview page (dist/webview/chart.js + the real chartHtml() and its CSP) in headless
// Chromium, with a stand-in for VS Code's `acquireVsCodeApi` that records what the page posts and saves.
// One browser per test file; one fresh page per test.
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chartHtml, makeNonce } from '../../../src/extension/chartHtml';
import type { ChartState, SeriesInfo, ViewMessage } from '../../../src/webview/protocol';
import type { ChartStats } from '../../../src/webview/stats';
import { waitFor } from './waitFor';

/** Generous: a loaded 2-CPU machine can take seconds to start Chromium's renderer; waits end as soon as the page is there. */
const PAGE_WAIT_MS = 20_000;

/** The variables of VS Code's Dark Modern theme that the chart uses. */
export const DARK_THEME: Readonly<Record<string, string>> = {
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-foreground': '#cccccc',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-editor-font-family': '"Droid Sans Mono", monospace',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-purple': '#b180d7',
  '--vscode-editorWidget-border': '#454545',
  '--vscode-panel-border': '#2b2b2b',
  '--vscode-button-background': '#0078d4',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-hoverBackground': '#026ec1',
  '--vscode-button-secondaryBackground': '#313131',
  '--vscode-button-secondaryForeground': '#cccccc',
  '--vscode-button-secondaryHoverBackground': '#3c3c3c',
  '--vscode-button-border': '#ffffff12',
  '--vscode-dropdown-background': '#313131',
  '--vscode-dropdown-foreground': '#cccccc',
  '--vscode-dropdown-border': '#3c3c3c',
  '--vscode-focusBorder': '#0078d4',
  '--vscode-toolbar-hoverBackground': '#5a5d5e50',
  '--vscode-editorWarning-foreground': '#cca700',
  '--vscode-editorInfo-foreground': '#3794ff',
  '--vscode-textBlockQuote-background': '#2b2b2b',
};

/** A snapshot's series with its points as plain arrays (the page turns them into Float64Arrays). */
export interface SeriesSpec {
  readonly info: SeriesInfo;
  readonly times: readonly number[];
  readonly values: readonly number[];
}

export interface OpenOptions {
  /** CSS variables set on :root, as VS Code does (default DARK_THEME). */
  readonly theme?: Readonly<Record<string, string>>;
  /** Sets `globalThis.aylaChartOptions` before the page script runs. */
  readonly chartOptions?: { decimate?: boolean };
  readonly viewport?: { width: number; height: number };
}

export interface PageProbe {
  /** Pixels of the plot canvas that are not transparent, and those close to `rgb` (±tolerance per channel). */
  readonly painted: number;
  readonly matching: number;
}

export interface ChartPage {
  readonly page: Page;
  /** Uncaught page errors and console errors. */
  readonly errors: string[];
  /** alert/confirm/prompt dialogs the page opened. */
  readonly dialogs: string[];
  posted(): Promise<ViewMessage[]>;
  state(): Promise<ChartState | undefined>;
  cspViolations(): Promise<string[]>;
  stats(): Promise<ChartStats>;
  /** Posts `message` to the page as the host would, converting `times`/`values` arrays to Float64Arrays. */
  send(message: unknown): Promise<void>;
  snapshot(series: readonly SeriesSpec[], extra?: { capacity?: number; notes?: string[]; window?: string; paused?: boolean }): Promise<void>;
  /** Waits until the plot has been redrawn more than `after` times; returns the stats. */
  drawn(after: number): Promise<ChartStats>;
  probe(rgb?: readonly [number, number, number], tolerance?: number): Promise<PageProbe>;
  close(): Promise<void>;
}

export interface ChartHarness {
  readonly origin: string;
  open(options?: OpenOptions): Promise<ChartPage>;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.html': 'text/html; charset=utf-8' };

/** Runs in the page before its own script: VS Code's API stand-in and the recorders. */
function initScript(options: { decimate?: boolean } | null): void {
  const w = window as unknown as Record<string, unknown>;
  const posted: unknown[] = [];
  const csp: string[] = [];
  w.__posted = posted;
  w.__state = undefined;
  w.__csp = csp;
  if (options) w.aylaChartOptions = options;
  let acquired = false;
  w.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi() may be called only once');
    acquired = true;
    return {
      postMessage: (message: unknown) => posted.push(message),
      setState: (state: unknown) => {
        w.__state = state;
      },
      getState: () => w.__state,
    };
  };
  document.addEventListener('securitypolicyviolation', (e) => csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
}

export async function startChartHarness(): Promise<ChartHarness> {
  const root = process.cwd();
  const pages = new Map<string, { html: string; css: string }>();
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      if (path === '/favicon.ico') return void res.writeHead(204).end(); // Chromium asks; VS Code pages have none
      const page = /^\/page\/(\w+)\.(html|css)$/.exec(path);
      if (page) {
        const entry = pages.get(page[1] as string);
        if (!entry) return void res.writeHead(404).end();
        res.writeHead(200, { 'content-type': TYPES[`.${page[2]}`] as string });
        return void res.end(page[2] === 'html' ? entry.html : entry.css);
      }
      const file = normalize(join(root, path));
      const allowed = [join(root, 'dist', 'webview') + sep, join(root, 'media') + sep].some((dir) => file.startsWith(dir));
      if (!allowed) return void res.writeHead(404).end();
      try {
        const body = await readFile(file);
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser: Browser = await chromium.launch({
    executablePath: process.env.AYLA_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu'],
  });
  let next = 0;

  async function open(options: OpenOptions = {}): Promise<ChartPage> {
    const id = `p${++next}`;
    const theme = options.theme ?? DARK_THEME;
    const css = `:root {\n${Object.entries(theme).map(([k, v]) => `  ${k}: ${v};`).join('\n')}\n}\n`;
    const html = chartHtml({
      cspSource: origin,
      nonce: makeNonce(),
      scriptUri: `${origin}/dist/webview/chart.js`,
      styleUris: [`${origin}/dist/webview/uplot.css`, `${origin}/media/chart.css`, `${origin}/page/${id}.css`],
      title: 'Chart <test>',
    });
    pages.set(id, { html, css });
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 1000, height: 500 } });
    const errors: string[] = [];
    const dialogs: string[] = [];
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    await page.addInitScript(initScript, options.chartOptions ?? null);
    await page.goto(`${origin}/page/${id}.html`);
    const posted = (): Promise<ViewMessage[]> => page.evaluate(() => (window as unknown as { __posted: ViewMessage[] }).__posted.slice());
    await waitFor('the page to post ready', async () => (await posted()).some((m) => m.type === 'ready'), PAGE_WAIT_MS);
    const stats = (): Promise<ChartStats> => page.evaluate(() => ({ ...(globalThis.aylaChartStats as ChartStats) }));
    const send = (message: unknown): Promise<void> =>
      page.evaluate((m) => {
        const record = m as { points?: { id: string; times: number[]; values: number[] }[] };
        const fixed = record.points
          ? { ...record, points: record.points.map((p) => ({ id: p.id, times: Float64Array.from(p.times), values: Float64Array.from(p.values) })) }
          : record;
        window.postMessage(fixed, '*');
      }, message);
    return {
      page,
      errors,
      dialogs,
      posted,
      stats,
      send,
      state: () => page.evaluate(() => (window as unknown as { __state: ChartState | undefined }).__state),
      cspViolations: () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp.slice()),
      snapshot: async (series, extra = {}) => {
        const before = (await stats()).draws;
        await send({
          type: 'snapshot',
          series: series.map((s) => s.info),
          points: series.map((s) => ({ id: s.info.id, times: s.times, values: s.values })),
          capacity: extra.capacity ?? 10_000,
          notes: extra.notes ?? [],
          window: extra.window ?? '10m',
          paused: extra.paused ?? false,
        });
        await waitFor('a draw after the snapshot', async () => (await stats()).draws > before, PAGE_WAIT_MS);
      },
      drawn: (after) => waitFor(`more than ${after} draws`, async () => {
        const s = await stats();
        return s.draws > after ? s : undefined;
      }, PAGE_WAIT_MS),
      probe: (rgb, tolerance = 8) =>
        page.evaluate(
          ({ rgb, tolerance }) => {
            const canvas = document.querySelector<HTMLCanvasElement>('.plot canvas');
            if (!canvas) return { painted: 0, matching: 0 };
            const data = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, canvas.width, canvas.height).data;
            let painted = 0;
            let matching = 0;
            for (let i = 0; i < data.length; i += 4) {
              if ((data[i + 3] as number) === 0) continue;
              painted++;
              if (rgb && Math.abs((data[i] as number) - rgb[0]) <= tolerance && Math.abs((data[i + 1] as number) - rgb[1]) <= tolerance && Math.abs((data[i + 2] as number) - rgb[2]) <= tolerance && (data[i + 3] as number) > 200) matching++;
            }
            return { painted, matching };
          },
          { rgb: rgb ?? null, tolerance },
        ),
      close: async () => {
        pages.delete(id);
        await page.close();
      },
    };
  }

  return {
    origin,
    open,
    close: async () => {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A series description for tests. */
export function seriesInfo(id: string, deviceName: string, propertyName: string, baseType = 'decimal', extra: Partial<SeriesInfo> = {}): SeriesInfo {
  return {
    id,
    dsn: `AC000W00000000${id.length > 1 ? id.slice(-1) : id}`,
    property: propertyName.toLowerCase().replace(/\W+/g, '_'),
    deviceName,
    propertyName,
    baseType,
    shape: baseType === 'boolean' ? 'step' : 'line',
    ...extra,
  };
}
