import { closeSync, fsyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  BuffError,
  DatasetManifestSchema,
  QualityReportSchema,
  TIMEFRAMES,
  canonicalJsonPretty,
  parseOrThrow,
  sha256Hex,
  sweepStaleTemps,
  tempPathFor,
  timeframeMs,
  type Bars,
  type DatasetManifest,
  type DatasetTable,
  type QualityReport,
  type Timeframe,
} from '@buff/core';
import { BATCH_ROWS, BarsFileWriter } from '../arrow/bars-file-writer.js';
import { isGap } from '../rules/gaps.js';
import { spanOf, type TableSpan } from '../rules/quality-report.js';
import { commitDataset, type StagedFile } from './commit-dataset.js';
import { MANIFEST_FILE, datasetDir, qualityFileName, tableFileName, validateSymbol } from './dataset-paths.js';
import { readDatasetManifest } from './read-dataset.js';

/** What {@link writeDataset} stores. `derivedFrom` defaults to the symbol's 1m content id for derived tables. */
export interface WriteDatasetInput {
  symbol: string;
  timeframe: Timeframe;
  bars: Bars;
  /** The quality report stored with the table (dataset.json names it). */
  quality?: QualityReport;
  source: DatasetManifest['source'];
  ingestOptions?: Record<string, unknown>;
  derivedFrom?: string;
  includePartial?: boolean;
}

/**
 * Stores a (symbol, timeframe) table as `<dataRoot>/<symbol>/<timeframe>.<content id>.arrow` and
 * records it in `dataset.json` (content id = sha256 of the Arrow bytes), with the quality report
 * when given. The table is written in record batches of {@link BATCH_ROWS} rows (the ingest's
 * batches: the same bars give the same bytes whichever way they were stored), so the writer holds
 * one batch, not a second copy of the table. Every file is written to a temp file and fsynced,
 * renamed to a name of its own, and `dataset.json` is renamed into place last (the commit, see
 * commitDataset): a crash at any point leaves the old dataset or the new one, whole. On a failure
 * before the commit the temp files (and folders this call created) are removed. Writing 1m starts
 * the dataset afresh: its derived tables (and a quality report not given again) go. A derived
 * table needs the 1m table.
 * @example await writeDataset('data', { symbol: 'BTC-USD', timeframe: '1m', bars, source: { kind: 'synthetic' } });
 */
export async function writeDataset(dataRoot: string, input: WriteDatasetInput): Promise<DatasetTable> {
  const dir = datasetDir(dataRoot, input.symbol);
  validateSymbol(input.symbol);
  const base = input.timeframe === '1m' ? undefined : await readDatasetManifest(dataRoot, input.symbol);
  checkColumnLengths(input.bars, input.symbol);
  const gapCount = checkAscending(input.bars, input.symbol, timeframeMs(input.timeframe));
  const created = mkdirSync(dir, { recursive: true });
  sweepStaleTemps(dir); // temp tables of killed ingests (up to ~100 MB each)
  const tableTemp = tempPathFor(join(dir, `${input.timeframe}.arrow`));
  const temps: string[] = [tableTemp];
  let writer: BarsFileWriter | undefined;
  try {
    writer = new BarsFileWriter(tableTemp);
    writer.append(input.bars);
    const { sha256, bytes } = writer.finish();
    writer = undefined;
    const staged = { temp: tableTemp, sha256, bytes, gapCount, span: spanOf(input.bars) };
    return commitTable(dir, input, staged, base, temps);
  } catch (err) {
    writer?.abort();
    for (const temp of temps) rmSync(temp, { force: true });
    if (created !== undefined) rmSync(created, { recursive: true, force: true });
    throw err;
  }
}

/** A table written and fsynced to a temp file in its dataset folder, and what the manifest says of it. */
export interface StagedTable {
  temp: string;
  sha256: string;
  bytes: number;
  gapCount: number;
  span: TableSpan;
}

/**
 * Stages the quality report and the manifest naming a staged table, and commits them
 * (commitDataset: the manifest's rename is the switch). `base`: the manifest a derived table is added to.
 * @example commitTable(dir, { symbol, timeframe: '1m', source, quality }, staged, undefined, temps);
 */
