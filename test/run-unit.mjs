// Runs the unit tests (already bundled by esbuild.mjs into dist/test/unit) with mocha on plain Node,
// and ends with the closing line CI reads: "unit: N passed, N failed".
import Mocha from 'mocha';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function testFiles(dir) {
  const files = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...testFiles(path));
    else if (name.endsWith('.test.js')) files.push(path);
  }
  return files.sort();
}

const grep = process.argv[2];
const mocha = new Mocha({ ui: 'bdd', timeout: 20_000, reporter: 'spec', color: false, ...(grep ? { grep } : {}) });
const files = testFiles('dist/test/unit');
for (const file of files) mocha.addFile(join(process.cwd(), file));

const runner = mocha.run((failures) => {
  const { passes, tests, pending } = runner.stats;
  console.log(`\nunit: ${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ''}`);
  const code = tests === 0 || failures > 0 ? 1 : 0;
  if (tests === 0) console.error('unit: no test ran, which counts as a failure');
  // A failed test can leave a socket or child process behind; it must not hold the run open.
  process.stdout.write('', () => process.exit(code));
});
