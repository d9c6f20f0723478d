// `npm run bench` (after esbuild.mjs has bundled test/bench/**/*.ts into dist/test/bench/): runs every
// benchmark bundle dist/test/bench/b<N><Name>.js in its own child process (node --expose-gc), collects the
// JSON result each writes (see test/bench/support/result.ts), prints ONE table, and writes
// test-results/bench.json (figures, machine, timestamp) and test-results/bench.md (the table in Markdown).
//
// Adding a benchmark (B3, B4, …) is adding one file test/bench/b<N><Name>.ts that calls runBenchmark().
//
// Options: --only B1,B7   run only these (by number: B1 runs b1*.js)
//          --quick        fewer repetitions and smaller counts: a smoke run, not figures to publish
//
// Benchmarks are not tests: a missed budget is printed as MISS and the exit code stays 0. A benchmark that
// fails to run (throws, times out) is printed as ERROR and makes the exit code 1.
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, tmpdir, totalmem, type as osType } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';

const BENCH_DIR = join('dist', 'test', 'bench');
const RESULTS_DIR = 'test-results';
const TIMEOUT_MS = 15 * 60 * 1000;

function parseOptions(argv) {
  const options = { quick: false, only: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg === '--only' ? argv[++i] : arg.slice('--only='.length);
      if (!value) throw new Error('--only needs a list, e.g. --only B1,B7');
      options.only = new Set(value.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean));
    } else if (arg === '--help') {
      console.log('Usage: node test/bench/run.mjs [--only B1,B7] [--quick]');
      process.exit(0);
    } else throw new Error(`Unknown option ${arg}; use --only B1,B7 and/or --quick.`);
  }
  return options;
}

/** `b12Foo.js` → 12; undefined for anything else. */
function benchNumber(file) {
  const match = /^b(\d+)[A-Za-z]\w*\.js$/.exec(file);
  return match ? Number(match[1]) : undefined;
}

function findBenchmarks(only) {
  let files;
  try {
    files = readdirSync(BENCH_DIR);
  } catch {
    throw new Error(`${BENCH_DIR} does not exist: run "node esbuild.mjs" first (npm run bench does).`);
  }
  return files
    .map((file) => ({ file, number: benchNumber(file) }))
    .filter((b) => b.number !== undefined && (!only || only.has(`B${b.number}`)))
    .sort((a, b) => a.number - b.number || a.file.localeCompare(b.file));
}

/**
 * Copies the benchmark bundles and dist/cli.js (the simulator) to `scratch` and runs them from there: a
 * rebuild of dist/ while the benchmarks run (esbuild.mjs empties it first) must not pull them away. Their
 * npm packages still come from this checkout's node_modules (NODE_PATH).
 */
function snapshot(scratch) {
  const dir = join(scratch, 'bench');
  cpSync(BENCH_DIR, dir, { recursive: true });
  copyFileSync(join('dist', 'cli.js'), join(scratch, 'cli.js'));
  // The CLI loads undici from the chunk beside it (esbuild.mjs) at its first REST call.
  copyFileSync(join('dist', 'undici.js'), join(scratch, 'undici.js'));
  return { dir, cli: join(scratch, 'cli.js') };
}

function runOne(bench, quick, scratch, copies) {
  const out = join(scratch, `${bench.file}.json`);
  const started = Date.now();
  const nodePath = [resolvePath('node_modules'), process.env.NODE_PATH].filter(Boolean).join(process.platform === 'win32' ? ';' : ':');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', join(copies.dir, bench.file)], {
      env: { ...process.env, BENCH_OUT: out, BENCH_QUICK: quick ? '1' : '0', BENCH_CLI: copies.cli, NODE_PATH: nodePath },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-8000);
      process.stderr.write(chunk);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = (Date.now() - started) / 1000;
      if (code === 0) {
        try {
          resolve({ ...JSON.parse(readFileSync(out, 'utf8')), file: bench.file, seconds });
          return;
        } catch (error) {
          stderr += `\nCould not read its result: ${error.message}`;
        }
      }
      const why = signal ? `killed (${signal}${signal === 'SIGKILL' ? ', timed out' : ''})` : `exit code ${code}`;
      const lines = stderr.trim().split('\n').filter(Boolean);
      const last = lines.filter((l) => /Error\b/.test(l)).slice(-1)[0] ?? lines.slice(-1)[0] ?? '';
      resolve({
        id: `B${bench.number}`,
        title: bench.file,
        file: bench.file,
        seconds,
        error: `${why}: ${last}`,
        rows: [{ id: `B${bench.number}`, what: bench.file, measured: 'ERROR', baseline: '—', ratio: null, budget: '—', pass: false, error: true }],
        notes: [`B${bench.number} (${bench.file}) did not run to the end: ${why}. ${last}`],
      });
    });
  });
}

