// The extensionTestsPath entry: the extension host calls run() and reports how it settles.
// Runs every *.test.js bundled next to this file (dist/test/integration/**) with mocha.
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';

export async function run(): Promise<void> {
  // In code-server the host's console reaches the launcher with every argument already
  // stringified, so mocha's printf-style "%s" would arrive unformatted: format here first.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(format(...args));

  // AYLA_TEST_GREP runs only the matching tests (while working on one surface).
  const grep = process.env.AYLA_TEST_GREP;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 20_000, slow: 2_000, ...(grep ? { grep } : {}) });
  const files = readdirSync(__dirname, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.js'))
    .sort();
  for (const file of files) mocha.addFile(join(__dirname, file));

  let passed = 0;
  let failed = 0;
  try {
    ({ passed, failed } = await new Promise<{ passed: number; failed: number }>((resolve) => {
      const runner = mocha.run(() => resolve({ passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? 0 }));
    }));
  } catch (error) {
    // A test file that throws while loading stops mocha before any test: count it as a
    // failure so the closing line still tells CI what happened.
    console.error('could not load the integration tests:', error);
    failed = 1;
  }
  // CI reads this exact line.
  console.log(`integration: ${passed} passed, ${failed} failed`);
  if (failed > 0) throw new Error(`${failed} integration test(s) failed`);
  if (passed === 0) throw new Error(`no integration tests ran (found ${files.length} test files)`);
}
