import { join } from 'node:path';
import { BuffError, type DatasetTable, type Timeframe } from '@buff/core';
import { MANIFEST_FILE, datasetDir } from './dataset-paths.js';
import { readDatasetManifest } from './read-manifest.js';

/**
 * The table of (symbol, timeframe) in dataset.json and its file; DATASET_NOT_FOUND when not stored.
 * @example const { path, table } = await findTable('data', 'BTC-USD', '1m');
 */
export async function findTable(
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

/** Throws CORRUPT_ARTIFACT when a table file's sha256 is not the content id the manifest records. */
export function checkContentId(path: string, actual: string, table: DatasetTable): void {
  if (actual !== table.contentId) {
    throw new BuffError(
      'CORRUPT_ARTIFACT',
      `${path}: sha256 ${actual.slice(0, 12)} does not match ${MANIFEST_FILE} ${table.contentId.slice(0, 12)}`,
      { details: { file: path, rule: 'CONTENT_ID', value: actual, expected: table.contentId } },
    );
  }
}
