import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import {
  BuffError,
  DatasetManifestSchema,
  QualityReportSchema,
  sha256Hex,
  type Bars,
  type DatasetManifest,
  type DatasetTable,
  type QualityReport,
  type Timeframe,
} from '@buff/core';
import { sha256ChunksOffThread } from '@buff/core/io';
import { ipcToBars, readBarsTable } from '../arrow/bars-table.js';
import { MANIFEST_FILE, QUALITY_FILE, datasetDir } from './dataset-paths.js';

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
  const { fd, path, table } = await openTable(dataRoot, symbol, timeframe);
  let bytes: Buffer;
  try {
    bytes = readFileSync(fd);
  } catch (err) {
    throw unreadable(path, err);
  } finally {
    closeSync(fd);
  }
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
  const { fd, path, table } = await openTable(dataRoot, symbol, timeframe);
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

/**
 * Opens the file that dataset.json names for (symbol, timeframe). A re-ingest that committed
 * between the manifest's read and the open has removed that file: the manifest is read again
 * (it names the new file). Once open, the file stays readable whatever a writer does.
 */
async function openTable(
  dataRoot: string,
  symbol: string,
  timeframe: Timeframe,
): Promise<{ fd: number; path: string; table: DatasetTable }> {
  for (let attempt = 1; ; attempt++) {
    const { path, table } = await findTable(dataRoot, symbol, timeframe);
    try {
      return { fd: openSync(path, 'r'), path, table };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt === 3) throw unreadable(path, err);
    }
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
      { details: { key: 'timeframe', value: timeframe } },
    );
  }
  return { path: join(datasetDir(dataRoot, symbol), table.file), table };
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
      { details: { file: path, rule: 'CONTENT_ID', value: actual, expected: table.contentId } },
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
  return parseJsonFile(path, 'dataset manifest', text, (value) => DatasetManifestSchema.parse(value));
}

/**
 * The quality report that `<dataRoot>/<symbol>/dataset.json` names (checked against its sha256),
 * or undefined when the dataset has none or is not stored. A dataset written before reports were
 * named by content keeps its `quality.json`.
 * @example const report = await readQualityReport('data', 'BTC-USD');
 */
export function readQualityReport(dataRoot: string, symbol: string): Promise<QualityReport | undefined> {
  return readQuality(dataRoot, symbol, 1);
}

async function readQuality(dataRoot: string, symbol: string, attempt: number): Promise<QualityReport | undefined> {
  const manifest = await readDatasetManifest(dataRoot, symbol).catch((err: unknown) => {
    if (err instanceof BuffError && err.code === 'DATASET_NOT_FOUND') return undefined;
    throw err;
  });
  if (manifest === undefined) return undefined;
  const path = join(datasetDir(dataRoot, symbol), manifest.quality?.file ?? QUALITY_FILE);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw unreadable(path, err);
    if (manifest.quality === undefined) return undefined;
    // A re-ingest committed since the manifest was read: read the report its manifest names.
    if (attempt < 3) return readQuality(dataRoot, symbol, attempt + 1);
    throw unreadable(path, err);
  }
  if (manifest.quality !== undefined && sha256Hex(bytes) !== manifest.quality.sha256) {
    throw new BuffError('CORRUPT_ARTIFACT', `${path}: sha256 does not match ${MANIFEST_FILE}`, {
      details: { file: path, rule: 'CONTENT_ID', expected: manifest.quality.sha256 },
    });
  }
  return parseJsonFile(path, 'quality report', bytes.toString('utf8'), (value) => QualityReportSchema.parse(value));
}

function parseJsonFile<T>(path: string, what: string, text: string, parse: (value: unknown) => T): T {
  try {
    return parse(JSON.parse(text));
  } catch (err) {
    throw new BuffError('CORRUPT_ARTIFACT', `${path}: not a valid ${what}`, {
      cause: err,
      details: { file: path, issues: (err as { issues?: unknown }).issues },
    });
  }
}
