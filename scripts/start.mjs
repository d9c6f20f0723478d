#!/usr/bin/env node
// `npm start`: builds the extension and runs it in real VS Code with the built-in simulator
// started (setting aylaDss.simulator.autoStart), in a throwaway profile and workspace.
//   - desktop VS Code when `code` is on PATH (unless AYLA_START_CODE_SERVER is set);
//   - otherwise the pinned code-server from test/host on http://127.0.0.1:PORT, in the foreground.
// Flags: --port N (or env PORT; default 8081, a free one if busy); --check opens the workbench in
// headless Chromium, waits for the Ayla DSS view, the simulator's status bar item, the live stream and
// the simulated devices in the tree, saves
// test-results/start-check.png, prints `start: ok` and stops (--check always uses code-server).
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const argv = process.argv.slice(2);
const check = argv.includes('--check');
const portArg = argv.find((a) => a.startsWith('--port='))?.slice(7) ?? (argv.includes('--port') ? argv[argv.indexOf('--port') + 1] : undefined);
const wantedPort = Number(portArg ?? process.env.PORT ?? 8081);
const checkTimeoutMs = Number(process.env.AYLA_START_CHECK_TIMEOUT_MS) || 120_000;
const settings = {
  'aylaDss.simulator.autoStart': true,
  // Signed in to the simulator's demo account and streaming, with live devices: nothing to set up.
  'aylaDss.simulator.signInOnStart': true,
  'workbench.startupEditor': 'none',
  // VS Code 1.139 opens its Chat panel on first start; the demo is about the Ayla view.
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
};

function fail(message) {
  console.error(`start: ${message}`);
  process.exit(1);
}
if (!Number.isInteger(wantedPort) || wantedPort < 0 || wantedPort > 65535) fail(`invalid port "${portArg ?? process.env.PORT}".`);

function runStep(script) {
  const result = spawnSync(process.execPath, [script], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) fail(`${script} failed (exit ${result.status ?? result.signal}); see above.`);
}

function onPath(command) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try { accessSync(join(dir, command), constants.X_OK); return true; } catch { /* next */ }
  }
  return false;
}

/** Profile dir whose User/settings.json holds `settings` (same layout for desktop VS Code and code-server). */
function writeProfile(userDataDir) {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User/settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
}

/** `port` if nothing listens on 127.0.0.1:port, else 0 (code-server then picks a free one). */
function usablePort(port) {
  return new Promise((resolve) => {
    const probe = createServer().once('error', () => resolve(0));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(port)));
  });
}

runStep('esbuild.mjs');

if (!check && !process.env.AYLA_START_CODE_SERVER && onPath('code')) {
  const scratch = mkdtempSync(join(tmpdir(), 'ayla-start-'));
  writeProfile(join(scratch, 'user-data'));
  mkdirSync(join(scratch, 'workspace'));
  console.log('start: opening desktop VS Code with the extension and its simulator (close the window to stop)');
  // --wait: the `code` CLI otherwise returns at once and we would delete the profile under it.
  const child = spawn('code', [`--extensionDevelopmentPath=${root}`, '--user-data-dir', join(scratch, 'user-data'),
    '--new-window', '--wait', join(scratch, 'workspace')], { stdio: 'inherit' });
  child.on('exit', (code) => { rmSync(scratch, { recursive: true, force: true }); process.exit(code ?? 0); });
  child.on('error', (error) => { rmSync(scratch, { recursive: true, force: true }); fail(`could not run code: ${error.message}`); });
} else {
  runStep('test/host/install.mjs');
  await runCodeServer();
}

