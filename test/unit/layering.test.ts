// design.md's layering: only src/extension may import 'vscode', and the simulator (the other side of
// the wire) may share wire types with src/ayla but never its client code.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = process.cwd();

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (name.endsWith('.ts')) files.push(path);
  }
  return files;
}

/** Module specifiers a file imports or requires. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)) {
    found.push(match[1] ?? match[2] ?? match[3] ?? match[4] ?? '');
  }
  return found;
}

describe('layering (design.md)', () => {
  const files = sourceFiles(join(root, 'src')).map((f) => relative(root, f));

  it('finds the source tree', () => {
    assert.ok(files.some((f) => f.startsWith('src/extension/')), 'src/extension has files');
    assert.ok(files.some((f) => f.startsWith('src/simulator/')), 'src/simulator has files');
  });

  it("imports 'vscode' only from src/extension", () => {
    const offenders = files.filter((f) => !f.startsWith('src/extension/') && importsOf(f).includes('vscode'));
    assert.deepEqual(offenders, []);
  });

  it('keeps the simulator independent of the client (wire types only)', () => {
    const offenders = files
      .filter((f) => f.startsWith('src/simulator/'))
      .flatMap((f) => importsOf(f).filter((m) => /(^|\/)ayla\//.test(m) && !/ayla\/wireTypes$/.test(m)).map((m) => `${f} → ${m}`));
    assert.deepEqual(offenders, []);
  });

  it('keeps the webview code apart from the extension host (shared message types only)', () => {
    const offenders = files
      .filter((f) => f.startsWith('src/webview/'))
      .flatMap((f) => importsOf(f).filter((m) => m === 'vscode' || /\.\.\/(extension|ayla|model|simulator)\//.test(m)).map((m) => `${f} → ${m}`));
    assert.deepEqual(offenders, []);
  });

  it('detects a vscode import when there is one (self-check of the scanner)', () => {
    const probe = join(root, 'src/extension/extension.ts');
    assert.ok(importsOf(probe).includes('vscode'));
  });
});
