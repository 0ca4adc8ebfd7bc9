import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastJson } from './helpers/cli.js';
import { runBuilt } from './helpers/built-cli.js';
import { startTestPostgres } from './helpers/pg.js';
import { makeTempDir } from './helpers/tmp.js';

// `buff runs list --where` (the server's ?where= syntax, parsed by the registry's
// parseRunMetricFilter) and `--symbol` in any case, through the built `buff`, on the fs registry
// and on PostgreSQL (BUFF_REQUIRE_PG=1 makes a missing PostgreSQL a failure).

const TIMEOUT = 240_000;
const temp = makeTempDir('buff-cli-runs-filter-');
const server = await startTestPostgres();
afterAll(async () => {
  await server?.stop();
  temp.cleanup();
});

const config = (name: string, fast: number, slow: number) => {
  const file = join(temp.dir, `${name}.yml`);
  writeFileSync(
    file,
    `name: ${name}
strategy: { name: sma-cross, params: { fast: ${fast}, slow: ${slow} } }
symbols: [BTC-USD]
timeframe: 1h
window: { since: "2024-01-01T00:00:00Z", until: "2024-01-15T00:00:00Z" }
data: { provider: synthetic, synthetic: { seed: 9, signal: 0.3 } }
`,
  );
  return file;
};
const data = ['--data-root', join(temp.dir, 'data')];
type Listed = { total: number; items: Array<{ id: string; metrics: Record<string, number> }>; others: unknown[] };

async function listed(registry: string[], args: string[]): Promise<Listed> {
  const result = await runBuilt(['runs', 'list', ...registry, ...args, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return lastJson<Listed>(result.stdout);
}

/** Builds two runs with different params into `registry`, then checks the filters on them. */
async function checkFilters(registry: string[]): Promise<void> {
  for (const [name, fast, slow] of [
    ['quick', 3, 12],
    ['steady', 10, 40],
  ] as const) {
    const built = await runBuilt(['run', 'build', '--config', config(name, fast, slow), ...registry, ...data]);
    expect(built.code, built.stderr).toBe(0);
  }
  const all = await listed(registry, []);
  expect(all.total).toBe(2);
  const [low, high] = [...all.items].sort((x, y) => (x.metrics.sharpe ?? 0) - (y.metrics.sharpe ?? 0));
  expect(low?.metrics.sharpe).not.toBe(high?.metrics.sharpe);
  const cut = (((low?.metrics.sharpe ?? 0) + (high?.metrics.sharpe ?? 0)) / 2).toFixed(6);
  expect((await listed(registry, ['--where', `sharpe>${cut}`])).items.map((r) => r.id)).toEqual([high?.id]);
  // drawdown in percent, as the server takes it: the high run's own drawdown keeps it, 1 point more drops it
  const dd = (high?.metrics.maxDrawdown ?? 0) * 100;
  const keep = await listed(registry, ['--where', `sharpe>${cut} and drawdown>=${(dd - 0.001).toFixed(4)}`]);
  expect(keep.items.map((r) => r.id)).toEqual([high?.id]);
  expect((await listed(registry, ['--where', `sharpe>${cut}, drawdown>=${(dd + 1).toFixed(4)}`])).total).toBe(0);

  expect((await listed(registry, ['--symbol', 'btc-usd'])).total).toBe(2);
  expect((await listed(registry, ['--symbol', 'Btc-Usd', '--where', `sharpe>${cut}`])).total).toBe(1);
  const human = await runBuilt(['runs', 'list', ...registry, '--where', `sharpe>${cut}`]);
  expect(human.stdout).toContain(high?.id);
  expect(human.stdout).not.toContain(low?.id);

  const bad = await runBuilt(['runs', 'list', ...registry, '--where', 'sharpe>>1']);
  expect(bad.code).toBe(3);
  expect(bad.stderr).toContain('metric filter "sharpe>>1"');
}

describe('buff runs list --where and --symbol in any case (built bundle)', () => {
  let pgUrl: string | undefined;
  beforeAll(async () => {
    pgUrl = await server?.createDatabase();
  });

  it('on the fs registry', () => checkFilters(['--runs-root', join(temp.dir, 'fs')]), TIMEOUT);

  it.skipIf(!server)(
    'on the PostgreSQL registry (the filters run as SQL)',
    () => checkFilters(['--runs-root', join(temp.dir, 'pg'), '--driver', 'postgres', '--pg-url', pgUrl as string]),
    TIMEOUT,
  );
});
