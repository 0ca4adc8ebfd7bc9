import { createHash, type Hash } from 'node:crypto';
import { closeSync, fstatSync } from 'node:fs';
import { BuffError, type Bars } from '@buff/core';
import { PARALLEL_PARSE_BYTES } from './parallel-threshold.js';
import { ColumnBuffers, type SharedColumns } from './column-buffers.js';
import type { CsvLineParser } from './line-parser.js';
import { parseFileRange } from './parse-range.js';
import type { ParseJob, ParseReply, RowCheckReply } from './parse-job.js';
import { startParseWorker, type ParseWorker } from './parse-worker-client.js';
import {
  contentOf,
  createParser,
  findSplit,
  hashFileRange,
  jobSettings,
  openCsv,
  type ReadCsvOptions,
} from './read-csv.js';
import { ruleError } from '../rules/rule-error.js';
import type { CheckedBlock } from '../rules/row-stream.js';

/** Bytes of CSV this thread parses per block; a parse worker takes blocks of twice that in between. */
export const BLOCK_BYTES = 4 * 2 ** 20;

/** One block of rows, in file order: views valid only during the call. */
export interface CsvBlock {
  bars: Bars;
  /** `bars.ts` as Int64 ms. */
  tsInt64: BigInt64Array;
  /** Rows 1.. already run through the per-row rules (a worker's block), or the error found there. */
  checked?: CheckedBlock;
}

/** What {@link streamCsv} read besides the rows. */
export interface StreamedCsv {
  /** sha256 of the file's bytes. */
  sha256: string;
  sourceColumns: number;
  rows: number;
  /** Whether a worker thread parsed blocks. */
  parallel: boolean;
}

/** Column sets the worker's jobs take in turn (two would do: see BlockReader.columnSets). */
const COLUMN_SETS = 3;

/** A byte range of lines and who parses it. */
interface Region {
  start: number;
  end: number;
  onWorker: boolean;
  reply?: Promise<ParseReply>;
}

/**
 * Reads a CSV block by block and hands each block's rows to `onBlock` in file order, then forgets
 * them: memory holds a few blocks, whatever the file's size. The field rules (header, field counts,
 * numbers, timestamps) throw as they are met; a large file's blocks alternate between this thread
 * and a parse worker (which also runs the row rules on its rows), and this thread hashes every byte.
 * `blockBytes` (tests) makes blocks small.
 * @example await streamCsv(path, { file, timestamps }, ({ bars }) => writer.append(bars));
 */
export async function streamCsv(
  path: string,
  options: ReadCsvOptions & { blockBytes?: number | undefined },
  onBlock: (block: CsvBlock) => void,
): Promise<StreamedCsv> {
  const fd = openCsv(path, options.file);
  let worker: ParseWorker | undefined;
  try {
    const { stat, size } = contentOf(fd, options.file);
    const blockBytes = options.blockBytes ?? BLOCK_BYTES;
    if (size >= (options.parallelBytes ?? PARALLEL_PARSE_BYTES)) worker = startParseWorker();
    const hash = createHash('sha256');
    const reader = new BlockReader(fd, path, size, options, hash, onBlock);
    const parallel = await reader.readAll(blockBytes, worker);
    hashFileRange(fd, size, stat.size, hash, options.chunkBytes);
    const after = fstatSync(fd);
    if (after.size !== stat.size || after.mtimeMs !== stat.mtimeMs) {
      throw new BuffError('INVALID_INPUT', `${options.file} changed while it was read; ingest it again`, {
        details: { file: options.file },
      });
    }
    return { sha256: hash.digest('hex'), sourceColumns: reader.parser.names.length, rows: reader.rows, parallel };
  } finally {
    worker?.terminate();
    closeSync(fd);
  }
}

class BlockReader {
  readonly parser: CsvLineParser;
  rows = 0;
  private readonly regions: Region[] = [];
  private planned = 0;
  /**
   * The worker's columns, in turn: at most two jobs are out while this thread reads a reply (the
   * next is posted after), so the set a new job gets was read already. Reused, not reallocated:
   * shared memory freed only when both threads collect it would pile up.
   */
  private readonly columnSets: ColumnBuffers[] = [];
  private jobs = 0;
  /**
   * The most rows per byte a region has had so far. A worker's columns are sized by it, not by the
   * file's average line: lines that get shorter later in a file (prices that fell) would outgrow
   * columns sized by the average, and each outgrown job allocated shared columns of its own.
   */
  private rowsPerByte = 0;

  constructor(
    private readonly fd: number,
    private readonly path: string,
    private readonly size: number,
    private readonly options: ReadCsvOptions,
    private readonly hash: Hash,
    private readonly onBlock: (block: CsvBlock) => void,
  ) {
    this.parser = createParser(options, Math.min(size, BLOCK_BYTES));
  }

