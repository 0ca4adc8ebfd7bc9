// Build a deterministic run through a run registry, then read its trades with apache-arrow.
// Usage: npx tsx examples/build-run-trades.ts [runs-root] [data-root]   (defaults: ./runs, ./data)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRun, parseRunConfig } from '@buff/engine';
import { openRunRegistry } from '@buff/registry';
import { tableFromIPC } from 'apache-arrow';

const runsRoot = process.argv[2] ?? 'runs';
const dataRoot = process.argv[3] ?? 'data';

// The config is validated by a strict schema (unknown keys are refused). The synthetic provider
// writes seeded 1m candles into the data root first, so this runs on an empty folder.
const config = parseRunConfig({
  name: 'example sma-cross BTC 1h',
  strategy: { name: 'sma-cross', params: { fast: 12, slow: 48 } },
  symbols: ['BTC-USD'],
  timeframe: '1h',
  window: { since: '2024-01-01T00:00:00Z', until: '2024-02-01T00:00:00Z' },
  data: { provider: 'synthetic', synthetic: { seed: 7, signal: 0.2 } },
  capital: { initial: 100_000 },
  fees: { feeBps: 10, slippageBps: 5 },
  guardrails: { preset: 'ftmo-2step' },
  seed: 7,
});

const registry = await openRunRegistry({ runsRoot, create: true });
try {
  // The registry is the builder's RunStore: it hands out a staging folder and publishes atomically.
  const { runId, runDir, created } = await buildRun(config, { runStore: registry, dataRoot });
  console.log(`${created ? 'built' : 'already had'} ${runId}`);

  // Artifacts are plain Arrow IPC files: any Arrow reader opens them.
  const trades = tableFromIPC(readFileSync(join(runDir, 'trades.arrow')));
  console.log(`trades.arrow: ${trades.numRows} rows; columns ${trades.schema.fields.map((f) => f.name).join(', ')}`);
  const pnl = trades.getChild('pnl')?.toArray() as Float64Array;
  const wins = pnl.filter((value) => value > 0).length;
  const metrics = JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8')) as { tradeCount: number };
  const record = await registry.get(runId);
  console.log(
    JSON.stringify({
      runId,
      created,
      trades: trades.numRows,
      wins,
      pnl: pnl.reduce((sum, value) => sum + value, 0),
      metricsTradeCount: metrics.tradeCount,
      status: record?.status,
    }),
  );
} finally {
  await registry.close();
}
