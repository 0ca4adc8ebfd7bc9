import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { BuffError, sliceBars, type Bars } from '@buff/core';
import { PARALLEL_PARSE_BYTES } from './parallel-threshold.js';
import { mapColumns, TIMESTAMP_ALIASES } from '../rules/column-mapping.js';
import { CsvLineParser } from './line-parser.js';
import { parseFileRange } from './parse-range.js';
import type { ColumnBuffers } from './column-buffers.js';
import {
  appendStepStats,
  checkEachRow,
  type CheckedRows,
  type EachRowOptions,
  type StepStats,
} from '../rules/each-row.js';
import type { ParseJob, ParseReply, RowCheckReply } from './parse-job.js';
import type { TimestampParser } from '../time/parse-timestamp.js';
import { startParseWorker, type ParseWorker } from './parse-worker-client.js';
import { ruleError } from '../rules/rule-error.js';
import { createSourceHash, type SourceHash } from './source-hash.js';

/**
 * The worker's share of the bytes. This thread also hashes the whole file (about a third of the
 * cost of parsing it), so both finish together when the worker parses about 2/3; 0.7 measured
 * best. A worker started just now first boots (about the cost of parsing 13 MiB here), so it
 * gets 2/3 - 6.5 MiB / size (0.57 for the benchmark's 68 MB); one started ahead of need (the
 * `buff` command's, see offerParseWorker) has booted, or nearly.
 */
function workerShare(size: number, early: boolean): number {
  return early ? 0.7 : Math.min(0.6, Math.max(0.3, 2 / 3 - (6.5 * 2 ** 20) / size));
}
const LF = 10;

export interface ReadCsvOptions {
  /** The file name used in messages. */
  file: string;
  columnMap?: Record<string, string | null>;
  timestamps: TimestampParser;
  /** Read size; tests use tiny chunks to exercise lines split across reads. */
  chunkBytes?: number;
  /** Parse on two threads from this size on (default {@link PARALLEL_PARSE_BYTES}); tests lower it. */
  parallelBytes?: number;
  /**
   * The per-row rules to run while reading on two threads (each thread over its own rows); the
   * outcome comes back as `checked`, for `checkRows` to continue from.
   */
  rowRules?: { timeframeMs: number; allowGaps: boolean; placeOf: EachRowOptions['placeOf'] };
}

export interface CsvColumns {
  bars: Bars;
  /** sha256 of the file's bytes, hashed while reading. */
  sha256: string;
  /** Number of columns in the header. */
  sourceColumns: number;
  /** Whether a worker thread parsed the second part of the file (false also when it could not run). */
  parallel: boolean;
  /** `bars.ts` as Int64 (the Arrow table's ts), when the threads wrote it as they read (two threads). */
  tsInt64?: BigInt64Array;
  /** Rows already run through the per-row rules (two threads and `rowRules` only), or the first error there. */
  checked?: CheckedRows;
}

/**
 * Reads a CSV file in fixed-size chunks and parses its bytes straight into Float64Array
 * columns: no per-line strings, memory bounded by the columns plus one chunk per thread. A
 * large file is split at a line boundary: a worker thread parses the second part while this
 * thread parses the first and hashes every byte; the worker's line numbers are offset by the
 * first part's, so errors name the same line as a one-thread read. Checks the header, field
 * counts, numbers and timestamps (the per-field rules); the row rules run afterwards (`checkRows`).
 * @example const { bars, sha256 } = await readCsvColumns('btc.csv', { file: 'btc.csv', timestamps: await createTimestampParser({ format: 'iso' }) });
 */
