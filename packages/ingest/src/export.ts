import { createRequire } from 'node:module';
import { BuffError, VALUE_COLUMNS, sha256Hex, writeFileAtomic, type Bars, type Timeframe } from '@buff/core';
import { readBars } from './store/read-dataset.js';

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
 * pandas, polars and DuckDB users.
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
  const { bars, table } = await readBars(dataRoot, options.symbol, options.timeframe);
  const data = options.format === 'csv' ? barsToCsv(bars) : barsToParquet(bars);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  writeFileAtomic(options.out, bytes);
  return {
    out: options.out,
    format: options.format,
    rows: bars.ts.length,
    bytes: bytes.length,
    sha256: sha256Hex(bytes),
    contentId: table.contentId,
  };
}

/**
 * Bars as CSV text with ISO UTC timestamps; `String(n)` keeps every double exact on re-read.
 * @example barsToCsv(bars).split('\n')[0] // 'timestamp,open,high,low,close,volume'
 */
export function barsToCsv(bars: Bars): string {
  const { ts, open, high, low, close, volume } = bars;
  const parts: string[] = ['timestamp,open,high,low,close,volume\n'];
  for (let i = 0; i < ts.length; i++) {
    parts.push(
      `${new Date(ts[i] as number).toISOString()},${numberText(open[i] as number)},${numberText(high[i] as number)},${numberText(low[i] as number)},${numberText(close[i] as number)},${numberText(volume[i] as number)}\n`,
    );
  }
  return parts.join('');
}

/** A double as text that reads back as the same double: `String(n)`, except that -0 stays `-0`. */
function numberText(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

/**
 * Bars as Parquet bytes: `ts` INT64 with logical type TIMESTAMP(MILLIS, UTC), values DOUBLE, no nulls.
 * @example writeFileSync('bars.parquet', barsToParquet(bars));
 */
export function barsToParquet(bars: Bars): Uint8Array {
  const { parquetWriteBuffer } = loadParquetWriter();
  const buffer = parquetWriteBuffer({
    columnData: [{ name: 'ts', data: bars.ts }, ...VALUE_COLUMNS.map((name) => ({ name, data: bars[name] }))],
    schema: [
      { name: 'root', num_children: 1 + VALUE_COLUMNS.length },
      {
        name: 'ts',
        type: 'INT64',
        repetition_type: 'REQUIRED',
        converted_type: 'TIMESTAMP_MILLIS',
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
      },
      ...VALUE_COLUMNS.map((name) => ({ name, type: 'DOUBLE' as const, repetition_type: 'REQUIRED' as const })),
    ],
    createdBy: 'buff (hyparquet-writer)',
  });
  return new Uint8Array(buffer);
}

/**
 * hyparquet-writer, loaded on first use: an ingest never pays for it. `require` of the ESM
 * package (Node >= 20.19) keeps {@link barsToParquet} synchronous.
 */
function loadParquetWriter(): typeof import('hyparquet-writer') {
  return createRequire(import.meta.url)('hyparquet-writer') as typeof import('hyparquet-writer');
}
