import { BuffError, type Bars, type Timeframe } from '@buff/core';
import { CSV_HEADER, csvLines, csvWriter } from './export/csv-encoder.js';
import { ExportSink } from './export/export-sink.js';
import { parquetWriter } from './export/parquet-encoder.js';
import { openTableBatches } from './store/read-batches.js';

export { barsToParquet } from './export/parquet-encoder.js';

/** Formats {@link exportDataset} writes. */
export const EXPORT_FORMATS = ['csv', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Options of {@link exportDataset}. */
export interface ExportOptions {
  symbol: string;
  timeframe: Timeframe;
  format: ExportFormat;
  out: string;
}

/** What an export wrote. */
export interface ExportResult {
  out: string;
  format: ExportFormat;
  rows: number;
  bytes: number;
  sha256: string;
  /** Content id of the stored table the export came from. */
  contentId: string;
}

/**
 * Writes a stored table as CSV (`timestamp,open,high,low,close,volume`, ISO UTC times, numbers
 * that round-trip) or Parquet (`ts` INT64 TIMESTAMP(millis, UTC), doubles), atomically, for
 * pandas, polars and DuckDB users. The table streams through: each record batch is encoded and
 * written to a temp file as it is read (memory holds a batch and, for Parquet, one row group);
 * the temp file is renamed into place only once the table's bytes matched their content id.
 * @example await exportDataset('data', { symbol: 'BTC-USD', timeframe: '5m', format: 'parquet', out: 'btc_5m.parquet' });
 */
export async function exportDataset(dataRoot: string, options: ExportOptions): Promise<ExportResult> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(options.format)) {
    throw new BuffError(
      'INVALID_INPUT',
      `export format "${String(options.format)}" (known: ${EXPORT_FORMATS.join(' ')})`,
      {
        details: { key: 'format', value: String(options.format) },
      },
    );
  }
  const opened = await openTableBatches(dataRoot, options.symbol, options.timeframe);
  let sink: ExportSink;
  try {
    sink = new ExportSink(options.out);
  } catch (err) {
    opened.close();
    throw err;
  }
  let rows = 0;
  try {
    const encoder = encoderOf(options.format, sink);
    for await (const { bars } of opened.batches()) {
      encoder.push(bars);
      rows += bars.ts.length;
    }
    encoder.finish();
    await opened.verified; // nothing is exported from bytes that do not match their content id
    const { sha256, bytes } = sink.commit();
    return { out: options.out, format: options.format, rows, bytes, sha256, contentId: opened.table.contentId };
  } catch (err) {
    sink.abort();
    throw err;
  }
}

function encoderOf(format: ExportFormat, sink: ExportSink): { push(bars: Bars): void; finish(): void } {
  const write = (data: Uint8Array | string) => sink.write(data);
  if (format === 'parquet') return parquetWriter(write);
  return { push: csvWriter(write), finish: () => undefined };
}

/**
 * Bars as CSV text with ISO UTC timestamps; `String(n)` keeps every double exact on re-read.
 * @example barsToCsv(bars).split('\n')[0] // 'timestamp,open,high,low,close,volume'
 */
export function barsToCsv(bars: Bars): string {
  return CSV_HEADER + csvLines(bars, 0, bars.ts.length);
}
