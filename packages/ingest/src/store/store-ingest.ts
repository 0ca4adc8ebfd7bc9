import { copyFileSync, fsyncSync, mkdirSync, openSync, closeSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  BuffError,
  sweepStaleTemps,
  tempPathFor,
  type Bars,
  type DatasetManifest,
  type DatasetTable,
  type IngestOptions,
  type QualityReport,
} from '@buff/core';
import { BarsFileWriter } from '../arrow/bars-file-writer.js';
import { ipcToBars } from '../arrow/bars-table.js';
import type { TableSpan } from '../rules/quality-report.js';
import { datasetDir, validateSymbol } from './dataset-paths.js';
import { readBars } from './read-dataset.js';
import { commitTable } from './write-dataset.js';

/**
 * What an ingest returns. The bars are not held (a file may be larger than memory): `rows` and
 * the quality report's span describe them, `readBars` reads them back from what was written.
 */
export interface IngestResult {
  rows: number;
  /** sha256 of the Arrow bytes written (the stored table's content id). */
  contentId: string;
  quality: QualityReport;
  /** sha256 of the source file's bytes. */
  sourceSha256: string;
  /** The stored 1m table, when `dataRoot` was given. */
  dataset?: DatasetTable;
  /** The bars, read whole from the stored table (or the `out` file); refused when neither was written. */
  readBars(): Promise<Bars>;
}

/** Where an ingest writes: the dataset store, a bare Arrow IPC file, both or neither. */
export interface IngestTargets {
  dataRoot?: string | undefined;
  out?: string | undefined;
}

/** What a streamed read hands back once every row went to the writer and every rule passed. */
export interface StreamedRead {
  quality: QualityReport;
  sourceSha256: string;
  span: TableSpan;
  gapCount: number;
}

/**
 * Runs an ingest whose rows go to a {@link BarsFileWriter} as they are read (`read` feeds it and
 * throws the first rule violation), then commits: the table's temp file becomes the stored 1m
 * table (dataset.json renamed last) and/or the `out` file. On any failure every temp file (and a
 * dataset folder this call created) is removed: nothing half-written stays.
 * @example await ingestStreamed(options, { kind: 'csv', path }, { dataRoot: 'data' }, (writer) => readInto(writer));
 */
export async function ingestStreamed(
  options: IngestOptions,
  source: { kind: DatasetManifest['source']['kind']; path: string },
  targets: IngestTargets,
  read: (writer: BarsFileWriter) => Promise<StreamedRead>,
): Promise<IngestResult> {
  const { dataRoot, out } = targets;
  const dir = dataRoot === undefined ? undefined : datasetDir(dataRoot, options.symbol);
  if (dataRoot !== undefined) validateSymbol(options.symbol);
  const created = dir === undefined ? undefined : mkdirSync(dir, { recursive: true });
  if (dir !== undefined) sweepStaleTemps(dir); // temp tables of killed ingests
  const temps: string[] = [];
  const tableTemp =
    dir !== undefined ? tempPathFor(join(dir, '1m.arrow')) : out !== undefined ? tempPathFor(out) : undefined;
  if (tableTemp !== undefined) temps.push(tableTemp);
  let writer: BarsFileWriter | undefined;
  try {
    writer = new BarsFileWriter(tableTemp);
    const done = await read(writer);
    const { sha256, bytes } = writer.finish();
    writer = undefined;
    let dataset: DatasetTable | undefined;
    if (dir !== undefined && tableTemp !== undefined) {
      const staged = { temp: tableTemp, sha256, bytes, gapCount: done.gapCount, span: done.span };
      const input = {
        symbol: options.symbol,
        timeframe: options.timeframe,
        quality: done.quality,
        source: { kind: source.kind, file: basename(source.path), sha256: done.sourceSha256 },
        ingestOptions: { ...options },
      };
      dataset = commitTable(dir, input, staged, undefined, temps);
    }
    if (out !== undefined && tableTemp !== undefined) {
      if (dir === undefined) renameSync(tableTemp, out);
      else copyInto(join(dir, (dataset as DatasetTable).file), out, temps);
    }
    return resultOf(done, sha256, dataset, { ...targets, symbol: options.symbol });
  } catch (err) {
    writer?.abort();
    for (const temp of temps) rmSync(temp, { force: true });
    if (created !== undefined) rmSync(created, { recursive: true, force: true });
    throw err;
  }
}

function resultOf(
  done: StreamedRead,
  contentId: string,
  dataset: DatasetTable | undefined,
  where: IngestTargets & { symbol: string },
): IngestResult {
  return {
    rows: done.span.rows,
    contentId,
    quality: done.quality,
    sourceSha256: done.sourceSha256,
    ...(dataset === undefined ? {} : { dataset }),
    async readBars() {
      if (where.dataRoot !== undefined) return (await readBars(where.dataRoot, where.symbol, '1m')).bars;
      if (where.out !== undefined) return ipcToBars(readFileSync(where.out), where.out);
      throw new BuffError('INVALID_INPUT', 'the ingest wrote no table (give dataRoot or out) to read the bars from');
    },
  };
}

/** Copies a committed table to `out` (temp, fsync, rename). */
function copyInto(from: string, out: string, temps: string[]): void {
  const temp = tempPathFor(out);
  temps.push(temp);
  copyFileSync(from, temp);
  const fd = openSync(temp, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, out);
}
