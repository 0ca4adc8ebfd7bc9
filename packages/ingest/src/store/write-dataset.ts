import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import {
  BuffError,
  DatasetManifestSchema,
  QualityReportSchema,
  SymbolSchema,
  TIMEFRAMES,
  canonicalJsonPretty,
  fsyncDir,
  parseOrThrow,
  sha256ChunksOffThread,
  sha256Hex,
  sweepStaleTemps,
  tempPathFor,
  timeframeMs,
  writeArtifactFile,
  type Bars,
  type DatasetManifest,
  type DatasetTable,
  type QualityReport,
  type Timeframe,
  type WrittenArtifact,
} from '@buff/core';
import { barsToTable, ipcToBars, readBarsTable } from './bars-table.js';
import { tableToIpcChunks } from './ipc-chunks.js';
import { MANIFEST_FILE, QUALITY_FILE, datasetDir, tableFileName, validateSymbol } from './dataset-paths.js';
import { resample } from './resample.js';

/** What {@link writeDataset} stores. `derivedFrom` defaults to the symbol's 1m content id for derived tables. */
export interface WriteDatasetInput {
  symbol: string;
  timeframe: Timeframe;
  bars: Bars;
  /**
   * The quality report, or a function that checks the bars and returns it: it runs on this thread
   * while the table's bytes are written and hashed elsewhere, and when it throws nothing is stored.
   */
  quality?: QualityReport | (() => QualityReport);
  source: DatasetManifest['source'];
  ingestOptions?: Record<string, unknown>;
  derivedFrom?: string;
  includePartial?: boolean;
}

/**
 * Stores a (symbol, timeframe) table as `<dataRoot>/<symbol>/<timeframe>.arrow` and records it in
 * `dataset.json` (content id = sha256 of the Arrow bytes). Every file is staged to a temp file
 * first, then renamed, `dataset.json` last; on any failure the temp files (and folders this call
 * created) are removed. Writing 1m starts the dataset afresh: its derived tables (and a quality
 * report not given again) are removed. A derived table needs the 1m table. `tsInt64`: `bars.ts`
 * as Int64 ms when the caller has them (the two-thread CSV reader writes them from `ts` as it
 * reads): stored as given, neither converted again nor checked (the caller vouches for them).
 * @example await writeDataset('data', { symbol: 'BTC-USD', timeframe: '1m', bars, source: { kind: 'synthetic' } });
 */
export async function writeDataset(
  dataRoot: string,
  input: WriteDatasetInput,
  tsInt64?: BigInt64Array,
): Promise<DatasetTable> {
  const dir = datasetDir(dataRoot, input.symbol);
  validateSymbol(input.symbol);
  const base = input.timeframe === '1m' ? undefined : await readDatasetManifest(dataRoot, input.symbol);
  const derivedFrom = base ? (input.derivedFrom ?? base.tables['1m']?.contentId) : undefined;

  checkColumnLengths(input.bars, input.symbol);
  const created = mkdirSync(dir, { recursive: true });
  sweepStaleTemps(dir); // temp tables of killed ingests (up to ~100 MB each)
  const staged: Array<{ temp: string; path: string }> = [];
  let table: Promise<WrittenArtifact> | undefined;
  let dataset: DatasetTable;
  let quality: QualityReport | undefined;
  try {
    // The Arrow bytes stream to their temp file (and are fsynced) on the thread pool as the writer
    // emits them, hashed on the hash worker when one runs (else here), while this thread checks.
    const tablePath = join(dir, tableFileName(input.timeframe));
    const tableTemp = tempPathFor(tablePath);
    staged.push({ temp: tableTemp, path: tablePath });
    table = writeArtifactFile(dir, basename(tableTemp), await tableToIpcChunks(barsToTable(input.bars, tsInt64)));
    table.catch(() => undefined); // awaited below, also after a failure
    const report = typeof input.quality === 'function' ? input.quality() : input.quality;
    const gapCount = checkAscending(input.bars, input.symbol, timeframeMs(input.timeframe));
    quality =
      report === undefined ? undefined : parseOrThrow(QualityReportSchema, report, 'INVALID_INPUT', 'quality report');
    if (quality) stageSmallFile(staged, join(dir, QUALITY_FILE), `${canonicalJsonPretty(quality)}\n`);
    const { sha256, bytes } = (await table).entry;
    dataset = describeTable(
      input.bars,
      input.timeframe,
      { sha256, bytes, gapCount },
      derivedFrom,
      base ? input.includePartial : undefined,
    );
    const manifest: DatasetManifest = base
      ? { ...base, tables: sortTables({ ...base.tables, [input.timeframe]: dataset }) }
      : {
          schemaVersion: 1,
          symbol: input.symbol,
          source: input.source,
          ingestOptions: input.ingestOptions ?? {},
          tables: { '1m': dataset },
        };
    parseOrThrow(DatasetManifestSchema, manifest, 'INVALID_INPUT', 'dataset manifest');
    stageSmallFile(staged, join(dir, MANIFEST_FILE), `${canonicalJsonPretty(manifest)}\n`);
    for (const { temp, path } of staged) renameSync(temp, path);
    fsyncDir(dir);
  } catch (err) {
    await table?.catch(() => undefined); // no write left running into a removed file
    for (const { temp } of staged) rmSync(temp, { force: true });
    if (created !== undefined) rmSync(created, { recursive: true, force: true });
    throw err;
  }

  if (!base) {
    for (const timeframe of TIMEFRAMES.slice(1)) rmSync(join(dir, tableFileName(timeframe)), { force: true });
    if (!quality) rmSync(join(dir, QUALITY_FILE), { force: true });
  }
  return dataset;
}