export async function readCsvColumns(path: string, options: ReadCsvOptions): Promise<CsvColumns> {
  const fd = openCsv(path, options.file);
  try {
    const { stat, size } = contentOf(fd, options.file);
    const tail = { fd, from: size, to: stat.size };
    if (size >= (options.parallelBytes ?? PARALLEL_PARSE_BYTES)) {
      const worker = startParseWorker(); // boots while the header and first row are read
      let split = size;
      try {
        split = findSplit(fd, size, Math.floor(size * (1 - workerShare(size, worker.early))));
      } finally {
        if (split >= size) worker.terminate(); // a file of one line, or a failed read
      }
      if (split < size) return await readInParallel(fd, path, size, split, worker, options, stat.size);
    }
    return await readOnOneThread(fd, path, size, options, tail);
  } finally {
    closeSync(fd);
  }
}

async function readOnOneThread(
  fd: number,
  path: string,
  size: number,
  options: ReadCsvOptions,
  tail: { from: number; to: number },
): Promise<CsvColumns> {
  const parser = createParser(options, size);
  const hash: SourceHash = createSourceHash(path);
  try {
    parseFileRange(fd, parser, {
      start: 0,
      end: size,
      chunkBytes: options.chunkBytes,
      onBytes: (bytes) => hash.update(bytes),
    });
    if (tail.to > tail.from) hash.update(readRange(fd, tail.from, tail.to));
    const bars = finish(parser, size, options.file);
    return { bars, sha256: await hash.digest(), sourceColumns: parser.names.length, parallel: false };
  } catch (err) {
    hash.abort();
    throw err;
  }
}

async function readInParallel(
  fd: number,
  path: string,
  size: number,
  split: number,
  worker: ParseWorker,
  options: ReadCsvOptions,
  fileSize: number,
): Promise<CsvColumns> {
  let answered = false;
  try {
    const before = fstatSync(fd);
    const hash = createHash('sha256');
    let reply: Promise<ParseReply> | undefined;
    let shared: ParseJob['columns'] | undefined;
    const post = (): void => {
      // One set of shared columns: the worker's rows from an index safely past this part's rows
      // (estimated from the lines seen so far, +10%), so that they need no copy afterwards.
      const cols = parser.columns as ColumnBuffers;
      const rows = cols.capacity; // this file's estimated rows (+5%)
      const workerFirst = Math.ceil(((rows * split) / size) * 1.1) + 64;
      const end = workerFirst + Math.ceil(((rows * (size - split)) / size) * 1.1) + 64;
      shared = { ...cols.shareFrom(workerFirst, end), end };
      reply = worker.run({
        path,
        file: options.file,
        start: split,
        end: size,
        names: parser.names,
        slots: parser.slots as Int8Array,
        columns: shared,
        ...jobSettings(options),
      });
    };
    // The job goes out once the first row fixed the file's timestamp format.
    const parser = createParser(options, size, post);
    parseFileRange(fd, parser, {
      start: 0,
      end: split,
      chunkBytes: options.chunkBytes,
      onBytes: (bytes) => hash.update(bytes),
    });
    if (reply === undefined) post(); // the first part held only the header
    hashFileRange(fd, split, fileSize, hash, options.chunkBytes);
    // This part's row rules while the worker works; their errors wait: read errors come first.
    let checked =
      options.rowRules === undefined || parser.columns === undefined
        ? undefined
        : checkRowsOf(parser.columns.view(), 0, options.rowRules);
    parser.columns?.fillInt64(); // the worker fills its own
    const answer = await (reply as unknown as Promise<ParseReply>).catch(
      (err: unknown): ParseReply => ({ kind: 'crash', message: String(err) }),
    );
    if (answer.kind === 'failure') {
      const { code, place, value, reason } = answer.failure;
      throw ruleError(code, { ...place, line: parser.line + (place.line ?? 0) }, value, reason);
    }
    const parallel = answer.kind === 'rows';
    answered = parallel;
    const base = parser.line;
    if (parallel) {
      const cols = parser.columns as ColumnBuffers;
      const first = cols.rows;
      // The worker's rows are in place, or (a side outgrew its share) copied after this part's.
      if (!(answer.inPlace && shared !== undefined && cols.joinWorkerRows(shared, answer.first, answer.rows)))
        cols.appendRows(answer, answer.first, answer.rows);
      parser.line += answer.lines;
      if (checked !== undefined && options.rowRules !== undefined)
        checked = joinRowChecks(parser, checked, first, base, answer.rowCheck, options.rowRules);
    }
    // The worker could not run (or died): parse its part here, with the same messages, and say so
    // (a missing dist/parse-worker.js would otherwise only show as a slower ingest).
    else {
      process.emitWarning(
        `the CSV parse worker did not run (${answer.message.split('\n')[0]}); parsing on one thread`,
        { code: 'BUFF_PARSE_WORKER' },
      );
      parseFileRange(fd, parser, { start: split, end: size, chunkBytes: options.chunkBytes });
      parser.columns?.fillInt64();
    }
    const after = fstatSync(fd);
    if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
      throw new BuffError('INVALID_INPUT', `${options.file} changed while it was read; ingest it again`, {
        details: { file: options.file },
      });
    }
    const bars = finish(parser, size, options.file);
    const tsInt64 = (parser.columns as ColumnBuffers).int64View();
    return {
      bars,
      tsInt64,
      sha256: hash.digest('hex'),
      sourceColumns: parser.names.length,
      parallel,
      ...(checked === undefined ? {} : { checked }),
    };
  } finally {
    // A worker that answered stays on as the hash worker (the store hashes the table there).
    if (answered) worker.retire();
    else worker.terminate();
  }
}

