#!/usr/bin/env node
// Stands in for a VS Code executable so that @vscode/test-electron's
// runTests({ vscodeExecutablePath: this file }) runs unchanged against code-server:
// it takes the same command line, runs the tests in code-server's real extension host
// through headless Chromium, relays the host's console and exits with the tests' code.
import { resolve } from 'node:path';
import { isWorkbenchNoise, openWorkbench, startCodeServer, workbenchUrl } from './codeServer.mjs';

const started = Date.now();
const timeoutMs = Number(process.env.AYLA_TEST_HOST_TIMEOUT_MS) || 10 * 60_000;

/** Parses the desktop CLI flags runTests passes; unknown flags (--no-sandbox, --disable-extensions, …) are ignored. */
function parseArgs(argv) {
  const valued = new Set(['extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir']);
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const match = /^--([^=]+)(?:=(.*))?$/s.exec(arg);
    if (!match) options.folder = resolve(arg);
    else if (valued.has(match[1])) options[match[1]] = resolve(match[2] ?? argv[++i]);
  }
  return options;
}

const args = parseArgs(process.argv.slice(2));
if (!args.extensionTestsPath) {
  console.error('launcher: --extensionTestsPath is required (this host only runs extension tests).');
  process.exit(2);
}

let server;
let opening; // the workbench promise: closed at cleanup even if the tests end before it resolves
let cleaning;
async function finish(code, message) {
  if (message && !cleaning) console.error(`launcher: ${message}`);
  setTimeout(() => process.exit(code), 15_000).unref(); // a hung close must not hang CI
  // Browser first: its profile lives in the server's run dir, which stop() removes.
  cleaning ??= (async () => { await opening?.then((w) => w.close(), () => {}); await server?.stop(); })().catch(() => {});
  await cleaning;
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => finish(1, `stopped by ${signal}.`));
setTimeout(() => finish(1, `the extension tests did not finish within ${timeoutMs / 1000} s (AYLA_TEST_HOST_TIMEOUT_MS); stopped code-server and Chromium.`), timeoutMs);

try {
  // runTests' extensionTestsEnv arrives as our own environment; code-server's extension host
  // inherits the server's env, and AYLA_* vars also go through the workbench's
  // extensionEnvironment so they reach the host even where it does not inherit.
  const extensionEnvironment = Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('AYLA_')));
  server = await startCodeServer({ userDataDir: args['user-data-dir'], extensionsDir: args['extensions-dir'] });
  console.log(`launcher: code-server ${server.url} ready in ${Date.now() - started} ms`);
  const exitCode = new Promise((resolveExit) => {
    // The server dying mid-run (crash, OOM) must fail the run, not wait for the timeout.
    server.exited.then((code) => cleaning || resolveExit({ code: 1, message: `code-server exited unexpectedly (${code}).` }));
    opening = openWorkbench(workbenchUrl(server, {
      folder: args.folder,
      extensionDevelopmentPath: args.extensionDevelopmentPath,
      extensionTestsPath: args.extensionTestsPath,
      extensionEnvironment,
    }), {
      dataDir: server.runDir,
      onExit: (code) => resolveExit({ code }),
      onLog: (_level, text) => { if (!isWorkbenchNoise(text)) process.stdout.write(`${text}\n`); },
    });
    opening.catch((error) => resolveExit({ code: 1, message: `could not open the workbench: ${error.message}` }));
  });
  const result = await exitCode;
  console.log(`launcher: tests exited with ${result.code} after ${Date.now() - started} ms`);
  await finish(result.code, result.message);
} catch (error) {
  await finish(1, error instanceof Error ? error.message : String(error));
}
