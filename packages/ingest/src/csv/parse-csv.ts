import { basename } from 'node:path';
import { timeframeMs, type Bars, type IngestOptionsInput, type QualityReport } from '@buff/core';
import { buildQualityReport, spanOf } from '../rules/quality-report.js';
import { parseIngestOptions } from '../rules/parse-options.js';
import { createTimestampParser } from '../time/parse-timestamp.js';
import { readCsvColumns } from './read-csv.js';
import { commaCopyOfSemicolonCsv } from './semicolon-csv.js';
import { checkRows, type RowCheckOptions } from '../rules/row-rules.js';

/** Reader settings tests use: tiny chunks, and two threads for small files. */
export interface ReadTuning {
  chunkBytes?: number | undefined;
  parallelBytes?: number | undefined;
  /** Block size of a streamed read (ingestCsv); tests make it small to cross many blocks. */
  blockBytes?: number | undefined;
}

export interface ParsedCsv {
  bars: Bars;
  quality: QualityReport;
  /** sha256 of the source file's bytes. */
  sourceSha256: string;
}

/**
 * Parses and validates a CSV of bars without writing anything: every ingest rule runs, the
 * first violation throws a BuffError naming the rule, file, line and value.
 * @example const { bars, quality } = await parseCsv('xrp_eth_1m.csv', { symbol: 'XRP-ETH', allowGaps: true });
 */
export async function parseCsv(path: string, input: IngestOptionsInput & ReadTuning): Promise<ParsedCsv> {
  const read = await readCsvForIngest(path, input);
  return { bars: read.bars, quality: read.finish(), sourceSha256: read.sourceSha256 };
}

/** A CSV read with its field rules passed; `finish` runs the rest (row rules, quality report) and throws the first violation. */
export interface ReadCsv {
  bars: Bars;
  /** `bars.ts` as Int64 ms, when the read wrote it (two threads). */
  tsInt64?: BigInt64Array | undefined;
  sourceSha256: string;
  finish: () => QualityReport;
}

/**
 * The two halves of {@link parseCsv}: reads the file (field rules, and the row rules each thread
 * ran as it read), and leaves the remaining checks to `finish`, which an ingest runs while the
 * table is being written (nothing is stored when it throws).
 * @example const read = await readCsvForIngest(path, options); const quality = read.finish();
 */
export async function readCsvForIngest(path: string, input: IngestOptionsInput & ReadTuning): Promise<ReadCsv> {
  const { chunkBytes, parallelBytes, blockBytes: _blocks, ...rest } = input;
  const options = parseIngestOptions(rest);
  const timestamps = await createTimestampParser({
    format: options.timestampFormat,
    timezone: options.timezone,
    ambiguous: options.ambiguous,
  });
  const rules: RowCheckOptions = {
    timeframeMs: timeframeMs(options.timeframe),
    allowGaps: options.allowGaps,
    placeOf: (index, column) => ({ file: path, line: index + 2, ...(column === undefined ? {} : { column }) }),
  };
  // a semicolon-separated file is read through a comma copy (same lines); its hash is the original's
  const copy = commaCopyOfSemicolonCsv(path);
  const { bars, tsInt64, sha256, sourceColumns, checked } = await readCsvColumns(copy?.path ?? path, {
    file: path,
    columnMap: options.columnMap,
    timestamps,
    rowRules: rules,
    ...(chunkBytes === undefined ? {} : { chunkBytes }),
    ...(parallelBytes === undefined ? {} : { parallelBytes }),
  }).finally(() => copy?.cleanup());
  const finish = (): QualityReport => {
    const { gaps } = checkRows(bars, rules, checked);
    return buildQualityReport({
      symbol: options.symbol,
      timeframe: options.timeframe,
      source: basename(path),
      span: spanOf(bars),
      gaps,
      gapsAllowed: options.allowGaps,
      kind: 'csv',
      sourceColumns,
    });
  };
  return { bars, tsInt64, sourceSha256: copy?.sha256 ?? sha256, finish };
}
