import { cpSync, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILT_CLI_BIN, BUILT_CLI_INDEX, runBuilt } from './helpers/built-cli.js';
import { REPO_ROOT, lastJson } from './helpers/cli.js';
import { makeTempDir } from './helpers/tmp.js';

// ccxt is an optional install that the built buff loads with a dynamic import only when a ccxt feed
// opens. Here it really is missing: a copy of bin/ and dist/ whose node_modules links every installed
// package except ccxt, so Node's resolver fails and importCcxt must turn that into DEPENDENCY_MISSING.
const temp = makeTempDir('buff-ccxt-missing-');
afterAll(() => temp.cleanup());

/** bin/buff.js of a CLI copy whose node_modules holds every installed package but ccxt. */
function cliWithoutCcxt(): string {
  const root = join(temp.dir, 'cli');
  cpSync(dirname(BUILT_CLI_BIN), join(root, 'packages/cli/bin'), { recursive: true });
  cpSync(dirname(BUILT_CLI_INDEX), join(root, 'packages/cli/dist'), { recursive: true });
  mkdirSync(join(root, 'node_modules'));
  for (const name of readdirSync(join(REPO_ROOT, 'node_modules'))) {
    if (name !== 'ccxt' && name !== '.bin')
      symlinkSync(join(REPO_ROOT, 'node_modules', name), join(root, 'node_modules', name));
  }
  return join(root, 'packages/cli/bin/buff.js');
}

describe('built buff without ccxt installed', () => {
  it('a ccxt dry run fails with DEPENDENCY_MISSING naming ccxt and its install, exit 3, no session written', async () => {
    const bin = cliWithoutCcxt();
    const config = join(temp.dir, 'ccxt.yml');
    writeFileSync(
      config,
      [
        'name: ccxt missing',
        'strategy: { name: model-signal, params: { model: { name: sig } } }',
        'symbols: [SIG-USDT]',
        'timeframe: 1m',
        'window: { since: "2024-01-04T00:00:00Z", until: "2024-01-04T08:00:00Z" }',
        'dryrun: { feed: ccxt, ccxt: { exchange: binance } }',
        '',
      ].join('\n'),
    );
    const runsRoot = join(temp.dir, 'runs');
    const roots = [
      '--runs-root',
      runsRoot,
      '--data-root',
      join(temp.dir, 'data'),
      '--models-root',
      join(temp.dir, 'models'),
    ];
    const r = await runBuilt(['dryrun', '--config', config, ...roots, '--json'], { bin });
    expect(r.code, r.stderr + r.stdout).toBe(3);
    expect(lastJson(r.stdout)).toEqual({
      ok: false,
      code: 'DEPENDENCY_MISSING',
      message: 'ccxt is not installed; npm install ccxt',
      details: { key: 'ccxt' },
    });
    expect(existsSync(runsRoot) ? readdirSync(runsRoot, { recursive: true }) : []).toEqual([]);

    const plain = await runBuilt(['dryrun', '--config', config, ...roots], { bin });
    expect(plain.code).toBe(3);
    expect(plain.stderr).toContain('ccxt is not installed; npm install ccxt');
  }, 120_000);
});