function verdict(row) {
  if (row.error) return 'ERROR';
  if (row.pass === true) return 'pass';
  if (row.pass === false) return 'MISS';
  return '—';
}

function ratioText(ratio) {
  return typeof ratio === 'number' && Number.isFinite(ratio) ? ratio.toFixed(2) : '—';
}

const COLUMNS = ['id', 'what', 'measured', 'baseline', 'ratio', 'budget', 'pass/miss'];

function tableRows(results) {
  return results.flatMap((r) => r.rows.map((row) => [row.id, row.what, row.measured, row.baseline, ratioText(row.ratio), row.budget, verdict(row)]));
}

function textTable(rows) {
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  return [line(COLUMNS), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function markdownTable(rows) {
  const escape = (cell) => cell.replace(/\|/g, '\\|');
  return [`| ${COLUMNS.join(' | ')} |`, `|${COLUMNS.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(escape).join(' | ')} |`)].join('\n');
}

function machine() {
  const list = cpus();
  return {
    cpus: list.length,
    model: list[0]?.model?.trim() ?? 'unknown',
    memoryBytes: totalmem(),
    node: process.version,
    os: `${osType()} ${release()} (${platform()} ${process.arch})`,
    loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
  };
}

function machineLine(m, loadAfter) {
  return `${m.cpus} CPUs (${m.model}), ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB, Node ${m.node}, ${m.os}; load average ${m.loadAverage.join(' ')} at the start, ${loadAfter.join(' ')} at the end`;
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const benchmarks = findBenchmarks(options.only);
  if (benchmarks.length === 0) throw new Error(`No benchmark bundle in ${BENCH_DIR}${options.only ? ` matches --only ${[...options.only].join(',')}` : ''}.`);
  const before = machine();
  const startedAt = new Date();
  console.log(`bench: ${benchmarks.map((b) => b.file.replace(/\.js$/, '')).join(', ')}${options.quick ? ' (--quick: a smoke run, not figures to publish)' : ''}`);
  const scratch = mkdtempSync(join(tmpdir(), 'ayla-bench-'));
  const results = [];
  try {
    const copies = snapshot(scratch);
    for (const bench of benchmarks) {
      console.log(`bench: running ${bench.file} …`);
      const result = await runOne(bench, options.quick, scratch, copies);
      console.log(`bench: ${bench.file} ${result.error ? 'failed' : 'done'} in ${result.seconds.toFixed(1)} s`);
      results.push(result);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const loadAfter = loadavg().map((l) => Number(l.toFixed(2)));
  const rows = tableRows(results);
  const table = textTable(rows);
  const notes = results.flatMap((r) => r.notes ?? []);
  const machineText = machineLine(before, loadAfter);
  const missed = results.flatMap((r) => r.rows).filter((row) => row.pass === false && !row.error).length;
  const errors = results.filter((r) => r.error).length;
  const summary = `${rows.length} figures: ${rows.filter((r) => r[6] === 'pass').length} pass, ${missed} MISS, ${errors} ERROR${options.quick ? ' (--quick)' : ''}`;

  console.log(`\n${table}\n`);
  for (const note of notes) console.log(`  ${note}`);
  console.log(`\nmachine: ${machineText}`);
  console.log(`${startedAt.toISOString()} · ${summary}`);

  mkdirSync(RESULTS_DIR, { recursive: true });
  const json = { timestamp: startedAt.toISOString(), quick: options.quick, machine: { ...before, loadAverageAfter: loadAfter }, summary, table, results };
  writeFileSync(join(RESULTS_DIR, 'bench.json'), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(
    join(RESULTS_DIR, 'bench.md'),
    `${markdownTable(rows)}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n\nMachine: ${machineText}. Run ${startedAt.toISOString()}${options.quick ? ' with --quick' : ''}.\n`,
  );
  console.log(`bench: wrote ${join(RESULTS_DIR, 'bench.json')} and ${join(RESULTS_DIR, 'bench.md')}${missed > 0 ? ` — ${missed} budget${missed === 1 ? '' : 's'} MISSED (benchmarks are not tests: exit code 0)` : ''}`);
  return errors > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`bench: ${error.message}`);
    process.exit(2);
  },
);
