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
            if (spec.split('/').length > 2) problems.push(`${file}: deep import ${spec} (use the package's index)`);
          }
          if (/packages\/[a-z]+\/src/.test(spec) || /^\.\.\/\.\.\/\.\.\//.test(spec))
            problems.push(`${file}: reaches into another package: ${spec}`);
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it('engine imports only the inference entry of ml, never its training', () => {
    const srcDir = join(REPO_ROOT, 'packages', 'engine', 'src');
    const offenders = sourceFiles(srcDir).filter((file) => /from\s*['"]@buff\/ml['"]/.test(readFileSync(file, 'utf8')));
    for (const file of offenders) {
      expect(readFileSync(file, 'utf8')).not.toMatch(/\btrain(Model|Lstm|Transformer)?\b/);
    }
  });
});
