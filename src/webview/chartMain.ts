// Entry point of the chart webview (bundled to dist/webview/chart.js): connects the page to the extension host.
// Listens for host messages, checks them, and posts `ready` once listening. Script errors are reported to the
// host as `error` messages so they are never silent.

import { ChartApp } from './chartApp';
import { parseHostMessage } from './messages';
import { CHART_ROOT_ID, type ChartState, type ViewMessage } from './protocol';
import './stats';

interface VsCodeApi {
  postMessage(message: ViewMessage): void;
  setState(state: ChartState): void;
  getState(): ChartState | undefined;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (message: ViewMessage): void => vscode.postMessage(message);
const errorText = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

window.addEventListener('error', (event) => {
  // Chromium's notice that a resize was handled in the next frame instead: harmless, not a script error.
  if (event.error == null && /ResizeObserver loop/.test(event.message)) return;
  post({ type: 'error', message: event.error !== undefined && event.error !== null ? errorText(event.error) : `${event.message} (${event.filename}:${event.lineno})` });
});
window.addEventListener('unhandledrejection', (event) => post({ type: 'error', message: `unhandled rejection: ${errorText(event.reason)}` }));

function start(): void {
  const root = document.getElementById(CHART_ROOT_ID);
  if (!root) throw new Error(`#${CHART_ROOT_ID} is missing from the page`);
  const app = new ChartApp(root, { post, setState: (state) => vscode.setState(state) }, globalThis.aylaChartOptions ?? {}, vscode.getState() ?? undefined);
  globalThis.aylaChartStats = app.stats;
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const parsed = parseHostMessage(event.data);
    if (parsed.kind === 'ignore') return;
    if (parsed.kind === 'malformed') return post({ type: 'error', message: parsed.reason });
    try {
      app.handle(parsed.message);
    } catch (error) {
      post({ type: 'error', message: `handling ${parsed.message.type}: ${errorText(error)}` });
    }
  });
  post({ type: 'ready' });
}

start();
