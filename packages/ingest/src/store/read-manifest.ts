import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BuffError,
  DatasetManifestSchema,
  QualityReportSchema,
  sha256Hex,
  type DatasetManifest,
  type QualityReport,
} from '@buff/core';
import { MANIFEST_FILE, QUALITY_FILE, datasetDir } from './dataset-paths.js';

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

/** CORRUPT_ARTIFACT for a file the manifest lists that cannot be read or parsed. */
export function unreadable(path: string, err: unknown): BuffError {
  return new BuffError('CORRUPT_ARTIFACT', `${path}: listed in ${MANIFEST_FILE} but unreadable`, {
    cause: err,
    details: { file: path },
  });
}