/** Writes a small file's temp (fsynced) and adds it to `staged`. */
function stageSmallFile(staged: Array<{ temp: string; path: string }>, path: string, data: string): void {
  const temp = tempPathFor(path);
  staged.push({ temp, path });
  writeTempFile(temp, Buffer.from(data, 'utf8'));
}

/**
 * Reads a stored table, verifying the sha256 of its bytes against `dataset.json`.
 * DATASET_NOT_FOUND when absent, CORRUPT_ARTIFACT when the bytes do not match.
 * @example const { bars, table } = await readBars('data', 'BTC-USD', '1h');
 */
export async function readBars(
  dataRoot: string,
  symbol: string,
  timeframe: Timeframe,
): Promise<{ bars: Bars; table: DatasetTable }> {
  const { path, bytes, table } = await readTableBytes(dataRoot, symbol, timeframe);
  checkContentId(path, sha256Hex(bytes), table);
  return { bars: ipcToBars(bytes, path), table };
}

/** A stored table read ahead of its hash check: `verified` settles when the sha256 is known. */
export interface UnverifiedBars {
  bars: Bars;
  table: DatasetTable;
  /** Resolves when the bytes match `dataset.json`, rejects with CORRUPT_ARTIFACT when they do not. Await it before trusting anything computed from `bars`. */
  verified: Promise<void>;
  /** The ts column's Int64 values as stored (a view of the bytes read), when the table is one record batch. */
  tsInt64: BigInt64Array | undefined;
}

/**
 * {@link readBars} with the sha256 check running on the hash worker (core's
 * `sha256ChunksOffThread`, over the very bytes the bars are views of, in shared memory) while the
 * caller works with the bars: a run builder simulates meanwhile and awaits `verified` before it
 * writes anything.
 * Bytes that do not even parse reject with CORRUPT_ARTIFACT once their hash is known.
 * @example const { bars, verified } = await readBarsVerifiedLater('data', 'BTC-USD', '1m'); work(bars); await verified;
 */
export async function readBarsVerifiedLater(
  dataRoot: string,
  symbol: string,
  timeframe: Timeframe,
): Promise<UnverifiedBars> {
  const { path, table } = await findTable(dataRoot, symbol, timeframe);
  const fd = openTable(path);
  let bytes: Uint8Array;
  try {
    bytes = readShared(fd, path);
  } catch (err) {
    throw unreadable(path, err);
  } finally {
    closeSync(fd);
  }
  // The very bytes parsed below are hashed, on the hash worker (shared memory: no copy).
  const verified = sha256ChunksOffThread([bytes]).then(
    (actual) => checkContentId(path, actual, table),
    (err: unknown) => {
      throw unreadable(path, err);
    },
  );
  verified.catch(() => undefined); // the caller may fail before it awaits this
  let bars: Bars;
  let tsInt64: BigInt64Array | undefined;
  try {
    ({ bars, tsInt64 } = readBarsTable(tableFromIPC(bytes), path));
  } catch (err) {
    await verified; // a hash mismatch is the better message
    throw err;
  }
  return { bars, table, verified, tsInt64 };
}

/**
 * A whole file read into shared memory (one synchronous read): the hash worker and the Arrow
 * columns (views of these bytes) use it without a copy.
 */