export function commitTable(
  dir: string,
  input: Omit<WriteDatasetInput, 'bars'>,
  staged: StagedTable,
  base: DatasetManifest | undefined,
  temps: string[],
): DatasetTable {
  const derivedFrom = base ? (input.derivedFrom ?? base.tables['1m']?.contentId) : undefined;
  const files: StagedFile[] = [];
  const quality = input.quality === undefined ? undefined : stageQuality(dir, input.quality, files, temps);
  const dataset = describeTable(staged, input.timeframe, derivedFrom, base ? input.includePartial : undefined);
  files.unshift({ temp: staged.temp, name: dataset.file });
  const manifest: DatasetManifest = base
    ? {
        ...base,
        tables: sortTables({ ...base.tables, [input.timeframe]: dataset }),
        ...(quality === undefined ? {} : { quality }),
      }
    : {
        schemaVersion: 1,
        symbol: input.symbol,
        source: input.source,
        ingestOptions: input.ingestOptions ?? {},
        tables: { '1m': dataset },
        ...(quality === undefined ? {} : { quality }),
      };
  parseOrThrow(DatasetManifestSchema, manifest, 'INVALID_INPUT', 'dataset manifest');
  const manifestTemp = stageSmallFile(join(dir, MANIFEST_FILE), `${canonicalJsonPretty(manifest)}\n`, temps);
  commitDataset(dir, files, manifestTemp, filesOf(manifest));
  return dataset;
}

/** Checks the report, writes it to a temp file and adds it to `files`; returns its manifest entry. */
function stageQuality(
  dir: string,
  report: QualityReport,
  files: StagedFile[],
  temps: string[],
): NonNullable<DatasetManifest['quality']> {
  const quality = parseOrThrow(QualityReportSchema, report, 'INVALID_INPUT', 'quality report');
  const text = `${canonicalJsonPretty(quality)}\n`;
  const sha256 = sha256Hex(text);
  const file = qualityFileName(sha256);
  files.push({ temp: stageSmallFile(join(dir, file), text, temps), name: file });
  return { file, sha256 };
}

/** The names of the files a manifest holds: the tables and the quality report. */
function filesOf(manifest: DatasetManifest): Set<string> {
  const named = new Set(Object.values(manifest.tables).map((table) => table.file));
  if (manifest.quality !== undefined) named.add(manifest.quality.file);
  return named;
}

/** Writes a small file's temp (fsynced), adds it to `temps` and returns it. */
function stageSmallFile(path: string, data: string, temps: string[]): string {
  const temp = tempPathFor(path);
  temps.push(temp);
  writeTempFile(temp, Buffer.from(data, 'utf8'));
  return temp;
}

function describeTable(
  staged: StagedTable,
  timeframe: Timeframe,
  derivedFrom?: string,
  includePartial?: boolean,
): DatasetTable {
  const { sha256, bytes, gapCount, span } = staged;
  const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());
  return {
    timeframe,
    file: tableFileName(timeframe, sha256),
    contentId: sha256,
    bytes,
    rows: span.rows,
    first: span.rows ? iso(span.firstMs) : null,
    last: span.rows ? iso(span.lastMs) : null,
    gapCount,
    ...(derivedFrom === undefined ? {} : { derivedFrom }),
    ...(includePartial === undefined ? {} : { includePartial }),
  };
}

function sortTables(tables: Record<string, DatasetTable>): Record<string, DatasetTable> {
  const sorted: Record<string, DatasetTable> = {};
  for (const timeframe of TIMEFRAMES) {
    const table = tables[timeframe];
    if (table) sorted[timeframe] = table;
  }
  return sorted;
}

function checkColumnLengths(bars: Bars, symbol: string): void {
  const n = bars.ts.length;
  for (const column of ['open', 'high', 'low', 'close', 'volume'] as const) {
    if (bars[column].length !== n) {
      throw new BuffError('INVALID_INPUT', `${symbol}: column ${column} has ${bars[column].length} rows, ts has ${n}`, {
        details: { column },
      });
    }
  }
}

/** Checks that ts are integer ms, strictly ascending (every writer, not only an ingest), and counts the gaps (steps above `stepMs`) in the same pass. */
function checkAscending(bars: Bars, symbol: string, stepMs: number): number {
  const n = bars.ts.length;
  let gaps = 0;
  for (let i = 0; i < n; i++) {
    const t = bars.ts[i] as number;
    const step = i > 0 ? t - (bars.ts[i - 1] as number) : 1;
    if (!Number.isInteger(t) || !(step > 0)) {
      throw new BuffError(
        'UNORDERED_TIMESTAMP',
        `${symbol}: ts must be integer ms, strictly ascending (bar ${i}: ${t})`,
        {
          details: { index: i, value: String(t), rule: 'UNORDERED_TIMESTAMP' },
        },
      );
    }
    if (isGap(step, stepMs)) gaps++;
  }
  return gaps;
}

/** Writes a small temp file and fsyncs it. */
function writeTempFile(temp: string, bytes: Uint8Array): void {
  const fd = openSync(temp, 'w');
  try {
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
