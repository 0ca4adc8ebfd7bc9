import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/cli.js';

// The dry-run runtime's files import one another without a loop (dry-run.ts and open-session.ts
// once did: the options type now lives in dry-run-options.ts, below both).
const DIR = join(REPO_ROOT, 'packages/engine/src/dryrun');

/** Relative imports (type-only too) of each source file of the folder, as file names in it. */
function importGraph(): Map<string, string[]> {
  const files = readdirSync(DIR).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'));
  const pattern = /(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
  return new Map(
    files.map((name) => {
      const text = readFileSync(join(DIR, name), 'utf8');
      const targets = [...text.matchAll(pattern)]
        .map((m) => resolve(DIR, (m[1] ?? m[2]) as string).replace(/\.js$/, '.ts'))
        .filter((path) => dirname(path) === DIR)
        .map((path) => path.slice(DIR.length + 1));
      return [name, targets];
    }),
  );
}

/** The first import loop found (depth-first), as the files on it, or undefined. */
function findLoop(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const walk = (file: string, path: string[]): string[] | undefined => {
    if (state.get(file) === 'open') return [...path.slice(path.indexOf(file)), file];
    if (state.get(file) === 'done') return undefined;
    state.set(file, 'open');
    for (const next of graph.get(file) ?? []) {
      const loop = walk(next, [...path, file]);
      if (loop) return loop;
    }
    state.set(file, 'done');
    return undefined;
  };
  for (const file of graph.keys()) {
    const loop = walk(file, []);
    if (loop) return loop;
  }
  return undefined;
}

describe('dry-run runtime imports', () => {
  it('form no loop', () => {
    const graph = importGraph();
    expect(graph.get('open-session.ts')).toContain('dry-run-options.ts');
    expect(findLoop(graph)).toBeUndefined();
    // the checker itself finds a loop when there is one
    expect(findLoop(new Map([...graph, ['dry-run-options.ts', ['dry-run.ts']]]))).toBeDefined();
  });
});