function readShared(fd: number, path: string): Uint8Array {
  const size = fstatSync(fd).size;
  const bytes = new Uint8Array(new SharedArrayBuffer(size));
  for (let offset = 0; offset < size; ) {
    const read = readSync(fd, bytes, offset, size - offset, offset);
    if (read === 0) throw new Error(`${path} ended at byte ${offset} of ${size} while it was read`);
    offset += read;
  }
  return bytes;
}

/** The bytes of a stored table, read in one synchronous call (the thread pool would only add round trips). */
async function readTableBytes(
  dataRoot: string,
  symbol: string,
  timeframe: Timeframe,
): Promise<{ path: string; bytes: Buffer; table: DatasetTable }> {
  const { path, table } = await findTable(dataRoot, symbol, timeframe);
  try {
    return { path, bytes: readFileSync(path), table };
  } catch (err) {
    throw unreadable(path, err);
  }
}

/** The table of (symbol, timeframe) in dataset.json and its file; DATASET_NOT_FOUND when not stored. */
async function findTable(
  dataRoot: string,
  symbol: string,
  timeframe: Timeframe,
): Promise<{ path: string; table: DatasetTable }> {
  const manifest = await readDatasetManifest(dataRoot, symbol);
  const table = manifest.tables[timeframe];
  if (!table) {
    throw new BuffError(
      'DATASET_NOT_FOUND',
      `no ${timeframe} table for ${symbol} (have: ${Object.keys(manifest.tables).join(' ')})`,
      {
        details: { key: 'timeframe', value: timeframe },
      },
    );
  }
  return { path: join(datasetDir(dataRoot, symbol), table.file), table };
}

function openTable(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (err) {
    throw unreadable(path, err);
  }
}

function unreadable(path: string, err: unknown): BuffError {
  return new BuffError('CORRUPT_ARTIFACT', `${path}: listed in ${MANIFEST_FILE} but unreadable`, {
    cause: err,
    details: { file: path },
  });
}

function checkContentId(path: string, actual: string, table: DatasetTable): void {
  if (actual !== table.contentId) {
    throw new BuffError(
      'CORRUPT_ARTIFACT',
      `${path}: sha256 ${actual.slice(0, 12)} does not match ${MANIFEST_FILE} ${table.contentId.slice(0, 12)}`,
      {
        details: { file: path, rule: 'CONTENT_ID', value: actual, expected: table.contentId },
      },
    );
  }
}

/**
 * Reads and validates `<dataRoot>/<symbol>/dataset.json`.
 * @example (await readDatasetManifest('data', 'BTC-USD')).tables['1m']?.rows
 */
export async function readDatasetManifest(dataRoot: string, symbol: string): Promise<DatasetManifest> {
  const path = join(datasetDir(dataRoot, symbol), MANIFEST_FILE);
  const text = await readFile(path, 'utf8').catch((err: unknown) => {
    throw new BuffError('DATASET_NOT_FOUND', `no dataset for symbol ${symbol} under ${dataRoot}`, {
      cause: err,
      details: { file: path, value: symbol },
    });
  });
  return parseJsonFile(path, text, (value) => DatasetManifestSchema.parse(value));
}

/**
 * Reads `<dataRoot>/<symbol>/quality.json`, or undefined when the dataset has none.
 * @example const report = await readQualityReport('data', 'BTC-USD');
 */
export async function readQualityReport(dataRoot: string, symbol: string): Promise<QualityReport | undefined> {
  const path = join(datasetDir(dataRoot, symbol), QUALITY_FILE);
  if (!existsSync(path)) return undefined;
  return parseJsonFile(path, await readFile(path, 'utf8'), (value) => QualityReportSchema.parse(value));
}

/**
 * Every dataset under the root, sorted by symbol (an absent root has none).
 * @example for (const m of await listDatasets('data')) console.log(m.symbol);
 */
