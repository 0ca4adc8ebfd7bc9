import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lastJson } from './helpers/cli.js';
import { runBuilt } from './helpers/built-cli.js';
import { makeTempDir } from './helpers/tmp.js';

// One file serves a dry run and its backtest baseline (issue 12): `buff run build` (the built bundle)
// takes a config's `dryrun:` section, checks it and leaves it out of the run id and the manifest.

const TIMEOUT = 180_000;
const temp = makeTempDir('buff-dryrun-config-');
afterAll(() => temp.cleanup());

const CONFIG = `name: dry-run baseline sma
strategy: { name: sma-cross, params: { fast: 5, slow: 20 } }
symbols: [BTC-USD]
timeframe: 1h
window: { since: "2024-01-01T00:00:00Z", until: "2024-01-08T00:00:00Z" }
data: { provider: synthetic, synthetic: { seed: 5, signal: 0.2 } }
seed: 5
`;
const DRYRUN = `dryrun:
  feed: ccxt
  ccxt: { exchange: binance, pollMs: 5000 }
`;
const NOTIFY = `notify:
  console: true
  events: { dailySummary: false }
`;
const write = (name: string, text: string) => {
  const file = join(temp.dir, name);
  writeFileSync(file, text);
  return file;
};
const data = ['--data-root', join(temp.dir, 'data')];

async function build(config: string, runsRoot: string): Promise<string> {
  const result = await runBuilt(['run', 'build', '--config', config, '--runs-root', runsRoot, ...data, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return lastJson<{ runId: string }>(result.stdout).runId;
}

describe('a dry-run config as the backtest baseline (built bundle)', () => {
  it(
    'buff run build takes a dryrun: section: same run id and manifest bytes as without it; a bad section is refused',
    async () => {
      const a = join(temp.dir, 'a');
      const b = join(temp.dir, 'b');
      const plain = await build(write('plain.yml', CONFIG), a);
      const withSection = await build(write('dryrun.yml', `${CONFIG}${DRYRUN}`), b);
      expect(withSection).toBe(plain);
      const manifest = (root: string) => readFileSync(join(root, plain, 'manifest.json'), 'utf8');
      expect(manifest(b)).toBe(manifest(a));
      expect(manifest(b)).not.toContain('ccxt');
      // a notify: section (the session's notifiers and events) is checked and left out the same way
      const d = join(temp.dir, 'd');
      expect(await build(write('notify.yml', `${CONFIG}${DRYRUN}${NOTIFY}`), d)).toBe(plain);
      expect(manifest(d)).toBe(manifest(a));
      const badNotify = await runBuilt(
        ['run', 'build', '--config', write('bad-notify.yml', `${CONFIG}notify: { pigeons: true }\n`)].concat([
          '--runs-root',
          join(temp.dir, 'e'),
          ...data,
        ]),
      );
      expect(badNotify.code, badNotify.stderr).toBe(3);
      expect(badNotify.stderr).toContain('notify');

      const bad = await runBuilt([
        'run',
        'build',
        '--config',
        write('bad.yml', `${CONFIG}dryrun: { feed: carrier-pigeon }\n`),
        '--runs-root',
        join(temp.dir, 'c'),
        ...data,
      ]);
      expect(bad.code).toBe(3);
      expect(bad.stderr).toContain('dryrun.feed');
    },
    TIMEOUT,
  );
});
