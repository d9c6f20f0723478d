// `npm run soak`: bundles test/soak/soak.ts and runs it with --expose-gc (it is not part of the unit run).
// AYLA_SOAK_SECONDS (default 600) and AYLA_SOAK_RATE (events per second per device, default 100) tune it.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';

const outfile = 'dist/test/soak/soak.js';
await esbuild.build({
  entryPoints: ['test/soak/soak.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  packages: 'external',
  logLevel: 'warning',
});
const run = spawnSync(process.execPath, ['--expose-gc', '--enable-source-maps', outfile], { stdio: 'inherit' });
process.exit(run.status ?? 1);
