import type { Bars, DatasetTable, Timeframe } from '@buff/core';
import { sharedArray } from '@buff/core/io';
import { openTableBatches, type BarBatch, type BarsWindow } from './read-batches.js';

export { readDatasetManifest, readQualityReport } from './read-manifest.js';

/**
 * Reads a stored table, or the bars of a `[from, to)` window of it (only the record batches that
 * hold them are read), verifying the sha256 of the file against `dataset.json`.
 * DATASET_NOT_FOUND when absent, CORRUPT_ARTIFACT when the bytes do not match.
 * @example const { bars, table } = await readBars('data', 'BTC-USD', '1h', { from: Date.parse('2024-01-01') });
 */
export async function readBars(
  dataRoot: string,
  symbol: string,
  timeframe: Timeframe,
  window: BarsWindow = {},
): Promise<{ bars: Bars; table: DatasetTable }> {
  const { bars, table, verified } = await readBarsVerifiedLater(dataRoot, symbol, timeframe, window);
  await verified;
  return { bars, table };
}

/** A stored table read ahead of its hash check: `verified` settles when the sha256 is known. */
export interface UnverifiedBars {
  bars: Bars;
  table: DatasetTable;
  /** Resolves when the bytes match `dataset.json`, rejects with CORRUPT_ARTIFACT when they do not. Await it before trusting anything computed from `bars`. */
  verified: Promise<void>;
  /** The ts column's Int64 values as stored (same indices as `bars`). */
  tsInt64: BigInt64Array | undefined;
}

/**
 * {@link readBars} with the sha256 check running on the hash worker (core's
 * `sha256FileOffThread`, over the file the batches are read from) while the caller works with the
 * bars: a run builder simulates meanwhile and awaits `verified` before it writes anything. The
 * columns are read from the file straight into their arrays (`readWindowColumns`); a file not in
 * Buff's plain layout is read through Arrow's record batches and joined.
 * Bytes that do not even parse reject with CORRUPT_ARTIFACT once their hash is known.
 * @example const { bars, verified } = await readBarsVerifiedLater('data', 'BTC-USD', '1m'); work(bars); await verified;
 */
export async function readBarsVerifiedLater(
  dataRoot: string,
  symbol: string,
  timeframe: Timeframe,
  window: BarsWindow = {},
): Promise<UnverifiedBars> {
  const opened = await openTableBatches(dataRoot, symbol, timeframe, window);
  const whole = window.from === undefined && window.to === undefined;
  const direct = await opened.columns();
  const { bars, tsInt64 } = direct ?? (await collectBatches(opened.batches(), whole ? opened.table.rows : undefined));
  return { bars, table: opened.table, verified: opened.verified, tsInt64 };
}

/**
 * The batches as one set of columns: one batch is returned as it is (views, no copy); more are
 * copied into columns of `rows` (when known, allocated before the first copy: the batches are
 * dropped as they are copied) or of their total. ts Int64 in shared memory, as the writers want it.
 */
async function collectBatches(batches: AsyncIterable<BarBatch>, rows: number | undefined): Promise<BarBatch> {
  const held: BarBatch[] = [];
  let out: BarBatch | undefined;
  let at = 0;
  for await (const batch of batches) {
    if (out === undefined && rows !== undefined && batch.bars.ts.length === rows) return batch;
    if (rows === undefined) {
      held.push(batch);
      continue;
    }
    out ??= allocateBatch(rows);
    at = copyInto(out, batch, at);
  }
  if (out !== undefined) return at === rows ? out : cut(out, at);
  if (held.length === 1) return held[0] as BarBatch;
  const total = held.reduce((sum, batch) => sum + batch.bars.ts.length, 0);
  const joined = allocateBatch(total);
  held.reduce((offset, batch) => copyInto(joined, batch, offset), 0);
  return joined;
}

function allocateBatch(rows: number): BarBatch {
  const column = () => new Float64Array(rows);
  return {
    bars: { ts: column(), open: column(), high: column(), low: column(), close: column(), volume: column() },
    tsInt64: sharedArray(BigInt64Array, rows),
  };
}

function copyInto(out: BarBatch, batch: BarBatch, at: number): number {
  for (const key of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) out.bars[key].set(batch.bars[key], at);
  out.tsInt64.set(batch.tsInt64, at);
  return at + batch.bars.ts.length;
}

function cut(batch: BarBatch, rows: number): BarBatch {
  const bars = {} as Bars;
  for (const key of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const)
    bars[key] = batch.bars[key].subarray(0, rows);
  return { bars, tsInt64: batch.tsInt64.subarray(0, rows) };
}
