import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/cli.js';

// DESIGN.md: core <- ingest, registry <- engine, ml <- cli, server. engine may import ml's inference entry only.
const ALLOWED: Record<string, string[]> = {
  core: [],
  ingest: ['core'],
  registry: ['core'],
  engine: ['core', 'ingest', 'ml'],
  ml: ['core', 'ingest'],
  cli: ['core', 'ingest', 'registry', 'engine', 'ml', 'server'],
  server: ['core', 'ingest', 'registry', 'engine', 'ml'],
};

/** Subpath exports the packages declare in their package.json `exports` (e.g. `@buff/ml/inference`), importable by name. */
const SUBPATH_ENTRIES = Object.keys(ALLOWED).flatMap((pkg) => {
  const { exports } = JSON.parse(readFileSync(join(REPO_ROOT, 'packages', pkg, 'package.json'), 'utf8')) as {
    exports: Record<string, unknown>;
  };
  return Object.keys(exports)
    .filter((key) => key !== '.')
    .map((key) => `@buff/${pkg}${key.slice(1)}`);
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|js|mjs)$/.test(name) ? [path] : [];
  });
}

function importsOf(text: string): string[] {
  const found: string[] = [];
  const pattern = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const match of text.matchAll(pattern)) found.push((match[1] ?? match[2]) as string);
  return found;
}

describe('import direction', () => {
  for (const [pkg, allowed] of Object.entries(ALLOWED)) {
    it(`@buff/${pkg} imports only ${allowed.length ? allowed.join(', ') : 'no workspace package'}`, () => {
      const srcDir = join(REPO_ROOT, 'packages', pkg, 'src');
      const problems: string[] = [];
      for (const file of sourceFiles(srcDir)) {
        for (const spec of importsOf(readFileSync(file, 'utf8'))) {
          if (spec.startsWith('@buff/')) {
            const target = spec.slice('@buff/'.length).split('/')[0] as string;
            if (target !== pkg && !allowed.includes(target)) problems.push(`${file}: imports ${spec}`);
            if (spec.split('/').length > 2 && !SUBPATH_ENTRIES.includes(spec))
              problems.push(`${file}: deep import ${spec} (use the package's index or a subpath export)`);
          }
          if (/packages\/[a-z]+\/src/.test(spec) || /^\.\.\/\.\.\/\.\.\//.test(spec))
            problems.push(`${file}: reaches into another package: ${spec}`);
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it('engine imports only the inference entry of ml (@buff/ml/inference), never its index or training', () => {
    const srcDir = join(REPO_ROOT, 'packages', 'engine', 'src');
    const mlImports = sourceFiles(srcDir).flatMap((file) =>
      importsOf(readFileSync(file, 'utf8'))
        .filter((spec) => spec === '@buff/ml' || spec.startsWith('@buff/ml/'))
        .map((spec) => `${file}: ${spec}`),
    );
    expect(mlImports.filter((line) => !line.endsWith(': @buff/ml/inference'))).toEqual([]);
    expect(mlImports.length).toBeGreaterThan(0);
  });

  it('the inference entry of ml reaches no training code', () => {
    const dir = join(REPO_ROOT, 'packages', 'ml', 'src', 'inference');
    const reached = new Set<string>();
    const visit = (file: string): void => {
      if (reached.has(file)) return;
      reached.add(file);
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.')) visit(join(file, '..', spec.replace(/\.js$/, '.ts')));
      }
    };
    visit(join(dir, 'index.ts'));
    const training = [...reached].filter((file) => /(train|train-loop|training-data|split|labels)\.ts$/.test(file));
    expect(training).toEqual([]);
    expect(reached.size).toBeGreaterThan(3);
  });
});
