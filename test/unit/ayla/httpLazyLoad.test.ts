// Loading the extension must not evaluate undici (the HTTP client library): it is the largest module, and
// activation would wait for it before any request is made (benchmark B6). It is not even in the bundle: esbuild
// emits it as dist/undici.js, which HttpClient requires on its first request. Nor does loading evaluate ws
// (DssStream loads it when the first stream connects) or the built-in simulator: with them, Node's http,
// https, tls and zlib. Checked in a fresh process on the built bundle.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const SCRIPT = `
const Module = require('node:module');
const stub = new Proxy(function () {}, { get: (t, k) => (k === Symbol.toPrimitive ? () => '' : stub), apply: () => stub, construct: () => stub });
const load = Module._load;
Module._load = function (request, parent, isMain) { return request === 'vscode' ? stub : load.call(this, request, parent, isMain); };
require(process.argv[1]);
process.stdout.write(JSON.stringify({
  undici: globalThis[Symbol.for('undici.globalDispatcher.2')] !== undefined,
  modules: Object.keys(require.cache).map((f) => require('node:path').basename(f)),
  builtins: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length)),
}));
`;

describe('ayla/http: undici is loaded on the first request', () => {
  it('loading dist/extension.js does not evaluate undici', () => {
    const run = spawnSync(process.execPath, ['-e', SCRIPT, join(process.cwd(), 'dist', 'extension.js')], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const loaded = JSON.parse(run.stdout) as { undici: boolean; modules: string[]; builtins: string[] };
    assert.equal(loaded.undici, false, 'undici was evaluated');
    assert.deepEqual(loaded.modules, ['extension.js'], 'only the bundle itself was loaded (not dist/undici.js)');
    for (const builtin of ['http', 'https', 'tls', 'zlib']) assert.ok(!loaded.builtins.includes(builtin), `node:${builtin} was loaded (by ws, the simulator or a top-level import)`);
  });

  it('the bundles require undici as the chunk beside them, which holds all of it', () => {
    const dist = join(process.cwd(), 'dist');
    for (const bundle of ['extension.js', 'cli.js']) {
      const code = readFileSync(join(dist, bundle), 'utf8');
      assert.match(code, /require\("\.\/undici\.js"\)/, bundle);
      assert.doesNotMatch(code, /undici\.globalDispatcher/, `${bundle} has undici's own code in it`);
    }
    const chunk = spawnSync(process.execPath, ['-e', 'process.stdout.write(typeof require(process.argv[1]).request)', join(dist, 'undici.js')], { encoding: 'utf8' });
    assert.equal(chunk.stdout, 'function', chunk.stderr);
  });
});
