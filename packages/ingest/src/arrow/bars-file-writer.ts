import { createHash, type Hash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, writevSync } from 'node:fs';
import { AsyncByteQueue, RecordBatchFileWriter } from 'apache-arrow';
import type { Bars } from '@buff/core';
import { writeInt64Ms } from '../time/int64-ms.js';
import { barsToTable } from './bars-table.js';

/**
 * Rows per record batch of an ingested table. Fixed, so the same file gives the same bytes however
 * it was read (blocks, threads); a table of up to this many rows is one batch, byte for byte what
 * `tableToIPC(barsToTable(bars), 'file')` (writeDataset) writes: the content ids of tables that
 * size did not change when the ingest began to stream. Larger ones are several batches.
 */
export const BATCH_ROWS = 2 ** 17;

/** What {@link BarsFileWriter.finish} wrote. */
export interface WrittenBars {
  /** sha256 of the Arrow bytes as written (the table's content id). */
  sha256: string;
  bytes: number;
  rows: number;
}

/**
 * Writes canonical bars to an Arrow IPC file as they come, one record batch of
 * {@link BATCH_ROWS} rows (or `batchRows`) at a time, hashing the bytes on the way: memory holds one batch, not
 * the table. `path` undefined: the bytes are only hashed. The file is fsynced by finish.
 * @example const writer = new BarsFileWriter(temp); writer.append(bars); const { sha256 } = writer.finish();
 */
export class BarsFileWriter {
  private readonly fd: number | undefined;
  private readonly hash: Hash = createHash('sha256');
  private readonly writer = new RecordBatchFileWriter();
  private readonly ts: BigInt64Array;
  private readonly values: Float64Array[];
  private fill = 0;
  private rows = 0;
  private bytes = 0;
  private pending: Uint8Array[] = [];

  /** `batchRows`: rows per batch (tests make it small; stored tables keep {@link BATCH_ROWS}). */
  constructor(
    path: string | undefined,
    private readonly batchRows = BATCH_ROWS,
  ) {
    this.ts = new BigInt64Array(batchRows);
    this.values = Array.from({ length: 5 }, () => new Float64Array(batchRows));
    this.fd = path === undefined ? undefined : openSync(path, 'w');
    const sink = new AsyncByteQueue();
    sink.write = (chunk) => {
      this.pending.push(chunk as Uint8Array);
    };
    this.writer.reset(sink);
  }

  /** Appends rows [from, to) of `bars` (`tsInt64`: their ts as Int64 ms, same indices, when at hand). */
  append(bars: Bars, from = 0, to = bars.ts.length, tsInt64?: BigInt64Array): void {
    const columns = [bars.open, bars.high, bars.low, bars.close, bars.volume];
    for (let at = from; at < to; ) {
      const n = Math.min(to - at, this.batchRows - this.fill);
      if (tsInt64 === undefined) writeInt64Ms(bars.ts.subarray(at, at + n), this.ts.subarray(this.fill), 0, n);
      else this.ts.set(tsInt64.subarray(at, at + n), this.fill);
      columns.forEach((column, slot) =>
        (this.values[slot] as Float64Array).set(column.subarray(at, at + n), this.fill),
      );
      this.fill += n;
      at += n;
      if (this.fill === this.batchRows) this.flushBatch();
    }
  }

  /** Writes the last batch and the footer, fsyncs and closes the file. */
  finish(): WrittenBars {
    if (this.fill > 0 || this.rows === 0) this.flushBatch();
    this.writer.finish();
    this.drain();
    if (this.fd !== undefined) {
      fsyncSync(this.fd);
      closeSync(this.fd);
    }
    return { sha256: this.hash.digest('hex'), bytes: this.bytes, rows: this.rows };
  }

  /** Closes the file after a failure (the caller removes it). */
  abort(): void {
    if (this.fd !== undefined) closeSync(this.fd);
  }

  private flushBatch(): void {
    const n = this.fill;
    const [open, high, low, close, volume] = this.values.map((column) => column.subarray(0, n)) as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ];
    const ts = this.ts.subarray(0, n);
    // ts as float is not needed: the Int64 column is given.
    const table = barsToTable({ ts: new Float64Array(n), open, high, low, close, volume }, ts);
    for (const batch of table.batches) this.writer.write(batch);
    this.rows += n;
    this.fill = 0;
    this.drain(); // the batch's buffers are written before they are reused
  }

  private drain(): void {
    const chunks = this.pending;
    this.pending = [];
    for (const chunk of chunks) {
      this.hash.update(chunk);
      this.bytes += chunk.byteLength;
    }
    if (this.fd !== undefined && chunks.length > 0) writeAll(this.fd, chunks);
  }
}

/** Writes chunks in order with as few calls as the kernel allows. */
function writeAll(fd: number, chunks: Uint8Array[]): void {
  let rest = chunks;
  while (rest.length > 0) {
    let written = writevSync(fd, rest.slice(0, 1024));
    let i = 0;
    while (i < rest.length && written >= (rest[i] as Uint8Array).byteLength) {
      written -= (rest[i] as Uint8Array).byteLength;
      i++;
    }
    rest = rest.slice(i);
    if (written > 0) rest[0] = (rest[0] as Uint8Array).subarray(written);
  }
}

/**
 * The content id the store gives a table of these bars: the sha256 of the Arrow bytes
 * {@link BarsFileWriter} writes for them (record batches of {@link BATCH_ROWS} rows), computed
 * without writing a file. `storedContentId.stream()` takes the bars in pieces.
 * @example storedContentId(resample(bars, '1h')) === (await resampleDataset('data', 'BTC-USD', '1h')).contentId;
 */
export function storedContentId(bars: Bars): string {
  const hash = storedContentId.stream();
  hash.append(bars);
  return hash.finish();
}

/** The same content id over bars given in pieces, in order (any cut: the batches are BATCH_ROWS rows). */
storedContentId.stream = (): { append(bars: Bars): void; finish(): string } => {
  const writer = new BarsFileWriter(undefined);
  return { append: (bars) => writer.append(bars), finish: () => writer.finish().sha256 };
};
