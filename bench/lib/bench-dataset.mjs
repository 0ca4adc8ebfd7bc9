// The synthetic store the run-builder and sweep benchmarks share: one symbol of seeded 1m bars
// (seed 11, signal 0.1, from 2024-01-01) in a dataset store, and an sma-cross run config over all of it.
import { mkdirSync, rmSync } from 'node:fs';

export const BENCH_SYMBOL = 'BENCH-USD';
const START = '2024-01-01T00:00:00.000Z';

/** Empties `dir` (a benchmark's scratch folder) and creates it again. */
export function freshDir(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

/**
 * Writes `rows` synthetic 1m bars of BENCH-USD into the dataset store at `dataRoot` through `ingest`
 * (the @buff/ingest module, built or from source), and returns them with the window they span.
 */
export async function writeBenchDataset(ingest, dataRoot, rows) {
  const bars = ingest.synthesizeBars({ days: rows / 1440, seed: 11, signal: 0.1, symbol: BENCH_SYMBOL, start: START });
  await ingest.writeDataset(dataRoot, { symbol: BENCH_SYMBOL, timeframe: '1m', bars, source: { kind: 'synthetic' } });
  const until = new Date(bars.ts[bars.ts.length - 1] + 60_000).toISOString();
  return { bars, window: { since: START, until } };
}

/** A run config of `sma-cross` (params) on BENCH-USD 1m from the store, ftmo-2step, fees 10 bps, slippage 2 bps. */
export function smaCrossConfig(name, params, window) {
  return {
    name,
    strategy: { name: 'sma-cross', params },
    symbols: [BENCH_SYMBOL],
    timeframe: '1m',
    window,
    data: { provider: 'store' },
    fees: { feeBps: 10, slippageBps: 2 },
    guardrails: { preset: 'ftmo-2step' },
  };
}
