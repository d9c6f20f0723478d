// Reads the shared fixture of real Ayla frames (../shared/fixtures/ayla-frames.jsonl relative to the
// repository root), one JSON object per line; a clone that stands alone (no ../shared beside it) reads the
// copy in test/fixtures, which a test keeps equal to the shared file wherever both exist. The repository
// root is found by walking up from the running (bundled) test, or else from the working directory, to the
// nearest package.json.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface FixtureLine {
  note: string;
  frame: string;
}

function rootAbove(from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The repository root above the running test, else above the working directory. */
export function repoRoot(): string {
  const root = rootAbove(__dirname) ?? rootAbove(process.cwd());
  if (root === undefined) throw new Error(`no repository root above ${__dirname} or ${process.cwd()}`);
  return root;
}

/** The shared fixture file beside the repository (may be absent: a clone on its own). */
export const SHARED_FIXTURE_FRAMES_PATH = (): string => resolve(repoRoot(), '../shared/fixtures/ayla-frames.jsonl');
/** The repository's copy of it. */
export const COPIED_FIXTURE_FRAMES_PATH = (): string => resolve(repoRoot(), 'test/fixtures/ayla-frames.jsonl');

/** The shared file when it is there, else the copy. */
export const FIXTURE_FRAMES_PATH = (): string => (existsSync(SHARED_FIXTURE_FRAMES_PATH()) ? SHARED_FIXTURE_FRAMES_PATH() : COPIED_FIXTURE_FRAMES_PATH());

/** Every non-empty line of the fixture file, parsed (fails the test on a line that is not `{note, frame}`). */
export function readFixtureFrames(path: string = FIXTURE_FRAMES_PATH()): FixtureLine[] {
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
  return lines.map((line, i) => {
    const parsed = JSON.parse(line) as Partial<FixtureLine>;
    if (typeof parsed.frame !== 'string' || typeof parsed.note !== 'string') throw new Error(`fixture line ${i + 1} is not {note, frame}`);
    return { note: parsed.note, frame: parsed.frame };
  });
}
