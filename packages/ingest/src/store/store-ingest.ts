import {
  writeFileAtomic,
  type Bars,
  type DatasetManifest,
  type DatasetTable,
  type IngestOptions,
  type QualityReport,
} from '@buff/core';
import type { Table } from 'apache-arrow';
import { basename } from 'node:path';
import { barsToIpc, barsToTable } from '../arrow/bars-table.js';
import { storeTable } from './write-dataset.js';

/** What an ingest returns. `table` is built on first access (the store writes its own bytes). */
export interface IngestResult {
  table: Table;
  bars: Bars;
  quality: QualityReport;
  /** sha256 of the source file's bytes. */
  sourceSha256: string;
  /** The stored 1m table, when `dataRoot` was given. */
  dataset?: DatasetTable;
}

/** Where an ingest writes: the dataset store, a bare Arrow IPC file, both or neither. */
export interface IngestTargets {
  dataRoot?: string | undefined;
  out?: string | undefined;
}

/**
 * Writes bars to the targets, each atomically (temp + rename), and builds the result. `check` runs
 * the remaining rules and returns the quality report: before anything is renamed into place (while
 * the store writes the table's temp file), so a rejected file leaves nothing behind.
 * @example await storeIngest({ bars, check: () => quality, sourceSha256 }, options, { kind: 'csv', path }, { dataRoot: 'data' });
 */
export async function storeIngest(
  parsed: {
    bars: Bars;
    tsInt64?: BigInt64Array | undefined;
    check: () => QualityReport;
    sourceSha256: string;
  },
  options: IngestOptions,
  source: { kind: DatasetManifest['source']['kind']; path: string },
  targets: IngestTargets,
): Promise<IngestResult> {
  const { bars, sourceSha256 } = parsed;
  let report: QualityReport | undefined;
  const checked = (): QualityReport => (report ??= parsed.check());
  let dataset: DatasetTable | undefined;
  if (targets.dataRoot !== undefined) {
    dataset = await storeTable(
      targets.dataRoot,
      {
        symbol: options.symbol,
        timeframe: options.timeframe,
        bars,
        source: { kind: source.kind, file: basename(source.path), sha256: sourceSha256 },
        ingestOptions: { ...options },
      },
      { tsInt64: parsed.tsInt64, check: checked },
    );
  }
  const quality = checked();
  if (targets.out !== undefined) writeFileAtomic(targets.out, barsToIpc(bars));
  let table: Table | undefined;
  return {
    get table(): Table {
      table ??= barsToTable(bars);
      return table;
    },
    bars,
    quality,
    sourceSha256,
    ...(dataset === undefined ? {} : { dataset }),
  };
}