async function runCodeServer() {
  const { makeRunDir, openWorkbench, startCodeServer, workbenchUrl } = await import('../test/host/codeServer.mjs');
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  // Everything lives in one run dir that stop() removes (and a later run sweeps if we are killed).
  const runDir = makeRunDir();
  const userDataDir = join(runDir, 'user-data');
  const extensionsDir = join(runDir, 'extensions');
  const folder = join(runDir, 'workspace');
  writeProfile(userDataDir);
  mkdirSync(folder);
  // code-server has no --extensionDevelopmentPath outside smoke-test-driver mode (which hides
  // notification toasts); an extensions dir holding a link to the repo loads the live build instead.
  mkdirSync(extensionsDir);
  symlinkSync(root, join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`));

  const port = await usablePort(wantedPort);
  let server;
  let opening; // the workbench promise: closed at stop even if it has not resolved yet
  let stopping;
  const stop = (code, message) => {
    if (message && !stopping) (code ? console.error : console.log)(`start: ${message}`); // the first reason only
    setTimeout(() => process.exit(code), 15_000).unref(); // a hung close must not hang the terminal
    // Browser first: its profile lives in the run dir that server.stop() removes.
    stopping ??= (async () => { await opening?.then((w) => w.close(), () => {}); await server?.stop(); rmSync(runDir, { recursive: true, force: true }); })()
      .finally(() => process.exit(code));
    return stopping;
  };
  // Ctrl+C and SIGTERM are the normal way to stop the foreground server: exit 0 (npm stays quiet).
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(check ? 1 : 0, `stopped by ${signal}.`));
  // `kill <npm pid>` kills npm's `sh -c` but not us: stop when we are orphaned, not serve forever.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && stop(1, 'the parent process (npm) went away.'), 1000).unref();

  try {
    server = await startCodeServer({ runDir, port, userDataDir, extensionsDir, folder, smokeTestDriver: false });
  } catch (error) {
    return stop(1, error instanceof Error ? error.message : String(error));
  }
  server.exited.then((code) => stopping || stop(1, `code-server exited unexpectedly (${code}).`));
  if (port !== wantedPort) console.log(`start: port ${wantedPort} is busy; using ${server.port} instead.`);
  const url = workbenchUrl(server, { folder }).replace(/%2F/g, '/'); // same URL, readable in a terminal
  console.log(`Ayla DSS Explorer is running in VS Code at ${url}  (Ctrl+C stops everything)`);
  if (!check) return;

  const screenshot = join(root, 'test-results/start-check.png');
  mkdirSync(dirname(screenshot), { recursive: true });
  const timer = setTimeout(() => stop(1, `--check did not finish within ${checkTimeoutMs / 1000} s.`), checkTimeoutMs);
  try {
    opening = openWorkbench(url, { dataDir: runDir });
    const { page } = await opening;
    const icon = page.locator('.activitybar .action-item a[aria-label^="Ayla DSS"]');
    await icon.waitFor({ state: 'visible', timeout: checkTimeoutMs }).catch(() => { throw new Error('the "Ayla DSS" activity-bar item never appeared (extension not loaded?).'); });
    console.log(`start: workbench shows the Ayla DSS item after ${elapsed()}`);
    await icon.click();
    await page.locator('.statusbar-item', { hasText: 'Ayla simulator' }).first().waitFor({ state: 'visible', timeout: 60_000 })
      .catch(() => { throw new Error('the status bar never showed "Ayla simulator" (did autoStart start the simulator?).'); });
    // Signed in to the demo account and streaming: the status bar says live, and the tree lists devices.
    await page.locator('.statusbar-item', { hasText: /Ayla DSS: live/ }).first().waitFor({ state: 'visible', timeout: 60_000 })
      .catch(() => { throw new Error('the status bar never showed "Ayla DSS: live" (did signInOnStart sign in to the simulator?).'); });
    await page.locator('.pane-body .monaco-list-row', { hasText: /Garage Door|Kitchen|Living/ }).first().waitFor({ state: 'visible', timeout: 30_000 })
      .catch(() => { throw new Error('the Devices view never listed a simulated device.'); });
    console.log(`start: signed in to the simulator and live after ${elapsed()}`);
    // Toasts slide in over ~0.3 s; a screenshot mid-slide overlaps the view.
    await page.waitForTimeout(1500);
    await page.screenshot({ path: screenshot });
    clearTimeout(timer);
    await stop(0, `ok (${elapsed()}; screenshot ${screenshot})`);
  } catch (error) {
    await opening?.then((w) => w.page.screenshot({ path: screenshot.replace(/\.png$/, '-failed.png') })).catch(() => {});
    await stop(1, `--check failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
