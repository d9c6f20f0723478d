// The chart webview's HTML: a strict CSP, scripts only by nonce, nothing inline, the title escaped.
import { strict as assert } from 'node:assert';
import { chartHtml, makeNonce } from '../../../src/extension/chartHtml';
import { CHART_ROOT_ID } from '../../../src/webview/protocol';

const CSP_SOURCE = 'https://*.vscode-cdn.net';

function page(title = 'Chart', nonce = makeNonce()): { html: string; nonce: string } {
  return {
    nonce,
    html: chartHtml({
      cspSource: CSP_SOURCE,
      nonce,
      scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/chart.js',
      styleUris: ['https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/uplot.css', 'https://file+.vscode-resource.vscode-cdn.net/ext/media/chart.css'],
      title,
    }),
  };
}

function csp(html: string): string {
  const match = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(match, 'a CSP meta element');
  return (match[1] as string).replace(/&#39;/g, "'");
}

describe('webview: chartHtml (CSP and markup)', () => {
  it('sets a strict Content Security Policy', () => {
    const { html, nonce } = page();
    const policy = csp(html);
    const directives = new Map(policy.split(/;\s*/).map((d) => [d.split(' ')[0] as string, d.split(' ').slice(1).join(' ')]));
    assert.equal(directives.get('default-src'), "'none'");
    assert.equal(directives.get('script-src'), `'nonce-${nonce}'`);
    assert.equal(directives.get('style-src'), CSP_SOURCE);
    assert.equal(directives.get('img-src'), `${CSP_SOURCE} data:`);
    assert.equal(directives.get('font-src'), CSP_SOURCE);
    assert.doesNotMatch(policy, /unsafe-eval|unsafe-inline|\*\s*;|'self'/);
  });

  it('gives every script the nonce and has no inline script, style or event handler', () => {
    const { html, nonce } = page();
    const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    for (const script of scripts) {
      assert.ok((script[0] as string).includes(` nonce="${nonce}"`), script[0]);
      assert.equal((script[1] as string).trim(), '', 'no inline script body');
    }
    assert.doesNotMatch(html, /<style\b/i, 'no inline <style>');
    assert.doesNotMatch(html, /\sstyle=/i, 'no style attributes');
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handlers');
    assert.match(html, new RegExp(`<div id="${CHART_ROOT_ID}"`));
    assert.equal((html.match(/<link rel="stylesheet"/g) ?? []).length, 2);
  });

  it('escapes the title', () => {
    const { html } = page('</title><script>alert(1)</script> & "x"');
    assert.match(html, /<title>&lt;\/title&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &quot;x&quot;<\/title>/);
    assert.equal((html.match(/<script\b/g) ?? []).length, 1);
  });

  it('makes a different base64 nonce each time and refuses a nonce or source that could break the policy', () => {
    const a = makeNonce();
    const b = makeNonce();
    assert.notEqual(a, b);
    assert.match(a, /^[A-Za-z0-9+/]{24}$/);
    assert.throws(() => page('t', `abc' 'unsafe-inline`), /nonce/);
    assert.throws(() => chartHtml({ cspSource: "x; script-src 'unsafe-eval'", nonce: a, scriptUri: 's', styleUris: [], title: 't' }), /cspSource/);
    // VS Code's own source list has quoted keywords.
    const vscodeSource = "'self' https://*.vscode-cdn.net";
    assert.match(chartHtml({ cspSource: vscodeSource, nonce: a, scriptUri: 's', styleUris: [], title: 't' }), /style-src &#39;self&#39; https:\/\/\*\.vscode-cdn\.net|style-src 'self' https:\/\/\*\.vscode-cdn\.net/);
  });
});
