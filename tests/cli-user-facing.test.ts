import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveStrategy } from '@buff/engine';
import { lastJson } from './helpers/cli.js';
import { runBuilt } from './helpers/built-cli.js';
import { makeTempDir } from './helpers/tmp.js';

// The everyday commands a new user meets first, through the built `buff` (needs `npm run build`).

const TIMEOUT = 120_000;
const temp = makeTempDir('buff-cli-user-');
afterAll(() => temp.cleanup());

const CONFIG = `name: user-facing sma
strategy: { name: sma-cross, params: { fast: 5, slow: 20 } }
symbols: [BTC-USD]
timeframe: 1h
window: { since: "2024-01-01T00:00:00Z", until: "2024-01-11T00:00:00Z" }
data: { provider: synthetic, synthetic: { seed: 3, signal: 0.2 } }
capital: { initial: 10000 }
fees: { feeBps: 10, slippageBps: 5 }
sizing: { fraction: 1 }
allowShort: false
seed: 3
`;

describe('buff for a new user (built bundle)', () => {
  it('buff --version prints the @buff/cli package version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../packages/cli/package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    const result = await runBuilt(['--version']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(pkg.version);
  });

  it('buff strategies list shows every pack with the defaults the engine applies', async () => {
    const human = await runBuilt(['strategies', 'list']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^sma-cross: .*moving average/m);
    expect(human.stdout).toMatch(/^\s+fast\s+integer\s+10\s/m);
    const json = lastJson<{
      strategies: Array<{ name: string; params: Array<{ name: string; default?: unknown; required: boolean }> }>;
    }>((await runBuilt(['strategies', 'list', '--json'])).stdout);
    expect(json.strategies.map((s) => s.name)).toEqual([
      'donchian-breakout',
      'model-signal',
      'rsi-reversion',
      'sma-cross',
    ]);
    for (const pack of json.strategies.filter((s) => s.name !== 'model-signal')) {
      const applied = resolveStrategy({ name: pack.name, params: {} }).params;
      expect(Object.fromEntries(pack.params.map((p) => [p.name, p.default])), pack.name).toEqual(applied);
    }
    const model = json.strategies.find((s) => s.name === 'model-signal');
    expect(model?.params.find((p) => p.name === 'model')?.required).toBe(true);
  });

  it(
    'run build ends with a metrics summary, runs show prints it, run validate takes the id as runs show does',
    async () => {
      const config = join(temp.dir, 'run.yml');
      writeFileSync(config, CONFIG);
      const roots = ['--runs-root', join(temp.dir, 'runs'), '--data-root', join(temp.dir, 'data')];
      const built = await runBuilt(['run', 'build', '--config', config, ...roots]);
      expect(built.code, built.stderr).toBe(0);
      const runId = built.stdout.split('\n')[0] ?? '';
      const metrics = JSON.parse(readFileSync(join(temp.dir, 'runs', runId, 'metrics.json'), 'utf8')) as {
        totalReturn: number;
        tradeCount: number;
        maxDrawdown: number;
      };
      const returnLine = `return        ${(metrics.totalReturn * 100).toFixed(2)}%`;
      expect(built.stdout).toContain(returnLine);
      expect(built.stdout).toMatch(new RegExp(`^trades\\s+${metrics.tradeCount}\\s`, 'm'));
      expect(built.stdout).toContain(`max drawdown ${(metrics.maxDrawdown * 100).toFixed(2)}%`);

      const shown = await runBuilt(['runs', 'show', runId, '--runs-root', join(temp.dir, 'runs')]);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toContain(returnLine);
      expect(
        lastJson<{ metrics: { tradeCount: number } }>(
          (await runBuilt(['runs', 'show', runId, '--json', ...roots.slice(0, 2)])).stdout,
        ).metrics.tradeCount,
      ).toBe(metrics.tradeCount);

      const validated = await runBuilt(['run', 'validate', runId, '--runs-root', join(temp.dir, 'runs')]);
      expect(validated.code, validated.stderr).toBe(0);
      expect(validated.stderr).not.toContain('deprecated');
      const old = await runBuilt(['run', 'validate', '--run-id', runId, '--runs-root', join(temp.dir, 'runs')]);
      expect(old.code, old.stderr).toBe(0);
      expect(old.stderr).toContain(
        `--run-id is deprecated; give the id as the first argument: buff run validate ${runId}`,
      );
      const none = await runBuilt(['run', 'validate', '--runs-root', join(temp.dir, 'runs')]);
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('name the run: buff run validate ID');
    },
    TIMEOUT,
  );

  it('a flag given twice and a number flag that is not a number are usage errors (exit 2) naming the flag', async () => {
    const twice = await runBuilt(['runs', 'list', '--runs-root', 'a', '--runs-root', 'b']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('buff: --runs-root takes one value; it was given 2 times (a, b)');
    const days = await runBuilt([
      'data',
      'synth',
      '--symbol',
      'X',
      '--days',
      'abc',
      '--data-root',
      join(temp.dir, 'nan'),
    ]);
    expect(days.code).toBe(2);
    expect(days.stderr).toContain('buff: --days must be a number (got "abc")');
    const json = await runBuilt(['runs', 'list', '--limit', '1', '--limit', '2', '--json']);
    expect(lastJson(json.stdout)).toMatchObject({ ok: false, code: 'USAGE' });
  });

  it('help wraps at word boundaries', async () => {
    const help = await runBuilt(['run', '--help']);
    expect(help.code).toBe(0);
    const words = help.stdout.replace(/\s+/g, ' ');
    expect(words).toContain('same config + data = same id, nothing rewritten');
    expect(words).toContain('trades vs decisions, equity vs trades');
  });
});
