// Loading the extension must not evaluate undici (the HTTP client library): it is the largest module in the
// bundle, and activation would wait for it before any request is made (benchmark B6). HttpClient loads it on
// its first request. Checked in a fresh process on the built bundle, by the global dispatcher undici
// installs when it is evaluated.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const SCRIPT = `
const Module = require('node:module');
const stub = new Proxy(function () {}, { get: (t, k) => (k === Symbol.toPrimitive ? () => '' : stub), apply: () => stub, construct: () => stub });
const load = Module._load;
Module._load = function (request, parent, isMain) { return request === 'vscode' ? stub : load.call(this, request, parent, isMain); };
require(process.argv[1]);
process.stdout.write(String(globalThis[Symbol.for('undici.globalDispatcher.2')] !== undefined));
`;

describe('ayla/http: undici is loaded on the first request', () => {
  it('loading dist/extension.js does not evaluate undici', () => {
    const run = spawnSync(process.execPath, ['-e', SCRIPT, join(process.cwd(), 'dist', 'extension.js')], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, 'false');
  });
});
