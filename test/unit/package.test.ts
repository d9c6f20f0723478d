// `npm run package` must produce a .vsix that holds only what a user needs, and whose bundles run.
import { strict as assert } from 'node:assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipEntries, type ZipEntry } from './support/zipEntries';

const root = process.cwd();

describe('the packaged .vsix', function () {
  this.timeout(120_000);
  let folder: string;
  let vsix: string;
  let entries: ZipEntry[];
  let read: (name: string) => Buffer;

  before(() => {
    // Package in a copy so the test never disturbs dist/ of the running test suite.
    folder = mkdtempSync(join(tmpdir(), 'ayla-vsix-'));
    for (const file of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', '.vscodeignore', 'media', 'docs']) {
      if (existsSync(join(root, file))) cpSync(join(root, file), join(folder, file), { recursive: true });
    }
    // Files that must never be packed, planted where a careless ignore file would let them in.
    writeFileSync(join(folder, 'secret.ts'), 'export {}');
    execFileSync(process.execPath, ['esbuild.mjs', '--production', `--outdir=${join(folder, 'dist')}`], { cwd: root, stdio: 'pipe' });
    writeFileSync(join(folder, 'dist', 'extension.js.map'), '{}');
    writeFileSync(join(folder, 'dist', 'webview', 'chart.js.map'), '{}');
    vsix = join(folder, 'ayla-dss-explorer.vsix');
    execFileSync(process.execPath, [join(root, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', vsix], {
      cwd: folder,
      stdio: 'pipe',
      input: '',
    });
    ({ entries, read } = zipEntries(vsix));
  });

  after(() => rmSync(folder, { recursive: true, force: true }));

  it('contains the manifest, the bundles, the chart webview, the docs and the icons', () => {
    const names = entries.map((e) => e.name);
    for (const expected of [
      'extension/package.json',
      'extension/dist/extension.js',
      'extension/dist/cli.js',
      'extension/dist/undici.js',
      'extension/dist/webview/chart.js',
      'extension/dist/webview/uplot.css',
      'extension/media/chart.css',
      'extension/README.md',
      'extension/LICENSE.txt',
      'extension/media/ayla-dss.svg',
      'extension/media/icon.png',
      'extension/docs/devices-tree.png',
      'extension/docs/chart.png',
    ]) {
      assert.ok(names.some((n) => n.toLowerCase() === expected.toLowerCase()), `${expected} in ${names.join(', ')}`);
    }
  });

  it('leaves out sources, tests, source maps, node_modules and the test host', () => {
    const unwanted = entries.map((e) => e.name).filter((n) => /\.ts$|\.map$|(^|\/)(src|test|node_modules|\.ci)\/|esbuild\.mjs|tsconfig/.test(n));
    assert.deepEqual(unwanted, []);
  });

  it('ships minified bundles that stay small', () => {
    const extension = entries.find((e) => e.name === 'extension/dist/extension.js');
    assert.ok(extension);
    // Minified: a few hundred lines at most (a dependency's multi-line template literal, like undici's SQL, may keep some).
    const lines = read('extension/dist/extension.js').toString('utf8').split('\n').length;
    assert.ok(lines < 1000, `extension.js is minified (${lines} lines)`);
    const chart = read('extension/dist/webview/chart.js').toString('utf8');
    assert.ok(chart.split('\n').length < 50, 'the webview script is minified');
    assert.doesNotMatch(chart, /sourceMappingURL/, 'and points to no source map');
    assert.doesNotMatch(chart, /\beval\(|new Function\(/, 'and needs no unsafe-eval');
    const total = entries.reduce((sum, e) => sum + e.size, 0);
    assert.ok(total < 2_000_000, `unpacked size ${total} bytes stays under 2 MB`);
  });

  it('has bundles that load undici from the chunk beside them, outside the repository', async () => {
    // The vsix's dist/ alone, where no node_modules can stand in for a missing chunk: the CLI's simulator,
    // and the CLI signing in to it and listing its devices (its first REST call loads dist/undici.js).
    const dist = join(folder, 'unpacked', 'dist');
    mkdirSync(dist, { recursive: true });
    for (const name of ['cli.js', 'undici.js']) writeFileSync(join(dist, name), read(`extension/dist/${name}`));
    const cli = join(dist, 'cli.js');
    const simulator = spawn(process.execPath, [cli, 'simulator', '--port', '0', '--quiet', '--rate', '0'], { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        simulator.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString('utf8');
          const match = /listening on (http:\/\/\S+)/.exec(out);
          if (match) resolve(match[1]!);
        });
        simulator.once('exit', (code) => reject(new Error(`the simulator exited (${code}) before listening: ${out}`)));
      });
      const listing = spawnSync(process.execPath, [cli, 'devices', '--json', '--base-url', url, '--email', 'dev@example.com', '--password', 'simulator', '--app-id', 'simulator-app', '--app-secret', 'simulator-secret'], { cwd: folder, encoding: 'utf8', timeout: 60_000 });
      assert.equal(listing.status, 0, listing.stderr);
      assert.match(listing.stdout, /"dsn":"AC000W/, listing.stdout.slice(0, 200));
    } finally {
      simulator.kill();
    }
  });

  it('has a CLI bundle that runs on its own, outside the repository', () => {
    const cli = join(folder, 'cli-from-vsix.js');
    writeFileSync(cli, read('extension/dist/cli.js'));
    const help = execFileSync(process.execPath, [cli, '--help'], { cwd: folder, encoding: 'utf8' });
    assert.match(help, /simulator/);
  });
});
