import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/cli.js';
import { makeTempDir } from './helpers/tmp.js';

const run = promisify(execFile);
const CHECK = join(REPO_ROOT, 'scripts/check-lock.mjs');
const tmp = makeTempDir('buff-lock-');
afterAll(tmp.cleanup);

type Lock = { packages: Record<string, { optionalDependencies?: Record<string, string> }> };
const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as Lock;

describe('package-lock.json', () => {
  it('holds every platform build that rollup, esbuild, DuckDB and Biome declare (npm ci accepts it anywhere)', async () => {
    const { stdout } = await run(process.execPath, [CHECK], { cwd: REPO_ROOT });
    expect(stdout).toMatch(/holds all \d+ optional dependencies/);
    for (const [owner, platform] of [
      ['node_modules/rollup', '@rollup/rollup-darwin-arm64'],
      ['node_modules/esbuild', '@esbuild/win32-x64'],
      ['node_modules/@duckdb/node-bindings', '@duckdb/node-bindings-darwin-arm64'],
      ['node_modules/@biomejs/biome', '@biomejs/cli-win32-x64'],
    ] as const) {
      expect(Object.keys(lock.packages[owner]?.optionalDependencies ?? {})).toContain(platform);
      expect(lock.packages[`node_modules/${platform}`], platform).toBeDefined();
    }
  });

  it('the check fails and names the missing build when the lock lacks one', async () => {
    const broken = structuredClone(lock);
    delete broken.packages['node_modules/@rollup/rollup-darwin-arm64'];
    const file = join(tmp.dir, 'package-lock.json');
    writeFileSync(file, JSON.stringify(broken));
    const failed = await run(process.execPath, [CHECK, file]).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('node_modules/rollup -> @rollup/rollup-darwin-arm64');
  });
});