/** Opens the CSV to read; a clear NOT_FOUND when it cannot. */
export function openCsv(path: string, file: string): number {
  try {
    return openSync(path, 'r');
  } catch (err) {
    throw new BuffError('NOT_FOUND', `cannot open ${file}: ${(err as Error).message}`, {
      cause: err,
      details: { file },
    });
  }
}

/** The open file's stat and the size of its content (blank lines at the very end are no rows: parsing stops before them; they are hashed). */
export function contentOf(fd: number, file: string): { stat: Stats; size: number } {
  const stat = fstatSync(fd);
  if (stat.isDirectory()) {
    throw new BuffError('INVALID_INPUT', `${file} is a folder, not a CSV file`, {
      details: { file, rule: 'INPUT_IS_FOLDER' },
    });
  }
  const size = endOfLastLine(fd, stat.size);
  if (size === 0) throw ruleError('EMPTY_FILE', { file, line: 1 }, '', 'file is empty');
  return { stat, size };
}

export function createParser(options: ReadCsvOptions, size: number, onFirstRow?: () => void): CsvLineParser {
  return new CsvLineParser({
    file: options.file,
    timestamps: options.timestamps,
    fail: ruleError,
    size,
    mapHeader: (names) =>
      mapColumns(names, {
        file: options.file,
        line: 1,
        columnMap: options.columnMap ?? {},
        aliases: TIMESTAMP_ALIASES, // freqtrade's `date`, as the Arrow import reads it
      }),
    ...(onFirstRow === undefined ? {} : { onFirstRow }),
  });
}

/** The per-row rules over rows [from, end) as a CheckedRows: the error is kept, not thrown. */
function checkRowsOf(
  bars: Bars,
  from: number,
  rules: NonNullable<ReadCsvOptions['rowRules']>,
  steps?: StepStats,
): CheckedRows {
  try {
    return {
      rows: bars.ts.length,
      steps: checkEachRow(bars, from, bars.ts.length, { ...rules, fail: ruleError }, steps),
    };
  } catch (error) {
    return { error };
  }
}

/**
 * The row checks of both parts, in row order: this part's (rows before `first`), the worker's first
 * row against this part's last, then the worker's own (its lines count from `base`).
 */
