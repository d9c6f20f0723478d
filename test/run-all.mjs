// `npm test`: type-check, build, unit tests on plain Node, integration tests in the real VS Code
// extension host (code-server, installed on first use), then end-to-end tests of the real UI in headless
// Chromium (development mode and installed from a .vsix). Stops at the first level that fails.
import { spawnSync } from 'node:child_process';

const steps = [
  ['type-check', ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.']],
  ['build', ['esbuild.mjs']],
  ['unit tests', ['test/run-unit.mjs']],
  ['test host', ['test/host/install.mjs']],
  ['integration tests', ['test/run-integration.mjs']],
  // The real UI in headless Chromium: the extension in development mode, then installed from a .vsix packed
  // from the same sources (in a temp folder; dist/ is left alone).
  ['end-to-end tests (development mode)', ['test/e2e/run.mjs']],
  ['end-to-end tests (installed .vsix)', ['test/e2e/run.mjs', '--vsix']],
];

for (const [name, args] of steps) {
  console.log(`\n=== ${name}`);
  const started = Date.now();
  const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`\n${name} failed (exit ${result.status ?? result.signal}) after ${seconds} s`);
    process.exit(1);
  }
  console.log(`=== ${name}: ok in ${seconds} s`);
}
