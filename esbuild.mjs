// Bundles every entry point the project ships or tests:
//   dist/extension.js      the extension (node, cjs, `vscode` external)
//   dist/cli.js            the terminal front end (node dist/cli.js …)
//   dist/undici.js         undici (the HTTP client), shared by both and required only at the first REST call
//                          (src/ayla/http.ts): it is two thirds of the code, and a bundle parses all it holds
//                          when it is loaded, so keeping it out of extension.js keeps it out of activation
//   dist/webview/chart.js  the chart webview's page script (browser, iife)
//   dist/webview/uplot.css uPlot's stylesheet for the chart webview (the chart's own CSS is media/chart.css)
//   dist/test/**.test.js   unit and integration tests, one bundle per test file
// Flags: --production minifies, drops source maps and skips the tests; --watch rebuilds on change;
// --outdir=DIR writes the extension, CLI and webview bundles elsewhere (used to package a .vsix in a temp folder).
import * as esbuild from 'esbuild';
import { readdirSync, statSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const outdir = process.argv.find((a) => a.startsWith('--outdir='))?.slice('--outdir='.length) ?? 'dist';

/** Every `*.ts` file below `dir` whose name matches `pattern`. */
function findFiles(dir, pattern) {
  const found = [];
  let names = [];
  try { names = readdirSync(dir); } catch { return found; }
  for (const name of names) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findFiles(path, pattern));
    else if (pattern.test(name)) found.push(path);
  }
  return found;
}

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // ws loads these native speed-ups only if present; the pure-JS paths are used otherwise.
  external: ['vscode', 'bufferutil', 'utf-8-validate'],
};

/** In the shipped bundles, `require('undici')` loads the chunk next to them: `./undici.js` (the bundle's own folder). */
const undiciChunk = {
  name: 'undici-chunk',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, () => ({ path: './undici.js', external: true }));
  },
};

const builds = [
  { ...node, entryPoints: { extension: 'src/extension/extension.ts' }, outdir, plugins: [undiciChunk] },
  { ...node, entryPoints: { cli: 'src/cli/main.ts' }, outdir, banner: { js: '#!/usr/bin/env node' }, plugins: [undiciChunk] },
  { ...node, entryPoints: { undici: createRequire(import.meta.url).resolve('undici') }, outdir },
  {
    // Runs in the webview under a strict CSP: no eval, one script file, one stylesheet per entry.
    bundle: true,
    platform: 'browser',
    target: 'es2020',
    format: 'iife',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    entryPoints: { chart: 'src/webview/chartMain.ts', uplot: 'node_modules/uplot/dist/uPlot.min.css' },
    outdir: join(outdir, 'webview'),
  },
];

if (!production) {
  // Tests resolve their npm packages (mocha, ws, undici, playwright-core) from node_modules at run time.
  const testEntries = [
    ...findFiles('test/unit', /\.test\.ts$/),
    ...findFiles('test/integration', /\.ts$/),
    ...findFiles('test/bench', /\.ts$/),
    ...findFiles('test/e2e', /\.ts$/),
  ];
  if (testEntries.length > 0) {
    builds.push({
      ...node,
      entryPoints: testEntries,
      outbase: 'test',
      outdir: 'dist/test',
      packages: 'external',
    });
  }
}

if (!watch) rmSync(outdir, { recursive: true, force: true });

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context({ ...b, logLevel: 'info' })));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('esbuild: watching', builds.length, 'builds');
} else {
  const started = Date.now();
  await Promise.all(builds.map((b) => esbuild.build(b)));
  const entries = builds.reduce((n, b) => n + (Array.isArray(b.entryPoints) ? b.entryPoints.length : Object.keys(b.entryPoints).length), 0);
  console.log(`esbuild: ${entries} entry points → dist/ in ${Date.now() - started} ms${production ? ' (production)' : ''}`);
}