function joinRowChecks(
  parser: CsvLineParser,
  checked: CheckedRows,
  first: number,
  base: number,
  worker: RowCheckReply | undefined,
  rules: NonNullable<ReadCsvOptions['rowRules']>,
): CheckedRows {
  if ('error' in checked || worker === undefined) return checked;
  const bars = (parser.columns as ColumnBuffers).view();
  const boundary = checkRowsOf(sliceBars(bars, 0, Math.min(first + 1, bars.ts.length)), first, rules, checked.steps);
  if ('error' in boundary) return boundary;
  if ('failure' in worker) {
    const { code, place, value, reason } = worker.failure;
    return { error: ruleError(code, { ...place, line: base + (place.line ?? 0) }, value, reason) };
  }
  return { rows: bars.ts.length, steps: appendStepStats(boundary.steps, worker.steps, first) };
}

function finish(parser: CsvLineParser, size: number, file: string): Bars {
  const cols = parser.columns;
  if (cols === undefined || cols.rows === 0) {
    const empty = size === 0;
    throw ruleError(
      'EMPTY_FILE',
      { file, line: Math.max(parser.line, 1) },
      empty ? '' : parser.names.join(','),
      empty ? 'file is empty' : 'file has a header but no rows',
    );
  }
  return cols.toBars();
}

/** How many trailing bytes may be blank lines (more are rows to refuse, not an end to trim). */
const TAIL_BYTES = 64 * 1024;

/**
 * The end of the file's content: just after the LF of its last non-blank line when only CR/LF
 * bytes follow (blank lines at the very end), else the size. 0 when the file holds only CR/LF.
 */
export function endOfLastLine(fd: number, size: number): number {
  const from = Math.max(0, size - TAIL_BYTES);
  const tail = readRange(fd, from, size);
  let i = tail.length - 1;
  while (i >= 0 && (tail[i] === LF || tail[i] === 13)) i--;
  if (i < 0) return from === 0 ? 0 : size;
  const lf = tail.indexOf(LF, i + 1);
  return lf < 0 ? size : from + lf + 1;
}

export function readRange(fd: number, from: number, to: number): Buffer {
  const buf = Buffer.alloc(to - from);
  let read = 0;
  while (read < buf.length) {
    const n = readSync(fd, buf, read, buf.length - read, from + read);
    if (n <= 0) break;
    read += n;
  }
  return buf.subarray(0, read);
}

/** The position just after the first LF at or after `target` (the start of a line), or `size`. */
export function findSplit(fd: number, size: number, target: number): number {
  const buf = Buffer.allocUnsafe(64 * 1024);
  for (let position = target; position < size; ) {
    const read = readSync(fd, buf, 0, Math.min(buf.length, size - position), position);
    if (read <= 0) break;
    const lf = buf.indexOf(LF);
    if (lf >= 0 && lf < read) return position + lf + 1;
    position += read;
  }
  return size;
}

/** Hashes bytes [start, end) of the file, read in pieces that stay in the CPU cache between the read and the hash. */
export function hashFileRange(
  fd: number,
  start: number,
  end: number,
  hash: ReturnType<typeof createHash>,
  chunkBytes = 256 * 1024,
): void {
  const buf = Buffer.allocUnsafe(Math.max(Math.min(chunkBytes, end - start), 16));
  for (let position = start; position < end; ) {
    const read = readSync(fd, buf, 0, Math.min(buf.length, end - position), position);
    if (read <= 0) break;
    hash.update(buf.subarray(0, read));
    position += read;
  }
}

/** What a parse job takes from the read's options: the timestamp settings, chunk size and row rules. */
export function jobSettings(
  options: ReadCsvOptions,
): Pick<ParseJob, 'timestampFormat' | 'timezone' | 'ambiguous' | 'fileFormat' | 'chunkBytes' | 'rowRules'> {
  const { timestamps, chunkBytes, rowRules } = options;
  return {
    timestampFormat: timestamps.format,
    timezone: timestamps.timezone,
    ambiguous: timestamps.ambiguous,
    fileFormat: timestamps.fileFormat,
    chunkBytes,
    rowRules: rowRules === undefined ? undefined : { timeframeMs: rowRules.timeframeMs, allowGaps: rowRules.allowGaps },
  };
}
