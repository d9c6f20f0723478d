// Runs test/integration (built to dist/test/integration) inside a real VS Code extension host
// through the standard @vscode/test-electron API. Run `npm run build` first.
//
// Offline (the default): vscodeExecutablePath is test/host/launcher.mjs, which takes desktop
// VS Code's command line and runs the tests in the pinned code-server 1.139.1 instead.
// On a machine that can reach Microsoft's CDN, AYLA_TEST_DESKTOP=1 lets runTests download
// and run desktop VS Code (AYLA_TEST_VSCODE_VERSION, default 1.139.1; on headless Linux run it
// under `xvfb-run -a`). The tests are the same either way.
import { runTests } from '@vscode/test-electron';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const extensionTestsPath = join(root, 'dist/test/integration/index.js');
if (!existsSync(extensionTestsPath)) {
  console.error(`run-integration: ${extensionTestsPath} is missing; run npm run build first.`);
  process.exit(1);
}

const desktop = process.env.AYLA_TEST_DESKTOP === '1';
// A fresh profile, workspace and extensions dir per run: nothing from an earlier run
// (settings, state, installed extensions) can change this one.
const scratch = mkdtempSync(join(tmpdir(), 'ayla-it-'));
const workspace = join(scratch, 'workspace');
mkdirSync(workspace);

let exitCode = 0;
try {
  await runTests({
    ...(desktop
      ? { version: process.env.AYLA_TEST_VSCODE_VERSION ?? '1.139.1' } // runTests downloads it
      : { vscodeExecutablePath: join(root, 'test/host/launcher.mjs') }),
    extensionDevelopmentPath: root,
    extensionTestsPath,
    launchArgs: [workspace, `--user-data-dir=${join(scratch, 'user-data')}`, `--extensions-dir=${join(scratch, 'extensions')}`, '--disable-extensions'],
    // Tests read AYLA_* settings (e.g. a real account for opt-in live tests); AYLA_INTEGRATION
    // tells them they run in a real extension host.
    extensionTestsEnv: {
      ...Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('AYLA_'))),
      AYLA_INTEGRATION: '1',
    },
  });
} catch (error) {
  console.error(`run-integration: ${error instanceof Error ? error.message : error}`);
  exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(exitCode);
