import { canonicalJson } from '@buff/core';
import type { RunConfig, RunConfigInput } from '../run-config.js';
import { prepareRun } from '../prepare-run.js';
import { loadRunInputs } from '../run-inputs.js';
import { type CellEvaluator, cellEvaluator } from '../sweep/cell-evaluator.js';

/** The payload of a `sweep-cell` job: one cell's full run config (plain JSON) and its place in the sweep. */
export interface SweepCellPayload {
  sweepKey: string;
  cell: number;
  config: RunConfigInput;
}

/** Keeps a worker's last data load and its cell evaluator (indicator cache): the cells of one sweep share them. */
export interface CellDataCache {
  key?: string;
  evaluator?: Promise<CellEvaluator>;
}

/**
 * Simulates one sweep cell and returns its equity curve, the numbers `runSweep` computes
 * in-process (same evaluator, same data). Cells of one sweep read the same data: `cache` keeps
 * one load and one indicator cache per worker.
 * @example const equity = await sweepCellEquity(payload.config, 'data', cache);
 */
export async function sweepCellEquity(
  config: RunConfigInput | Record<string, unknown>,
  dataRoot: string,
  cache: CellDataCache = {},
  source = 'sweep cell',
): Promise<number[]> {
  // prepareRun's strict parse checks the plain JSON a job carries
  const prepared = await prepareRun(config as RunConfigInput, { source });
  const key = dataKey(prepared.config, dataRoot);
  if (cache.key !== key || !cache.evaluator) {
    cache.key = key;
    cache.evaluator = loadRunInputs(prepared.config, dataRoot).then(async (loaded) => {
      await loaded.verified;
      return cellEvaluator(loaded.bars);
    });
    cache.evaluator.catch(() => (cache.key = undefined));
  }
  const evaluate = await cache.evaluator;
  return Array.from(evaluate(prepared));
}

function dataKey(config: RunConfig, dataRoot: string): string {
  return canonicalJson([dataRoot, config.symbols, config.timeframe, config.window, config.data ?? null]);
}
