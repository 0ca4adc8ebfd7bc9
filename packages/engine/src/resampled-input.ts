import { allocateBars, firstIndexAtOrAfter, sliceBars, type Bars, type DatasetTable, type Timeframe } from '@buff/core';
import { Resampler, openTableBatches, storedContentId, type BarsWindow } from '@buff/ingest';

/** A stored table resampled to a coarser timeframe for a run, and what it was made from. */
export interface ResampledInput {
  /** The derived bars of the window (the whole derived table was hashed, not held). */
  bars: Bars;
  /** The content id the store would give the whole derived table (resampleDataset's). */
  contentId: string;
  /** The stored table read. */
  table: DatasetTable;
  /** Settles when the stored table's bytes matched its content id; rejects with CORRUPT_ARTIFACT. */
  verified: Promise<void>;
}

/**
 * Resamples a stored table batch by batch (the finer table is never held whole): each record
 * batch goes through a {@link Resampler}, the derived bars are hashed as the store would write
 * them and only those in `window` are kept.
 * @example const { bars, contentId } = await resampleStored('data', 'BTC-USD', '1m', '1h', { from, to });
 */
export async function resampleStored(
  dataRoot: string,
  symbol: string,
  from: Timeframe,
  to: Timeframe,
  window: BarsWindow,
): Promise<ResampledInput> {
  const opened = await openTableBatches(dataRoot, symbol, from);
  const resampler = new Resampler(to, { sourceTimeframe: from });
  const hash = storedContentId.stream();
  const kept: Bars[] = [];
  const take = (bars: Bars): void => {
    hash.append(bars);
    const start = window.from === undefined ? 0 : firstIndexAtOrAfter(bars.ts, window.from);
    const end = window.to === undefined ? bars.ts.length : firstIndexAtOrAfter(bars.ts, window.to);
    if (end > start) kept.push(sliceBars(bars, start, end));
  };
  for await (const { bars } of opened.batches()) take(resampler.push(bars));
  take(resampler.finish());
  return { bars: joinBars(kept), contentId: hash.finish(), table: opened.table, verified: opened.verified };
}

const COLUMNS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;

/** The pieces' rows, in order, as one table. */
function joinBars(pieces: Bars[]): Bars {
  if (pieces.length === 1) return pieces[0] as Bars;
  const out = allocateBars(pieces.reduce((sum, piece) => sum + piece.ts.length, 0));
  let at = 0;
  for (const piece of pieces) {
    for (const column of COLUMNS) out[column].set(piece[column], at);
    at += piece.ts.length;
  }
  return out;
}
