import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, BUILT_CLI_BIN, BUILT_CLI_INDEX, runBuilt } from './helpers/built-cli.js';
import { makeTempDir } from './helpers/tmp.js';

// bin/buff.js runs dist/index.cjs with the V8 code cache `npm run build` records (load-bundle.js).
// V8 itself only compares a cache's source length, so a cache left from other bytes of the same
// length would run stale code: the loader checks the sha256 the cache starts with.

const TEXT = 'strict ingest of candles into the dataset store';
const temp = makeTempDir('buff-code-cache-test-');
afterAll(() => temp.cleanup());

/** A copy of bin/ and dist/ in a temp folder (--help needs no external package), with `edit` applied to the bundle. */
function copyCli(name: string, edit: (bundle: string) => string): { bin: string; bundle: string } {
  const root = join(temp.dir, name);
  cpSync(dirname(BUILT_CLI_BIN), join(root, 'bin'), { recursive: true });
  cpSync(dirname(BUILT_CLI_INDEX), join(root, 'dist'), { recursive: true });
  const bundle = join(root, 'dist/index.cjs');
  writeFileSync(bundle, edit(readFileSync(bundle, 'utf8')));
  return { bin: join(root, 'bin/buff.js'), bundle };
}

/** `bin --help` fails under BUFF_CODE_CACHE=require saying `why`, and runs with BUFF_CODE_CACHE=on; returns that help. */
async function refusedThenRun(bin: string, why: string): Promise<string> {
  const strict = await runBuilt(['--help'], { bin });
  expect(strict.code).not.toBe(0);
  expect(strict.stderr).toContain(why);
  const loose = await runBuilt(['--help'], { bin, env: { BUFF_CODE_CACHE: 'on' } });
  expect(loose.code, loose.stderr).toBe(0);
  return loose.stdout;
}

describe('the CLI code cache (packages/cli/bin/load-bundle.js)', () => {
  it('is valid for the built bundle: BUFF_CODE_CACHE=require runs', async () => {
    assertCliBuilt();
    const result = await runBuilt(['--help']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(TEXT);
  });

  it('is not used for a bundle whose bytes changed but not its length: the new code runs', async () => {
    const changed = TEXT.toUpperCase();
    const { bin, bundle } = copyCli('edited', (source) => {
      expect(source.split(TEXT).length, 'the help text occurs once in the bundle').toBe(2);
      return source.replace(TEXT, changed);
    });
    expect(readFileSync(bundle, 'utf8').length).toBe(readFileSync(BUILT_CLI_INDEX, 'utf8').length);
    const help = await refusedThenRun(bin, 'was made from other bytes');
    expect(help).toContain(changed);
    expect(help).not.toContain(TEXT);
  });

  it('falls back to compiling when V8 rejects the cache, and says so under BUFF_CODE_CACHE=require', async () => {
    const { bin, bundle } = copyCli('rejected', (source) => source);
    const cache = readFileSync(`${bundle}.v8cache`);
    cache.fill(7, 32 + 8, 32 + 64); // past the sha256: V8's own header
    writeFileSync(`${bundle}.v8cache`, cache);
    expect(await refusedThenRun(bin, 'V8 rejected')).toContain(TEXT);
    const off = await runBuilt(['--help'], { bin, env: { BUFF_CODE_CACHE: 'off' } });
    expect(off.code, off.stderr).toBe(0);
  });
});
