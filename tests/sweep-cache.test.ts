import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSweepConfig, runSweep } from '@buff/engine';
import { synthesizeBars, writeDataset } from '@buff/ingest';
import { openRunRegistry } from '@buff/registry';
import { makeTempDir } from './helpers/tmp.js';

// The shared indicator cache and the equity-only kernel must give the very bytes the full simulator
// gives, cell by cell: the same sweep run both ways writes identical report.json and folds.arrow.
// The base run trades both ways with fees and slippage under tight guardrails, so that daily-loss
// blocks, a position cap and a total-loss stop all happen in some cells.
let tmp: ReturnType<typeof makeTempDir>;
const START = '2024-01-01T00:00:00.000Z';

beforeAll(async () => {
  tmp = makeTempDir('buff-sweep-cache-');
  const bars = synthesizeBars({ days: 12, seed: 5, signal: 0.3, symbol: 'CACHE-USD', start: START });
  await writeDataset(join(tmp.dir, 'data'), {
    symbol: 'CACHE-USD',
    timeframe: '1m',
    bars,
    source: { kind: 'synthetic' },
  });
}, 120_000);
afterAll(() => tmp.cleanup());

const base = (guardrails: string) => `name: cache base
strategy: { name: sma-cross, params: { fast: 5, slow: 20 } }
symbols: [CACHE-USD]
timeframe: 1m
window: { since: "${START}", until: "2024-01-13T00:00:00Z" }
fees: { feeBps: 7, slippageBps: 3 }
allowShort: true
sizing: { fraction: 0.9 }
guardrails: ${guardrails}
`;

async function sweepBytes(name: string, guardrails: string, indicatorCache: boolean) {
  const dir = join(tmp.dir, `${name}-${indicatorCache ? 'cached' : 'full'}`);
  const configPath = join(tmp.dir, `${name}-sweep.yml`);
  writeFileSync(join(tmp.dir, `${name}-base.yml`), base(guardrails));
  writeFileSync(
    configPath,
    `name: ${name}\nbase: ${name}-base.yml\ngrid:\n  strategy.params.fast: [2, 3, 5, 7]\n  strategy.params.slow: [8, 13, 21, 34]\nwalkForward: { scheme: anchored, folds: 3 }\nkeep: none\n`,
  );
  const runStore = await openRunRegistry({ runsRoot: join(dir, 'runs'), create: true });
  const sweep = parseSweepConfig(readFileSync(configPath, 'utf8'), configPath);
  const result = await runSweep(sweep, { configPath, dataRoot: join(tmp.dir, 'data'), runStore, indicatorCache });
  return {
    result,
    report: readFileSync(join(result.dir, 'report.json')),
    folds: readFileSync(join(result.dir, 'folds.arrow')),
  };
}

describe('sweep indicator cache', () => {
  for (const [name, guardrails] of [
    ['tight', '{ preset: ftmo-2step, maxDailyLossPct: 0.3, maxTotalLossPct: 2, maxPositionPct: 50, trailing: true }'],
    ['none', '{ preset: none }'],
  ] as const) {
    it(`gives the full simulator's bytes (${name} guardrails)`, async () => {
      const full = await sweepBytes(name, guardrails, false);
      const cached = await sweepBytes(name, guardrails, true);
      expect(full.result.indicatorSeries).toBe(0);
      // 2, 3, 5, 7, 8, 13, 21, 34: each distinct period computed once for the 16 cells (eight series)
      expect(cached.result.indicatorSeries).toBe(8);
      expect(cached.result.report.sweepId).toBe(full.result.report.sweepId);
      expect(cached.result.report.cells).toBe(16);
      expect(cached.report.equals(full.report)).toBe(true);
      expect(cached.folds.equals(full.folds)).toBe(true);
    }, 180_000);
  }
});