export async function listDatasets(dataRoot: string): Promise<DatasetManifest[]> {
  const entries = await readdir(dataRoot, { withFileTypes: true }).catch(() => []);
  const symbols = entries
    .filter(
      (entry) =>
        entry.isDirectory() &&
        SymbolSchema.safeParse(entry.name).success &&
        existsSync(join(dataRoot, entry.name, MANIFEST_FILE)),
    )
    .map((entry) => entry.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const manifests: DatasetManifest[] = [];
  for (const symbol of symbols) manifests.push(await readDatasetManifest(dataRoot, symbol));
  return manifests;
}

/**
 * The stored table with this content id, if any.
 * @example const hit = await findTableByContentId('data', run.inputs[0].contentId);
 */
export async function findTableByContentId(
  dataRoot: string,
  contentId: string,
): Promise<{ symbol: string; table: DatasetTable } | undefined> {
  for (const manifest of await listDatasets(dataRoot)) {
    for (const table of Object.values(manifest.tables)) {
      if (table.contentId === contentId) return { symbol: manifest.symbol, table };
    }
  }
  return undefined;
}

/**
 * Resamples the stored 1m table and stores the result as a derived table.
 * @example await resampleDataset('data', 'BTC-USD', '1h');
 */
export async function resampleDataset(
  dataRoot: string,
  symbol: string,
  timeframe: Timeframe,
  options: { includePartial?: boolean } = {},
): Promise<DatasetTable> {
  if (timeframe === '1m') {
    throw new BuffError('INVALID_INPUT', 'resample needs a timeframe above 1m', {
      details: { key: 'timeframe', value: timeframe },
    });
  }
  const { bars, table } = await readBars(dataRoot, symbol, '1m');
  const includePartial = options.includePartial ?? false;
  const resampled = resample(bars, timeframe, { includePartial, sourceTimeframe: '1m' });
  const manifest = await readDatasetManifest(dataRoot, symbol);
  return writeDataset(dataRoot, {
    symbol,
    timeframe,
    bars: resampled,
    source: manifest.source,
    derivedFrom: table.contentId,
    includePartial,
  });
}

function describeTable(
  bars: Bars,
  timeframe: Timeframe,
  file: { sha256: string; bytes: number; gapCount: number },
  derivedFrom?: string,
  includePartial?: boolean,
): DatasetTable {
  const rows = bars.ts.length;
  const { sha256, bytes, gapCount } = file;
  return {
    timeframe,
    file: tableFileName(timeframe),
    contentId: sha256,
    bytes,
    rows,
    first: rows ? new Date(bars.ts[0] as number).toISOString() : null,
    last: rows ? new Date(bars.ts[rows - 1] as number).toISOString() : null,
    gapCount,
    ...(derivedFrom === undefined ? {} : { derivedFrom }),
    ...(includePartial === undefined ? {} : { includePartial }),
  };
}

function sortTables(tables: Record<string, DatasetTable>): Record<string, DatasetTable> {
  const sorted: Record<string, DatasetTable> = {};
  for (const timeframe of TIMEFRAMES) {
    const table = tables[timeframe];
    if (table) sorted[timeframe] = table;
  }
  return sorted;
}

function checkColumnLengths(bars: Bars, symbol: string): void {
  const n = bars.ts.length;
  for (const column of ['open', 'high', 'low', 'close', 'volume'] as const) {
    if (bars[column].length !== n) {
      throw new BuffError('INVALID_INPUT', `${symbol}: column ${column} has ${bars[column].length} rows, ts has ${n}`, {
        details: { column },
      });
    }
  }
}

/** Checks that ts are integer ms, strictly ascending (every writer, not only an ingest), and counts the gaps (steps above `stepMs`) in the same pass. */
function checkAscending(bars: Bars, symbol: string, stepMs: number): number {
  const n = bars.ts.length;
  let gaps = 0;
  for (let i = 0; i < n; i++) {
    const t = bars.ts[i] as number;
    const step = i > 0 ? t - (bars.ts[i - 1] as number) : 1;
    if (!Number.isInteger(t) || !(step > 0)) {
      throw new BuffError(
        'UNORDERED_TIMESTAMP',
        `${symbol}: ts must be integer ms, strictly ascending (bar ${i}: ${t})`,
        {
          details: { index: i, value: String(t), rule: 'UNORDERED_TIMESTAMP' },
        },
      );
    }
    if (step > stepMs) gaps++;
  }
  return gaps;
}

/** Writes a small temp file and fsyncs it. */
function writeTempFile(temp: string, bytes: Uint8Array): void {
  const fd = openSync(temp, 'w');
  try {
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function parseJsonFile<T>(path: string, text: string, parse: (value: unknown) => T): T {
  try {
    return parse(JSON.parse(text));
  } catch (err) {
    throw new BuffError(
      'CORRUPT_ARTIFACT',
      `${path}: not a valid ${path.endsWith(QUALITY_FILE) ? 'quality report' : 'dataset manifest'}`,
      {
        cause: err,
        details: { file: path, issues: (err as { issues?: unknown }).issues },
      },
    );
  }
}
