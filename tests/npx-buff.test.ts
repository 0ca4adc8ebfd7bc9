import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { assertCliBuilt } from './helpers/built-cli.js';
import { REPO_ROOT } from './helpers/cli.js';
import { makeTempDir } from './helpers/tmp.js';

const run = promisify(execFile);
const cache = makeTempDir('buff-npx-cache-');
afterAll(cache.cleanup);

describe('npx buff in the repository', () => {
  it('runs the workspace bin (node_modules/.bin/buff) without installing the repo into the npx cache', async () => {
    assertCliBuilt();
    // A root "bin" named buff makes npm exec install the repo into its cache and build it there
    // (libnpmexec: "self-execution of a local bin"); the workspace @buff/cli already links the bin.
    const root = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin?: unknown };
    expect(root.bin).toBeUndefined();
    // An empty npm cache, offline: installing anything would fail; `--no` refuses any install prompt.
    const { stdout } = await run('npx', ['--no', '--offline', 'buff', '--help'], {
      cwd: REPO_ROOT,
      env: { ...process.env, npm_config_cache: cache.dir, BUFF_LOG_LEVEL: 'warn' },
    });
    expect(stdout).toContain('buff <command>');
    expect(existsSync(join(cache.dir, '_npx'))).toBe(false);
  }, 120_000);
});