  /** Reads every region in order; whether a worker parsed some. */
  async readAll(blockBytes: number, worker: ParseWorker | undefined): Promise<boolean> {
    let live = worker;
    let parallel = false;
    let rowsBefore = 0;
    for (let k = 0; ; k++) {
      const region = this.regionAt(k, blockBytes, live !== undefined);
      if (region === undefined) break;
      if (k > 0) this.noteDensity(this.regions[k - 1] as Region, rowsBefore);
      rowsBefore = this.rows;
      if (k > 0 && live !== undefined) this.postAhead(k, blockBytes, live);
      if (!region.onWorker || live === undefined) {
        this.parseHere(region, true);
        continue;
      }
      hashFileRange(this.fd, region.start, region.end, this.hash, this.options.chunkBytes);
      const reply = await (region.reply as Promise<ParseReply>).catch(
        (err: unknown): ParseReply => ({ kind: 'crash', message: String(err) }),
      );
      if (reply.kind === 'crash') {
        // The worker could not run (or died): the rest is parsed here, with the same messages, and a warning says so.
        process.emitWarning(
          `the CSV parse worker did not run (${reply.message.split('\n')[0]}); parsing on one thread`,
          { code: 'BUFF_PARSE_WORKER' },
        );
        live.terminate();
        live = undefined;
        this.parseHere(region, false);
        continue;
      }
      parallel = true;
      region.reply = undefined; // a taken reply (views of the shared columns, its row check) is not kept
      this.takeReply(reply);
    }
    const cols = this.parser.columns;
    if (cols === undefined || this.rows === 0) {
      throw ruleError(
        'EMPTY_FILE',
        { file: this.options.file, line: Math.max(this.parser.line, 1) },
        this.parser.names.join(','),
        'file has a header but no rows',
      );
    }
    return parallel;
  }

  /** Region k (planned on first use): this thread's blocks alternate with the worker's, twice as large. */
  private regionAt(k: number, blockBytes: number, withWorker: boolean): Region | undefined {
    while (this.regions.length <= k && this.planned < this.size) {
      const onWorker = withWorker && this.regions.length % 2 === 1;
      const start = this.planned;
      const target = start + (onWorker ? 2 * blockBytes : blockBytes);
      const end = target >= this.size ? this.size : findSplit(this.fd, this.size, target);
      this.regions.push({ start, end, onWorker });
      this.planned = end;
    }
    return this.regions[k];
  }

  /** Keeps the worker two blocks ahead. */
  private postAhead(k: number, blockBytes: number, worker: ParseWorker): void {
    for (let j = k; j <= k + 3; j++) {
      const region = this.regionAt(j, blockBytes, true);
      if (region === undefined) return;
      if (region.onWorker && region.reply === undefined) {
        region.reply = worker.queue(this.jobFor(region));
        region.reply.catch(() => undefined); // awaited in order; a failure before leaves it unasked
      }
    }
  }

  /** Records the rows per byte of a region just handed on (`rowsBefore`: the row count before it). */
  private noteDensity(region: Region, rowsBefore: number): void {
    const density = (this.rows - rowsBefore) / Math.max(region.end - region.start, 1);
    if (density > this.rowsPerByte) this.rowsPerByte = density;
  }

  private jobFor(region: Region): ParseJob {
    const { parser, options } = this;
    const average = parser.line > 1 ? parser.line / region.start : 1 / 40;
    const lineBytes = Math.max(1 / Math.max(average, this.rowsPerByte), 8);
    return {
      path: this.path,
      file: options.file,
      start: region.start,
      end: region.end,
      names: parser.names,
      slots: parser.slots as Int8Array,
      columns: this.columnsFor(Math.ceil(((region.end - region.start) / lineBytes) * 1.1) + 64),
      stream: true,
      ...jobSettings(options),
    };
  }

  /** The next column set of the worker's (grown to `rows` rows when short). */
  private columnsFor(rows: number): SharedColumns & { end: number } {
    const slot = this.jobs++ % COLUMN_SETS;
    let set = this.columnSets[slot];
    if (set === undefined || set.capacity < rows) {
      set = new ColumnBuffers(Math.ceil(rows * 1.25));
      this.columnSets[slot] = set;
    }
    return { ts: set.ts, values: set.values, int64: set.int64, first: 0, end: set.capacity };
  }

  /** Parses a region on this thread and hands its rows on (`hashed`: its bytes are hashed as read; false when they were, before a worker failed it). */
  private parseHere(region: Region, hashed: boolean): void {
    const { parser, hash } = this;
    const onBytes = (bytes: Uint8Array): void => {
      hash.update(bytes);
    };
    parseFileRange(this.fd, parser, {
      start: region.start,
      end: region.end,
      chunkBytes: this.options.chunkBytes,
      ...(hashed ? { onBytes } : {}),
    });
    const cols = parser.columns as ColumnBuffers | undefined;
    if (cols === undefined || cols.rows === 0) return;
    cols.fillInt64();
    this.onBlock({ bars: cols.view(), tsInt64: cols.int64View() });
    this.rows += cols.rows;
    cols.first = 0;
    cols.length = 0;
  }

  /** A worker's block: its failure (lines counted from this block), or its rows. */
  private takeReply(reply: Exclude<ParseReply, { kind: 'crash' }>): void {
    const base = this.parser.line;
    if (reply.kind === 'failure') {
      const { code, place, value, reason } = reply.failure;
      throw ruleError(code, { ...place, line: base + (place.line ?? 0) }, value, reason);
    }
    this.parser.line += reply.lines;
    if (reply.rows === 0) return;
    const from = reply.first;
    const to = from + reply.rows;
    const [open, high, low, close, volume] = reply.values.map((column) => column.subarray(from, to)) as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ];
    const bars = { ts: reply.ts.subarray(from, to), open, high, low, close, volume };
    this.onBlock({ bars, tsInt64: reply.int64.subarray(from, to), ...checkedOf(reply.rowCheck, base) });
    this.rows += reply.rows;
  }
}

/** A worker's row check, its failure's line counted from the file's start. */
function checkedOf(check: RowCheckReply | undefined, base: number): { checked?: CheckedBlock } {
  if (check === undefined) return {};
  if ('steps' in check) return { checked: { steps: check.steps } };
  const { code, place, value, reason } = check.failure;
  return { checked: { error: ruleError(code, { ...place, line: base + (place.line ?? 0) }, value, reason) } };
}
