// The result format every benchmark hands to the runner (test/bench/run.mjs), and how it hands it over.
//
// A benchmark bundle (dist/test/bench/bN*.js) runs in its own child process started by the runner with
// `--expose-gc`. It reads its settings from the environment (BENCH_QUICK=1 for a smoke run) and writes one
// JSON BenchResult to the file named by BENCH_OUT (or to stdout when run by hand). Its exit code is 0 even
// when a budget is missed: a miss is a figure, not a failure. A thrown error is a failure (the runner shows
// it in the table).

import { writeFileSync } from 'node:fs';

/** One line of the table. */
export interface BenchRow {
  /** `B1`, `B6a`, … */
  id: string;
  what: string;
  /** The figure, as printed (e.g. `123 456 ev/s`). */
  measured: string;
  /** The same-run baseline, as printed; `—` when the row has none. */
  baseline: string;
  /** measured ÷ baseline (or the figure ÷ budget when that is what the budget is about); null when none. */
  ratio: number | null;
  /** The budget, as printed (e.g. `≥ 0.75 × baseline`). */
  budget: string;
  /** true met, false missed, null information only (no budget). */
  pass: boolean | null;
  /** Raw numbers behind the row (for bench.json). */
  values?: Record<string, unknown>;
}

export interface BenchResult {
  /** `B1` … */
  id: string;
  title: string;
  rows: BenchRow[];
  /** Sentences printed under the table: how it was measured, what the figure does not include. */
  notes: string[];
  /** Anything else worth keeping in bench.json (repetition samples, breakdowns). */
  details?: Record<string, unknown>;
}

export interface BenchContext {
  /** A smoke run: fewer repetitions and smaller counts. */
  quick: boolean;
}

export function benchContext(): BenchContext {
  return { quick: process.env.BENCH_QUICK === '1' || process.argv.includes('--quick') };
}

/** Requires `node --expose-gc`; throws a sentence saying so otherwise. */
export function requireGc(): () => void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') throw new Error('This benchmark needs node --expose-gc (the runner passes it).');
  return gc;
}

/** Runs a benchmark's main function and hands its result to the runner; exits when done. */
export function runBenchmark(main: (context: BenchContext) => Promise<BenchResult>): void {
  main(benchContext()).then(
    (result) => {
      const text = JSON.stringify(result, null, 2);
      const out = process.env.BENCH_OUT;
      if (out) writeFileSync(out, text);
      else process.stdout.write(`${text}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
