// Fill a run registry with a few runs, then query it: filters, sorting and paging.
// Usage: npx tsx examples/query-registry.ts [runs-root] [data-root]   (defaults: ./runs, ./data)
import { buildRun, type RunConfigInput } from '@buff/engine';
import { openRunRegistry, type RunRecord } from '@buff/registry';

const runsRoot = process.argv[2] ?? 'runs';
const dataRoot = process.argv[3] ?? 'data';

const run = (strategy: string, params: Record<string, number>, symbol: string): RunConfigInput => ({
  name: `${strategy} ${symbol}`,
  strategy: { name: strategy, params },
  symbols: [symbol],
  timeframe: '1h',
  window: { since: '2024-01-01T00:00:00Z', until: '2024-01-15T00:00:00Z' },
  data: { provider: 'synthetic', synthetic: { seed: 7, signal: 0.2 } },
  capital: { initial: 100_000 },
  seed: 7,
});
const configs = [
  run('sma-cross', { fast: 12, slow: 48 }, 'BTC-USD'),
  run('sma-cross', { fast: 6, slow: 24 }, 'BTC-USD'),
  run('sma-cross', { fast: 12, slow: 48 }, 'ETH-USD'),
  run('rsi-reversion', {}, 'BTC-USD'),
  run('donchian-breakout', {}, 'ETH-USD'),
];

const registry = await openRunRegistry({ runsRoot, create: true });
try {
  for (const config of configs) await buildRun(config, { runStore: registry, dataRoot });

  const summary = (r: RunRecord) => `${r.id} ${r.strategy.padEnd(17)} ${r.symbols.join(',')}`;
  // Filters are ANDed; the answer holds one page of items and the total that matched.
  const smaOnBtc = await registry.list({ strategy: 'sma-cross', symbol: 'BTC-USD' });
  console.log(`sma-cross on BTC-USD: ${smaOnBtc.total}`);
  for (const r of smaOnBtc.items) console.log(`  ${summary(r)}`);

  // Pages of two, by run id: the pages together hold every run once.
  const pages: string[][] = [];
  for (let offset = 0; ; offset += 2) {
    const page = await registry.list({ sort: 'id', order: 'asc', limit: 2, offset });
    if (page.items.length === 0) break;
    pages.push(page.items.map((r) => r.id));
  }
  console.log(`pages of 2 by id: ${pages.map((p) => p.length).join(' + ')}`);

  const best = await registry.list({ sort: 'totalReturn', order: 'desc', limit: 1 });
  console.log(`best total return: ${best.items[0] === undefined ? '-' : summary(best.items[0])}`);
  const all = await registry.list({ limit: 100 });
  console.log(
    JSON.stringify({
      total: all.total,
      smaOnBtc: smaOnBtc.total,
      eth: (await registry.list({ symbol: 'ETH-USD' })).total,
      pages,
      best: best.items[0]?.id,
    }),
  );
} finally {
  await registry.close();
}
