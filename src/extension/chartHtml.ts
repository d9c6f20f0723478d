// The chart webview's HTML: a strict Content Security Policy, the stylesheets, the root element and the
// page script (dist/webview/chart.js), allowed by nonce. Pure: the panel supplies the webview URIs.
//
// CSP: nothing by default; scripts only with this page's nonce (no 'unsafe-eval', no 'unsafe-inline', so no
// inline handlers); styles, images and fonts only from the extension's own resources (`cspSource`), plus
// data: images. No inline <style> and no style attributes in the markup.

import { randomBytes } from 'node:crypto';
import { CHART_ROOT_ID } from '../webview/protocol';

export interface ChartHtmlInputs {
  /** `webview.cspSource`. */
  readonly cspSource: string;
  /** From `makeNonce()`, new for every page. */
  readonly nonce: string;
  /** `webview.asWebviewUri(dist/webview/chart.js)`. */
  readonly scriptUri: string;
  /** `webview.asWebviewUri` of dist/webview/uplot.css and media/chart.css. */
  readonly styleUris: readonly string[];
  /** The page title (untrusted text is fine: it is escaped). */
  readonly title: string;
}

/** A fresh nonce: 144 random bits, base64 (the characters CSP allows in a nonce). */
export function makeNonce(): string {
  return randomBytes(18).toString('base64');
}

/** Text safe inside an HTML element or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

export function chartCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function chartHtml(inputs: ChartHtmlInputs): string {
  const { cspSource, nonce, scriptUri, styleUris, title } = inputs;
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(nonce)) throw new Error('chartHtml: the nonce must be base64');
  // A source list that could close the directive or the attribute would weaken the policy (quotes are
  // fine: VS Code's own is like `'self' https://*.vscode-cdn.net`).
  if (cspSource.trim() === '' || /[;,"<>\r\n]/.test(cspSource)) throw new Error('chartHtml: unexpected characters in cspSource');
  const styles = styleUris.map((uri) => `    <link rel="stylesheet" href="${escapeHtml(uri)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(chartCsp(cspSource, nonce))}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
    <title>${escapeHtml(title)}</title>
  </head>
  <body>
    <div id="${CHART_ROOT_ID}" class="chart"><p class="loading">Loading the chart…</p></div>
    <script nonce="${nonce}" src="${escapeHtml(scriptUri)}"></script>
  </body>
</html>
`;
}
