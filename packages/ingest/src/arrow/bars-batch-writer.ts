import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { AsyncByteQueue, RecordBatchFileWriter } from 'apache-arrow';
import { allocateBars, type Bars } from '@buff/core';
import { barsToTable } from './bars-table.js';

/**
 * Rows per record batch of a table written batch by batch: a table of up to this many rows is one
 * batch, byte for byte what `tableToIPC(barsToTable(bars), 'file')` writes (so content ids of such
 * tables are those a one-shot write gives); a longer one is cut every this many rows, wherever
 * the bars came from.
 */
export const BATCH_ROWS = 2 ** 17;

/**
 * Writes canonical bars to an Arrow IPC file as they come, one record batch of
 * {@link BATCH_ROWS} rows at a time, hashing the bytes on the way: memory holds one batch.
 * `finish` fsyncs and closes the file and returns the sha256 (the content id) and size.
 * @example const writer = new BarsBatchWriter(temp); writer.append(bars); const { sha256 } = writer.finish();
 */
export class BarsBatchWriter {
  private readonly fd: number;
  private readonly hash = createHash('sha256');
  private readonly writer = new RecordBatchFileWriter();
  private readonly batch = allocateBars(BATCH_ROWS);
  private fill = 0;
  private rows = 0;
  private bytes = 0;

  private pending: Uint8Array[] = [];

  constructor(path: string) {
    this.fd = openSync(path, 'w');
    // The writer's bytes are taken as it emits them (views of the batch's columns: written before reuse).
    const sink = new AsyncByteQueue();
    sink.write = (chunk) => {
      this.pending.push(chunk as Uint8Array);
    };
    this.writer.reset(sink);
  }

  /** Appends bars (in time order, after every bar appended before). */
  append(bars: Bars): void {
    const n = bars.ts.length;
    for (let at = 0; at < n; ) {
      const take = Math.min(n - at, BATCH_ROWS - this.fill);
      for (const key of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const)
        this.batch[key].set(bars[key].subarray(at, at + take), this.fill);
      this.fill += take;
      at += take;
      if (this.fill === BATCH_ROWS) this.flush();
    }
  }

  /** Writes the last batch and the footer, fsyncs and closes the file. */
  finish(): { sha256: string; bytes: number; rows: number } {
    if (this.fill > 0 || this.rows === 0) this.flush();
    this.writer.finish();
    this.drain();
    fsyncSync(this.fd);
    closeSync(this.fd);
    return { sha256: this.hash.digest('hex'), bytes: this.bytes, rows: this.rows };
  }

  /** Closes the file after a failure (the caller removes it). */
  abort(): void {
    closeSync(this.fd);
  }

  private flush(): void {
    const n = this.fill;
    const slice = {} as Bars;
    for (const key of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const)
      slice[key] = this.batch[key].subarray(0, n);
    for (const batch of barsToTable(slice).batches) this.writer.write(batch);
    this.rows += n;
    this.fill = 0;
    this.drain(); // written before the batch's columns are reused
  }

  private drain(): void {
    const chunks = this.pending;
    this.pending = [];
    for (const chunk of chunks) {
      this.hash.update(chunk);
      this.bytes += chunk.byteLength;
      for (let offset = 0; offset < chunk.byteLength; )
        offset += writeSync(this.fd, chunk, offset, chunk.byteLength - offset);
    }
  }
}
