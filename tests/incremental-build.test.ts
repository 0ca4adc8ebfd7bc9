import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/cli.js';
import { makeTempDir } from './helpers/tmp.js';

const run = promisify(execFile);
const BUILD = join(REPO_ROOT, 'scripts/build.mjs');
const tmp = makeTempDir('buff-incremental-');
afterAll(tmp.cleanup);
const at = (...parts: string[]) => join(tmp.dir, ...parts);

// Each package's build copies src/ into dist/ and appends its name to builds.log at the root.
const BUILD_SCRIPT = `import { appendFileSync, cpSync, rmSync } from 'node:fs';
rmSync('dist', { recursive: true, force: true });
cpSync('src', 'dist', { recursive: true });
appendFileSync('../../builds.log', process.env.npm_package_name + '\\n');
`;

function writePackage(dir: string, name: string, dependencies: Record<string, string> = {}): void {
  mkdirSync(at(dir, 'src'), { recursive: true });
  writeFileSync(
    at(dir, 'package.json'),
    JSON.stringify({ name, version: '1.0.0', scripts: { build: 'node build.mjs' }, dependencies }),
  );
  writeFileSync(at(dir, 'build.mjs'), BUILD_SCRIPT);
  writeFileSync(at(dir, 'src/index.js'), `export const name = '${name}';\n`);
}

/** Runs the build in the fake workspace; returns the packages it built (in order). */
async function build(...args: string[]): Promise<string[]> {
  writeFileSync(at('builds.log'), '');
  await run(process.execPath, [BUILD, ...args], { cwd: tmp.dir });
  return readFileSync(at('builds.log'), 'utf8').split('\n').filter(Boolean);
}

beforeAll(() => {
  writeFileSync(
    at('package.json'),
    JSON.stringify({ name: 'fake', private: true, workspaces: ['packages/a', 'packages/b'] }),
  );
  writeFileSync(at('package-lock.json'), '{"lockfileVersion":3}\n');
  writePackage('packages/a', '@fake/a');
  writePackage('packages/b', '@fake/b', { '@fake/a': '1.0.0' });
});

describe('scripts/build.mjs (npm run build, run by prepare on every install)', () => {
  it('builds every package once, then skips all of them while nothing changed', async () => {
    expect(await build()).toEqual(['@fake/a', '@fake/b']);
    expect(await build()).toEqual([]);
    // Same bytes, new mtime (a checkout, a copy): still up to date.
    utimesSync(at('packages/a/src/index.js'), new Date(), new Date(Date.now() + 60_000));
    writeFileSync(at('packages/a/src/index.test.ts'), 'tests are not build inputs\n');
    expect(await build()).toEqual([]);
    await expect(build('--check')).resolves.toEqual([]);
  }, 120_000);

  it('rebuilds a package whose sources changed, and the packages that depend on it', async () => {
    writeFileSync(at('packages/b/src/index.js'), "export const name = 'b2';\n");
    expect(await build()).toEqual(['@fake/b']);
    writeFileSync(at('packages/a/src/index.js'), "export const name = 'a2';\n");
    expect(await build()).toEqual(['@fake/a', '@fake/b']);
    expect(readFileSync(at('packages/b/dist/index.js'), 'utf8')).toContain('b2');
  }, 120_000);

  it('rebuilds when dist/ is not what the last build wrote, when the lock file changes, and on --force', async () => {
    rmSync(at('packages/b/dist/index.js'));
    expect(await build()).toEqual(['@fake/b']);
    writeFileSync(at('packages/a/dist/index.js'), 'edited by hand\n');
    expect(await build()).toEqual(['@fake/a']);
    writeFileSync(at('package-lock.json'), '{"lockfileVersion":3,"packages":{}}\n');
    await expect(build('--check')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('@fake/a, @fake/b'),
    });
    expect(await build()).toEqual(['@fake/a', '@fake/b']);
    expect(await build('--force')).toEqual(['@fake/a', '@fake/b']);
  }, 120_000);
});
