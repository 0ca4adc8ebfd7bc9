import { open, type FileHandle } from 'node:fs/promises';
import { AsyncRecordBatchFileReader, RecordBatchReader, Table, type RecordBatch } from 'apache-arrow';
import { type Bars, type DatasetTable, firstIndexAtOrAfter, sliceBars, type Timeframe } from '@buff/core';
import { sha256FileOffThread } from '@buff/core/io';
import { readBarsTable } from '../arrow/bars-table.js';
import { readWindowColumns } from './read-columns.js';
import { unreadable } from './read-manifest.js';
import { checkContentId, findTable } from './table-file.js';

/** A `[from, to)` window of bar times (epoch ms); an absent end is open. */
export interface BarsWindow {
  from?: number | undefined;
  to?: number | undefined;
}

/** One record batch of a stored table as bars, cut to the window, with its ts as stored (Int64 ms). */
export interface BarBatch {
  bars: Bars;
  tsInt64: BigInt64Array;
}

/** A stored table opened for reading batch by batch. */
export interface OpenedTable {
  table: DatasetTable;
  path: string;
  /**
   * Settles when the sha256 of the whole file (read on the hash worker, in pieces, while the
   * batches are read here) matches `dataset.json`; rejects with CORRUPT_ARTIFACT otherwise.
   */
  verified: Promise<void>;
  /**
   * The batches that hold bars of the window, in order, each cut to it. A batch before the window
   * is found by a binary search over the file's blocks, and reading stops at the first batch past
   * it: a window reads only its batches (and the few the search looks at). Call it once: the
   * file is closed when it is done and the hash is known.
   */
  batches(): AsyncGenerator<BarBatch>;
  /**
   * The window's bars as one set of columns read straight from the file ({@link readWindowColumns}),
   * then the file is closed as by batches(); undefined (the file left open for batches()) when the
   * file is not the plain layout Buff writes. Call one of the two.
   */
  columns(): Promise<BarBatch | undefined>;
  /** Closes the file (once the hash is known) without reading the batches; batches() does it when done. */
  close(): void;
}

/**
 * Opens the file that dataset.json names for (symbol, timeframe) as an Arrow IPC file reader over
 * a file handle: nothing is read beyond the footer until a batch is asked for. A re-ingest that
 * committed between the manifest's read and the open has removed that file: the manifest is read
 * again. DATASET_NOT_FOUND when not stored, CORRUPT_ARTIFACT when unreadable.
 * @example const opened = await openTableBatches('data', 'BTC-USD', '1m', { from, to }); for await (const { bars } of opened.batches()) use(bars); await opened.verified;
 */
export async function openTableBatches(
  dataRoot: string,
  symbol: string,
  timeframe: Timeframe,
  window: BarsWindow = {},
): Promise<OpenedTable> {
  const { handle, path, table } = await openHandle(dataRoot, symbol, timeframe);
  // The worker reads the very file this handle holds open, even if a re-ingest unlinks the path.
  const hashPath = process.platform === 'linux' ? `/proc/self/fd/${handle.fd}` : path;
  const verified = sha256FileOffThread(hashPath).then(
    (actual) => checkContentId(path, actual, table),
    (err: unknown) => {
      throw unreadable(path, err);
    },
  );
  verified.catch(() => undefined); // the caller may fail before it awaits this
  let reader: AsyncRecordBatchFileReader;
  try {
    const opened = await RecordBatchReader.from(handle);
    if (!(opened instanceof AsyncRecordBatchFileReader)) throw new Error('not an Arrow IPC file');
    reader = await opened.open();
  } catch (err) {
    // The hash is read from the handle: wait for it before closing, and prefer its message.
    await verified.finally(() => handle.close().catch(() => undefined));
    throw unreadable(path, err);
  }
  let closed = false;
  // The hash worker reads through this handle: it is closed once the hash is known.
  const close = () => {
    if (closed) return;
    closed = true;
    void verified.catch(() => undefined).then(() => handle.close().catch(() => undefined));
  };
  const columns = async () => {
    let read: BarBatch | undefined;
    try {
      read = await readWindowColumns(handle, reader, window);
    } catch (err) {
      close();
      await verified; // a hash mismatch is the better message
      throw unreadable(path, err);
    }
    if (read !== undefined) close();
    return read;
  };
  return { table, path, verified, batches: () => windowBatches(reader, path, window, verified, close), columns, close };
}

