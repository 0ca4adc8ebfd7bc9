import { timeframeMs, type IngestOptionsInput } from '@buff/core';
import type { BarsFileWriter } from './arrow/bars-file-writer.js';
import type { ReadTuning } from './csv/parse-csv.js';
import { commaCopyOfSemicolonCsv } from './csv/semicolon-csv.js';
import { streamCsv } from './csv/stream-csv.js';
import { parseIngestOptions } from './rules/parse-options.js';
import { RowRuleStream } from './rules/row-stream.js';
import { finishStreamedRows } from './rules/streamed-report.js';
import { createTimestampParser } from './time/parse-timestamp.js';
import { ingestStreamed, type IngestResult, type IngestTargets, type StreamedRead } from './store/store-ingest.js';

/** Options of {@link ingestCsv}: the ingest options plus where to write. */
export type IngestCsvOptions = IngestOptionsInput & IngestTargets;

/**
 * Ingests a CSV of bars (header `timestamp,open,high,low,close,volume`, any column order) into
 * canonical bars: every rule of DESIGN.md "Ingest rules" is checked and fails closed with a
 * BuffError naming the rule, file, line and value. The file streams through: each block of rows
 * is checked against the rows before it and written as Arrow record batches while the rest is
 * read (memory is set by the block size, not the file), the content id, quality report and gaps
 * are computed on the way. On success the table goes to the dataset store (`dataRoot`:
 * `<symbol>/dataset.json` naming the 1m table and the quality report) and/or to an Arrow IPC file
 * (`out`), each committed atomically; on failure nothing is written.
 * @example
 * const { quality, dataset } = await ingestCsv('xrp_eth_1m.csv', { symbol: 'XRP-ETH', allowGaps: true, dataRoot: 'data' });
 * quality.gapCount; // 676
 */
export async function ingestCsv(path: string, options: IngestCsvOptions & ReadTuning): Promise<IngestResult> {
  const { dataRoot, out, chunkBytes, parallelBytes, blockBytes, ...input } = options;
  const parsed = parseIngestOptions(input);
  return ingestStreamed(parsed, { kind: 'csv', path }, { dataRoot, out }, (writer) =>
    streamCsvInto(path, input, { chunkBytes, parallelBytes, blockBytes }, writer),
  );
}

async function streamCsvInto(
  path: string,
  input: IngestOptionsInput,
  tuning: ReadTuning,
  writer: BarsFileWriter,
): Promise<StreamedRead> {
  const options = parseIngestOptions(input);
  const timestamps = await createTimestampParser({
    format: options.timestampFormat,
    timezone: options.timezone,
    ambiguous: options.ambiguous,
  });
  const rules = {
    timeframeMs: timeframeMs(options.timeframe),
    allowGaps: options.allowGaps,
    placeOf: (index: number, column?: string) => ({
      file: path,
      line: index + 2,
      ...(column === undefined ? {} : { column }),
    }),
  };
  const rows = new RowRuleStream(rules);
  // a semicolon-separated file is read through a comma copy (same lines); its hash is the original's
  const copy = commaCopyOfSemicolonCsv(path);
  const read = await streamCsv(
    copy?.path ?? path,
    { file: path, columnMap: options.columnMap, timestamps, rowRules: rules, ...defined(tuning) },
    ({ bars, tsInt64, checked }) => {
      rows.check(bars, checked);
      writer.append(bars, 0, bars.ts.length, tsInt64);
    },
  ).finally(() => copy?.cleanup());
  const finished = finishStreamedRows(rows, { ...options, path, kind: 'csv', sourceColumns: read.sourceColumns });
  return { ...finished, sourceSha256: copy?.sha256 ?? read.sha256 };
}

function defined(tuning: ReadTuning): ReadTuning {
  return Object.fromEntries(Object.entries(tuning).filter(([, value]) => value !== undefined));
}
