import { readFileSync, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { CompressionType, RecordBatchReader, compressionRegistry, type RecordBatch } from 'apache-arrow';
import { decompress as zstdDecompress } from 'fzstd';
import {
  BuffError,
  allocateBars,
  isBuffError,
  timeframeMs,
  type IngestOptions,
  type IngestOptionsInput,
} from '@buff/core';
import { createSourceHash, BACKGROUND_HASH_BYTES, type SourceHash } from '../csv/source-hash.js';
import { parseIngestOptions } from '../rules/parse-options.js';
import { ruleError } from '../rules/rule-error.js';
import { RowRuleStream } from '../rules/row-stream.js';
import { finishStreamedRows } from '../rules/streamed-report.js';
import { ingestStreamed, type IngestResult, type IngestTargets, type StreamedRead } from '../store/store-ingest.js';
import type { BarsFileWriter } from './bars-file-writer.js';
import { batchFills, fillBars, type BatchFills } from './batch-columns.js';

/** Options of {@link ingestArrow}: the ingest options plus where to write. */
export type IngestArrowOptions = IngestOptionsInput & IngestTargets;

/**
 * Registers LZ4_FRAME (lz4js) and ZSTD (fzstd) decoders in apache-arrow's `compressionRegistry`,
 * leaving codecs someone registered before untouched. Called by {@link ingestArrow}; never
 * as a side effect of importing this module.
 * @example registerArrowCodecs(); tableFromIPC(readFileSync('pairs.feather'));
 */
export function registerArrowCodecs(): void {
  if (compressionRegistry.get(CompressionType.LZ4_FRAME) === null) {
    const lz4 = createRequire(import.meta.url)('lz4js') as {
      decompress(src: Uint8Array, maxSize?: number): Uint8Array;
    };
    compressionRegistry.set(CompressionType.LZ4_FRAME, { decode: (data) => lz4.decompress(data) });
  }
  if (compressionRegistry.get(CompressionType.ZSTD) === null) {
    compressionRegistry.set(CompressionType.ZSTD, { decode: (data) => zstdDecompress(data) });
  }
}

/**
 * Ingests an Arrow IPC file or stream, or a feather v2 file (uncompressed, LZ4 or ZSTD, as
 * pandas, pyarrow and freqtrade write them), through the same rules as CSV. freqtrade's `date`
 * column (Timestamp in s/ms/us/ns) is the candle time; a Timestamp without a zone needs
 * `timezone`, integer epochs need `timestampFormat`. Errors name the file and the 1-based row.
 * The file streams through one record batch at a time (read from the file by offset, checked
 * against the rows before it and written as the stored table's batches), so memory is set by the
 * source's batch size, not the file; the result is {@link ingestCsv}'s (`readBars()` reads the bars back).
 * @example const { quality } = await ingestArrow('XRP_ETH-1m.feather', { symbol: 'XRP-ETH', allowGaps: true, dataRoot: 'data' });
 */
export async function ingestArrow(path: string, options: IngestArrowOptions): Promise<IngestResult> {
  const { dataRoot, out, ...input } = options;
  const parsed = parseIngestOptions(input);
  return ingestStreamed(parsed, { kind: 'arrow', path }, { dataRoot, out }, (writer) =>
    streamArrowInto(path, parsed, writer),
  );
}

async function streamArrowInto(path: string, options: IngestOptions, writer: BarsFileWriter): Promise<StreamedRead> {
  const rows = new RowRuleStream({
    timeframeMs: timeframeMs(options.timeframe),
    allowGaps: options.allowGaps,
    placeOf: (index, column) => ({ file: path, row: index + 1, ...(column === undefined ? {} : { column }) }),
  });
  const handle = await openSource(path);
  let hash: SourceHash | undefined;
  try {
    hash = sourceHash(path);
    let fills: BatchFills | undefined;
    let sourceColumns = 0;
    for await (const batch of recordBatches(handle, path)) {
      if (batch.numRows === 0) continue;
      fills ??= await batchFills(batch.schema, path, options);
      sourceColumns = batch.schema.fields.length;
      const bars = allocateBars(batch.numRows);
      fillBars(fills, batch, bars, rows.rows);
      rows.check(bars);
      writer.append(bars);
    }
    if (rows.rows === 0) throw ruleError('EMPTY_FILE', { file: path }, '', 'the Arrow file holds no rows');
    const finished = finishStreamedRows(rows, { ...options, path, kind: 'arrow', sourceColumns });
    return { ...finished, sourceSha256: await hash.digest() };
  } catch (err) {
    hash?.abort();
    throw err;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

async function openSource(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (err) {
    throw new BuffError('NOT_FOUND', `cannot open ${path}: ${(err as Error).message}`, {
      cause: err,
      details: { file: path },
    });
  }
}

/** The source's sha256: a small file read here, a large one on the hash worker while the batches are read. */
function sourceHash(path: string): SourceHash {
  const hash = createSourceHash(path);
  // under the worker's threshold nothing feeds it the bytes: read them here (at most 16 MiB)
  if (statSync(path).size < BACKGROUND_HASH_BYTES) hash.update(readFileSync(path));
  return hash;
}

/** The record batches of an Arrow IPC file or stream, read from the file handle as they are needed. */
async function* recordBatches(handle: FileHandle, file: string): AsyncGenerator<RecordBatch> {
  const { size } = await handle.stat();
  if (size === 0) throw ruleError('EMPTY_FILE', { file }, '', 'file is empty');
  const head = new Uint8Array(4);
  await handle.read(head, 0, 4, 0);
  if (head[0] === 0x46 && head[1] === 0x45 && head[2] === 0x41 && head[3] === 0x31) {
    throw new BuffError(
      'INVALID_INPUT',
      `${file} is a feather v1 file; write it as feather v2 (pandas >= 1.0, pyarrow's default)`,
      { details: { file } },
    );
  }
  registerArrowCodecs();
  const reader = await formatChecked(file, async () => {
    const opened = await (await RecordBatchReader.from(handle)).open();
    if (opened.schema === undefined || opened.schema === null || opened.schema.fields.length === 0)
      throw new Error('no schema or columns found');
    return opened;
  });
  const batches = reader[Symbol.asyncIterator]();
  for (;;) {
    const next = await formatChecked(file, () => batches.next());
    if (next.done === true) return;
    yield next.value;
  }
}

/** Runs a step of the Arrow decoder; what it throws becomes INVALID_INPUT (ARROW_FORMAT) naming the file. */
async function formatChecked<T>(file: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (isBuffError(err)) throw err;
    throw new BuffError(
      'INVALID_INPUT',
      `${file} is not a readable Arrow IPC or feather v2 file: ${(err as Error).message}`,
      { cause: err, details: { file, rule: 'ARROW_FORMAT' } },
    );
  }
}
