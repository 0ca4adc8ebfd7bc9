import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  BuffError,
  DatasetManifestSchema,
  TIMEFRAMES,
  canonicalJsonPretty,
  parseOrThrow,
  sweepStaleTemps,
  tempPathFor,
  timeframeMs,
  type Bars,
  type DatasetManifest,
  type DatasetTable,
  type Timeframe,
} from '@buff/core';
import { BarsFileWriter } from './arrow/bars-file-writer.js';
import { Resampler } from './resample-stream.js';
import { isGap } from './rules/gaps.js';
import { commitDataset } from './store/commit-dataset.js';
import { MANIFEST_FILE, datasetDir, tableFileName } from './store/dataset-paths.js';
import { openTableBatches } from './store/read-batches.js';
import { readDatasetManifest } from './store/read-manifest.js';

/**
 * Resamples the stored 1m table and stores the result as a derived table, batch by batch: each
 * record batch of the 1m file is read, resampled (the open bucket carried to the next batch) and
 * its buckets appended to the new table's temp file, so memory holds a batch, not the table. The
 * bytes are those a one-shot resample and write gives; the table is committed (dataset.json
 * renamed last) only once the 1m bytes matched their content id. CONFLICT when the 1m table was
 * replaced meanwhile.
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
  const includePartial = options.includePartial ?? false;
  const resampler = new Resampler(timeframe, { includePartial, sourceTimeframe: '1m' });
  const opened = await openTableBatches(dataRoot, symbol, '1m');
  const dir = datasetDir(dataRoot, symbol);
  sweepStaleTemps(dir);
  const temps = [tempPathFor(join(dir, `${timeframe}.arrow`))];
  let writer: BarsFileWriter | undefined;
  try {
    writer = new BarsFileWriter(temps[0] as string);
    const span = new TableSpan(timeframeMs(timeframe));
    for await (const { bars } of opened.batches()) span.append(writer, resampler.push(bars));
    span.append(writer, resampler.finish());
    const { sha256, bytes } = writer.finish();
    writer = undefined;
    await opened.verified;
    const derivedFrom = opened.table.contentId;
    const table: DatasetTable = {
      timeframe,
      file: tableFileName(timeframe, sha256),
      contentId: sha256,
      bytes,
      ...span.describe(),
      derivedFrom,
      includePartial,
    };
    const base = await readDatasetManifest(dataRoot, symbol);
    if (base.tables['1m']?.contentId !== derivedFrom) {
      throw new BuffError(
        'CONFLICT',
        `the 1m table of ${symbol} was replaced while ${timeframe} was resampled from it`,
        {
          details: { key: 'symbol', value: symbol, rule: 'CONTENT_ID' },
        },
      );
    }
    const manifest: DatasetManifest = { ...base, tables: withTable(base.tables, table) };
    parseOrThrow(DatasetManifestSchema, manifest, 'INVALID_INPUT', 'dataset manifest');
    const manifestTemp = tempPathFor(join(dir, MANIFEST_FILE));
    temps.push(manifestTemp);
    writeSmallFile(manifestTemp, `${canonicalJsonPretty(manifest)}\n`);
    const named = new Set(Object.values(manifest.tables).map((entry) => entry.file));
    if (manifest.quality !== undefined) named.add(manifest.quality.file);
    commitDataset(dir, [{ temp: temps[0] as string, name: table.file }], manifestTemp, named);
    return table;
  } catch (err) {
    writer?.abort();
    opened.close();
    for (const temp of temps) rmSync(temp, { force: true });
    throw err;
  }
}

/** Rows, first and last times and gaps of a table, counted as its bars are appended (checked ascending). */
class TableSpan {
  private rows = 0;
  private first = 0;
  private last = 0;
  private gaps = 0;

  constructor(private readonly stepMs: number) {}

  append(writer: BarsFileWriter, bars: Bars): void {
    const { ts } = bars;
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i] as number;
      if (this.rows > 0 && isGap(t - this.last, this.stepMs)) this.gaps++;
      if (this.rows === 0) this.first = t;
      this.last = t;
      this.rows++;
    }
    writer.append(bars);
  }

  describe(): Pick<DatasetTable, 'rows' | 'first' | 'last' | 'gapCount'> {
    const iso = (ms: number) => (this.rows > 0 ? new Date(ms).toISOString() : null);
    return { rows: this.rows, first: iso(this.first), last: iso(this.last), gapCount: this.gaps };
  }
}

/** `tables` with `table` set, in the order of TIMEFRAMES (as every manifest lists them). */
function withTable(tables: DatasetManifest['tables'], table: DatasetTable): DatasetManifest['tables'] {
  const all: DatasetManifest['tables'] = { ...tables, [table.timeframe]: table };
  const sorted: DatasetManifest['tables'] = {};
  for (const timeframe of TIMEFRAMES) {
    const entry = all[timeframe];
    if (entry) sorted[timeframe] = entry;
  }
  return sorted;
}

/** Writes a small temp file and fsyncs it. */
function writeSmallFile(path: string, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  const fd = openSync(path, 'w');
  try {
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