/**
 * Every batch of a stored table in the window, verified: the generator checks the content id
 * after the last batch (a consumer that stops early is not told about a mismatch).
 * @example for await (const { bars } of readBarBatches('data', 'BTC-USD', '1m', { from })) total += bars.ts.length;
 */
export async function* readBarBatches(
  dataRoot: string,
  symbol: string,
  timeframe: Timeframe,
  window: BarsWindow = {},
): AsyncGenerator<BarBatch> {
  const opened = await openTableBatches(dataRoot, symbol, timeframe, window);
  yield* opened.batches();
  await opened.verified;
}

async function* windowBatches(
  reader: AsyncRecordBatchFileReader,
  path: string,
  window: BarsWindow,
  verified: Promise<void>,
  close: () => void,
): AsyncGenerator<BarBatch> {
  const from = window.from ?? -Infinity;
  const to = window.to ?? Infinity;
  try {
    const count = reader.numRecordBatches;
    let index = from === -Infinity ? 0 : await firstBatchReaching(reader, path, count, from, verified);
    for (; index < count; index++) {
      const batch = await readBatch(reader, index, path, verified);
      const n = batch.bars.ts.length;
      if (n === 0) continue;
      if ((batch.bars.ts[0] as number) >= to) break;
      const start = from === -Infinity ? 0 : firstIndexAtOrAfter(batch.bars.ts, from);
      const end = to === Infinity ? n : firstIndexAtOrAfter(batch.bars.ts, to);
      if (end > start) yield start === 0 && end === n ? batch : cutBatch(batch, start, end);
      if (end < n) break;
    }
  } finally {
    close();
  }
}

/** Index of the first batch whose last bar is at or after `from` (batches are in time order). */
async function firstBatchReaching(
  reader: AsyncRecordBatchFileReader,
  path: string,
  count: number,
  from: number,
  verified: Promise<void>,
): Promise<number> {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const { ts } = (await readBatch(reader, mid, path, verified)).bars;
    if (ts.length > 0 && (ts[ts.length - 1] as number) < from) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

async function readBatch(
  reader: AsyncRecordBatchFileReader,
  index: number,
  path: string,
  verified: Promise<void>,
): Promise<BarBatch> {
  let batch: RecordBatch | null;
  try {
    batch = await reader.readRecordBatch(index);
    if (batch === null) throw new Error(`record batch ${index} is missing`);
    const { bars, tsInt64 } = readBarsTable(new Table(batch), path);
    if (tsInt64 === undefined) throw new Error(`record batch ${index} has no ts values`);
    return { bars, tsInt64 };
  } catch (err) {
    await verified; // a hash mismatch is the better message
    throw unreadable(path, err);
  }
}

function cutBatch({ bars, tsInt64 }: BarBatch, start: number, end: number): BarBatch {
  return { bars: sliceBars(bars, start, end), tsInt64: tsInt64.subarray(start, end) };
}

/** Opens the table's file, reading the manifest again when a re-ingest removed it meanwhile. */
async function openHandle(
  dataRoot: string,
  symbol: string,
  timeframe: Timeframe,
): Promise<{ handle: FileHandle; path: string; table: DatasetTable }> {
  for (let attempt = 1; ; attempt++) {
    const { path, table } = await findTable(dataRoot, symbol, timeframe);
    try {
      return { handle: await open(path, 'r'), path, table };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt === 3) throw unreadable(path, err);
    }
  }
}
