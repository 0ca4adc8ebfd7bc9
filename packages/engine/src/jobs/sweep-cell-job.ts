import { z } from 'zod';
import { canonicalJson, parseOrThrow } from '@buff/core';
import type { RunConfig, RunConfigInput } from '../run-config.js';
import { prepareRun } from '../prepare-run.js';
import { loadRunInputs } from '../run-inputs.js';
import { type CellEvaluator, cellEvaluator } from '../sweep/cell-evaluator.js';
import { type EncodedCellSummary, encodeCellSummary } from '../sweep/cell-summary-json.js';
import { segmentEdges } from '../sweep/sweep-cell-metrics.js';
import { summarizeEquity } from '../sweep/summarize-equity.js';
import { walkForwardFolds } from '../sweep/walk-forward.js';

/**
 * The payload of a `sweep-cell` job: a chunk of cells of one sweep (each its full run config as
 * plain JSON and its place in the sweep) and what a worker needs to summarise them.
 */
export const SweepCellsPayloadSchema = z
  .object({
    sweepKey: z.string(),
    walkForward: z.object({ scheme: z.enum(['rolling', 'anchored']), folds: z.number().int().min(1) }).strict(),
    cscvBlocks: z.number().int().min(2),
    cells: z
      .array(z.object({ cell: z.number().int().min(0), config: z.record(z.string(), z.unknown()) }).strict())
      .min(1),
  })
  .strict();
export type SweepCellsPayload = z.infer<typeof SweepCellsPayloadSchema>;

/**
 * Keeps a worker's last data load, its cell evaluator (indicator cache) and its returns buffer:
 * the chunks of one sweep share them (a fresh 1M-bar buffer per chunk cost ~30 ms of page faults).
 */
export interface CellDataCache {
  key?: string;
  evaluator?: Promise<CellEvaluator>;
  returns?: Float64Array;
}

/** What a chunk's caller may watch and stop. */
export interface SweepCellsControl {
  /** Called after each cell with how many of the chunk are done. */
  onCell?: (done: number, total: number) => void;
  /** Stops between cells (the job was taken back or handed back). */
  signal?: AbortSignal;
}

/**
 * Simulates a chunk of sweep cells and returns each cell's summary (walk-forward segments and CSCV
 * blocks, {@link encodeCellSummary}) in the chunk's order: the numbers `runSweep` computes
 * in-process (same evaluator, same data, same summary). Chunks of one sweep read the same data:
 * `cache` keeps one load and one indicator cache per worker; the series a chunk did not read are
 * retired after it (their memory reused). Yields between cells so heartbeats go out.
 * @example const summaries = await sweepCellSummaries(job.payload, 'data', cache);
 */
export async function sweepCellSummaries(
  payload: unknown,
  dataRoot: string,
  cache: CellDataCache = {},
  control: SweepCellsControl = {},
): Promise<EncodedCellSummary[]> {
  const chunk = parseOrThrow(SweepCellsPayloadSchema, payload, 'INVALID_INPUT', 'sweep-cell job payload');
  const out: EncodedCellSummary[] = [];
  let evaluate: CellEvaluator | undefined;
  for (const { cell, config } of chunk.cells) {
    control.signal?.throwIfAborted();
    // prepareRun's strict parse checks the plain JSON a job carries
    const prepared = await prepareRun(config as RunConfigInput, { source: `sweep ${chunk.sweepKey} cell ${cell}` });
    evaluate = await evaluatorFor(prepared.config, dataRoot, cache);
    const equity = evaluate(prepared);
    const length = Math.max(0, equity.length - 1);
    if (cache.returns?.length !== length) cache.returns = new Float64Array(length);
    const edges = segmentEdges(walkForwardFolds(length, chunk.walkForward.folds, chunk.walkForward.scheme));
    out.push(encodeCellSummary(summarizeEquity(equity, edges, chunk.cscvBlocks, cache.returns)));
    control.onCell?.(out.length, chunk.cells.length);
    await new Promise((resolve) => setImmediate(resolve));
  }
  // the series only this chunk read (its share of the long axis) make room for the next chunk's
  evaluate?.cache.retire();
  return out;
}

function evaluatorFor(config: RunConfig, dataRoot: string, cache: CellDataCache): Promise<CellEvaluator> {
  const key = canonicalJson([dataRoot, config.symbols, config.timeframe, config.window, config.data ?? null]);
  if (cache.key !== key || !cache.evaluator) {
    cache.key = key;
    cache.evaluator = loadRunInputs(config, dataRoot).then(async (loaded) => {
      await loaded.verified;
      return cellEvaluator(loaded.bars);
    });
    cache.evaluator.catch(() => (cache.key = undefined));
  }
  return cache.evaluator;
}
