import type { IngestOptionsInput } from '@buff/core';
import { readCsvForIngest } from './csv/parse-csv.js';
import { parseIngestOptions } from './rules/parse-options.js';
import { storeIngest, type IngestResult, type IngestTargets } from './store/store-ingest.js';

/** Options of {@link ingestCsv}: the ingest options plus where to write. */
export type IngestCsvOptions = IngestOptionsInput & IngestTargets;

/**
 * Ingests a CSV of bars (header `timestamp,open,high,low,close,volume`, any column order) into
 * canonical bars: every rule of DESIGN.md "Ingest rules" is checked and fails closed with a
 * BuffError naming the rule, file, line and value. On success the bars go to the dataset store
 * (`dataRoot`: `<symbol>/dataset.json` naming the 1m table and the quality report) and/or to an Arrow IPC file
 * (`out`), each written atomically; on failure nothing is written.
 * @example
 * const { quality, dataset } = await ingestCsv('xrp_eth_1m.csv', { symbol: 'XRP-ETH', allowGaps: true, dataRoot: 'data' });
 * quality.gapCount; // 676
 */
export async function ingestCsv(path: string, options: IngestCsvOptions): Promise<IngestResult> {
  const { dataRoot, out, ...input } = options;
  // The row rules and the quality report run while the table is written (nothing stays if they fail).
  const read = await readCsvForIngest(path, input);
  const { bars, tsInt64, finish, sourceSha256 } = read;
  return storeIngest(
    { bars, tsInt64, check: finish, sourceSha256 },
    parseIngestOptions(input),
    { kind: 'csv', path },
    { dataRoot, out },
  );
}
