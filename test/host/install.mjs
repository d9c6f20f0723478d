// Installs the pinned test host (Node 24 + code-server 4.139.1) from the committed lockfiles.
// Idempotent: each step is skipped when its node_modules carries a stamp with the hash of the
// current package.json + lockfile and its binary exists, so a warm machine takes a second.
// Why the odd environment for code-server: see /work/shared/vscode-test-host.md.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumPath, codeServerEntry, node24 } from './codeServer.mjs';

const hostDir = dirname(fileURLToPath(import.meta.url));
const started = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

function fail(message) {
  console.error(`host:install: ${message}`);
  process.exit(1);
}

/** The environment for nested npm: none of an outer `npm run`'s npm_* vars (npm_config_local_prefix would point npm at the project itself). */
function cleanEnv(extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('npm_')));
  return { ...env, ...extra };
}

function run(command, args, options) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.error) fail(`${command} could not start: ${result.error.message}.`);
  return result;
}

/** True when node_modules holds exactly the lockfile's packages (npm's hidden lockfile agrees). */
function matchesLockfile(dir) {
  try {
    const wanted = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')).packages;
    const installed = JSON.parse(readFileSync(join(dir, 'node_modules/.package-lock.json'), 'utf8')).packages;
    return Object.entries(wanted).every(([path, meta]) => path === '' || installed[path]?.version === meta.version || (meta.optional && !installed[path]));
  } catch {
    return false;
  }
}

/** `alsoDependsOn`: lockfiles whose change must also reinstall this step (native modules built against Node 24's headers). */
function step(name, dir, binary, env, alsoDependsOn = []) {
  const hash = createHash('sha256');
  for (const file of [join(dir, 'package.json'), join(dir, 'package-lock.json'), ...alsoDependsOn]) hash.update(readFileSync(file));
  const digest = hash.digest('hex');
  const stamp = join(dir, 'node_modules', '.ayla-install-stamp');
  if (existsSync(binary) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === digest) {
    console.log(`host:install: ${name} is up to date (skipped)`);
    return;
  }
  if (existsSync(binary) && !existsSync(stamp) && matchesLockfile(dir)) {
    // Installed by hand or by an older script: adopt it; the checks below still verify it runs.
    writeFileSync(stamp, `${digest}\n`);
    console.log(`host:install: ${name} already matches its lockfile (adopted, skipped)`);
    return;
  }
  const since = Date.now();
  console.log(`host:install: ${name}: npm ci in ${dir} …`);
  const result = run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, env, stdio: 'inherit' });
  if (result.status !== 0) fail(`npm ci for ${name} failed (exit ${result.status}); see the npm output above.`);
  if (!existsSync(binary)) fail(`npm ci for ${name} succeeded but ${binary} is missing.`);
  writeFileSync(stamp, `${digest}\n`);
  console.log(`host:install: ${name} installed in ${seconds(since)}`);
}

// Debian packages: installed here when we run as root (a fresh container, CI), so that
// `npm start` / `npm test` are one command; otherwise we only say which command to run.
const needsKerberos = !existsSync(join(hostDir, 'code-server/node_modules/.ayla-install-stamp')) && !existsSync('/usr/include/gssapi/gssapi.h');
if (process.env.AYLA_CHROMIUM && !existsSync(chromiumPath)) fail(`AYLA_CHROMIUM=${chromiumPath} does not exist.`);
const missing = [...(existsSync(chromiumPath) ? [] : ['chromium']), ...(needsKerberos ? ['libkrb5-dev'] : [])];
if (missing.length > 0) {
  const packages = missing.join(' ');
  if (process.getuid?.() !== 0) fail(`Debian ${missing.length > 1 ? 'packages' : 'package'} ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing; install with: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages}`);
  console.log(`host:install: installing missing Debian package(s) ${packages} (apt-get update && apt-get install -y --no-install-recommends ${packages}) …`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-q'], ['install', '-y', '-q', '--no-install-recommends', ...missing]]) {
    if (run('apt-get', args, { env, stdio: 'inherit' }).status !== 0) fail(`apt-get ${args[0]} failed; see its output above.`);
  }
}
if (!existsSync(chromiumPath)) fail(`${chromiumPath} is still missing after installing chromium: set AYLA_CHROMIUM to the Chromium binary.`);

step('node 24', join(hostDir, 'node24'), node24, cleanEnv());

const nodeVersion = run(node24, ['--version']).stdout.trim();
if (!nodeVersion.startsWith('v24.')) fail(`${node24} reports ${nodeVersion || 'nothing'}, expected v24.x.`);

const nodedir = dirname(dirname(node24));
if (needsKerberos && !existsSync('/usr/include/gssapi/gssapi.h')) fail('Kerberos headers are still missing after installing libkrb5-dev (/usr/include/gssapi/gssapi.h).');
step('code-server', join(hostDir, 'code-server'), codeServerEntry, cleanEnv({
  PATH: `${dirname(node24)}:${process.env.PATH}`, // its install scripts must run on Node 24
  npm_config_nodedir: nodedir, // the global npmrc's nodedir=/usr has Node 20's headers
}), [join(hostDir, 'node24/package-lock.json')]);

// code-server writes a config file and logs under XDG dirs even for --version: keep them out of $HOME.
const scratch = mkdtempSync(join(tmpdir(), 'ayla-host-check-'));
try {
  const env = { ...cleanEnv(), XDG_CONFIG_HOME: scratch, XDG_DATA_HOME: scratch };
  const version = run(node24, [codeServerEntry, '--version'], { env });
  if (!/^4\.139\.1 /m.test(version.stdout)) fail(`code-server --version printed "${version.stdout.trim() || version.stderr.trim()}", expected 4.139.1.`);
  // A native module built against the wrong Node headers only fails when loaded: load one now.
  const spdlog = join(dirname(codeServerEntry), '../../lib/vscode/node_modules/@vscode/spdlog');
  const load = run(node24, ['-e', `require(${JSON.stringify(spdlog)})`], { env });
  if (load.status !== 0) fail(`code-server's native modules do not load in Node 24 (delete test/host/code-server/node_modules and rerun): ${load.stderr.trim().split('\n')[0]}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
console.log(`host:install: ready (${nodeVersion}, code-server 4.139.1, ${chromiumPath}) in ${seconds(started)}`);
