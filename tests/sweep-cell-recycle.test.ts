import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CellDataCache, sweepCellSummaries } from '@buff/engine';
import { synthesizeBars, writeDataset } from '@buff/ingest';
import { makeTempDir } from './helpers/tmp.js';

// A worker keeps one indicator cache across a sweep's chunks and retires, after each chunk, the
// series it did not read: the next chunk computes its new series into their memory instead of
// fresh memory (issue 14 speed). Recycled arrays must give the very summaries fresh ones give.
let tmp: ReturnType<typeof makeTempDir>;
const START = '2024-01-01T00:00:00.000Z';
const UNTIL = '2024-01-04T00:00:00.000Z';

beforeAll(async () => {
  tmp = makeTempDir('buff-sweep-recycle-');
  const bars = synthesizeBars({ days: 3, seed: 9, signal: 0.2, symbol: 'RECY-USD', start: START });
  await writeDataset(join(tmp.dir, 'data'), {
    symbol: 'RECY-USD',
    timeframe: '1m',
    bars,
    source: { kind: 'synthetic' },
  });
}, 120_000);
afterAll(() => tmp.cleanup());

const config = (fast: number, slow: number) => ({
  name: 'recycle',
  strategy: { name: 'sma-cross', params: { fast, slow } },
  symbols: ['RECY-USD'],
  timeframe: '1m',
  window: { since: START, until: UNTIL },
  data: { provider: 'store' },
  fees: { feeBps: 10, slippageBps: 2 },
  guardrails: { preset: 'ftmo-2step' },
});

/** One chunk per slow value (as cellChunks groups them), the fast values inside. */
const chunks = [40, 44, 48, 52].map((slow, s) => ({
  sweepKey: 'recycle',
  walkForward: { scheme: 'rolling' as const, folds: 3 },
  cscvBlocks: 4,
  cells: [3, 5, 7].map((fast, f) => ({ cell: 3 * s + f, config: config(fast, slow) })),
}));

describe('sweepCellSummaries with one cache across chunks', () => {
  it('reuses retired series memory and returns the summaries fresh caches give', async () => {
    const data = join(tmp.dir, 'data');
    const shared: CellDataCache = {};
    const kept = [];
    for (const chunk of chunks) kept.push(await sweepCellSummaries(chunk, data, shared));
    const fresh = [];
    for (const chunk of chunks) fresh.push(await sweepCellSummaries(chunk, data, {}));
    expect(JSON.stringify(kept)).toBe(JSON.stringify(fresh));
    const cache = (await shared.evaluator)?.cache;
    // 3 fast + 4 slow series computed once each; the slow series of chunks 1-2 are retired after
    // chunks 2-3 and reused by chunks 3-4
    expect(cache?.computed).toBe(7);
    expect(cache?.reused).toBe(2);
  }, 120_000);
});
