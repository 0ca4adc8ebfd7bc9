import type { FileHandle } from 'node:fs/promises';
import { type AsyncRecordBatchFileReader, Message, Table } from 'apache-arrow';
import { BAR_COLUMNS, type Bars, firstIndexAtOrAfter } from '@buff/core';
import { sharedArray } from '@buff/core/io';
import { readBarsTable } from '../arrow/bars-table.js';
import { readInt64Ms } from '../time/int64-ms.js';
import type { BarBatch, BarsWindow } from './read-batches.js';

type Column = (typeof BAR_COLUMNS)[number];

/** One record batch of a stored table: its rows and the file position of each column's values. */
interface BatchLayout {
  rows: number;
  at: Record<Column, number>;
}

/**
 * The bars of a `[from, to)` window of an opened Arrow IPC file, each column read from the file
 * straight into its final array: no record batch buffers, no copy (a 1M-bar table faults in 56 MB
 * instead of ~150 MB: the batches' bodies, their ts as floats, then the joined columns; on a VM
 * where a fresh page costs ~15 us that is 0.35 s of a sweep worker's warm-up). Only the batches
 * overlapping the window are read (found from each batch's first and last ts, 16 bytes apiece).
 * Undefined when the file is not the plain layout Buff writes (compressed bodies, nulls, a
 * dictionary): the caller reads it through Arrow's record batches instead. Throws on a read error
 * or a short read (the caller reports it once the hash is known).
 * @example const batch = await readWindowColumns(handle, reader, { from, to }); // undefined -> read batches
 */
export async function readWindowColumns(
  handle: FileHandle,
  reader: AsyncRecordBatchFileReader,
  window: BarsWindow,
): Promise<BarBatch | undefined> {
  const layouts = await batchLayouts(handle, reader);
  if (layouts === undefined) return undefined;
  const from = window.from ?? -Infinity;
  const to = window.to ?? Infinity;
  const spans = await Promise.all(
    layouts.map(async (b) =>
      b.rows === 0 ? [Infinity, -Infinity] : [await tsAt(handle, b, 0), await tsAt(handle, b, b.rows - 1)],
    ),
  );
  const hit = layouts.filter((_, i) => (spans[i]?.[1] as number) >= from && (spans[i]?.[0] as number) < to);
  const total = hit.reduce((sum, b) => sum + b.rows, 0);
  const tsAll = sharedArray(BigInt64Array, total);
  let offset = 0;
  for (const b of hit) {
    await readInto(handle, tsAll, offset, b.at.ts, b.rows);
    offset += b.rows;
  }
  const tsMs = readInt64Ms(tsAll);
  const start = firstIndexAtOrAfter(tsMs, from);
  const end = Math.max(start, to === Infinity ? total : firstIndexAtOrAfter(tsMs, to));
  const bars = { ts: tsMs.subarray(start, end) } as Bars;
  for (const column of BAR_COLUMNS)
    if (column !== 'ts') bars[column] = await readColumn(handle, hit, column, start, end);
  return { bars, tsInt64: tsAll.subarray(start, end) };
}

/** Rows [start, end) of the batches `hit` (in order) of one value column, read into one array. */
async function readColumn(
  handle: FileHandle,
  hit: BatchLayout[],
  column: Column,
  start: number,
  end: number,
): Promise<Float64Array> {
  const out = new Float64Array(end - start);
  let first = 0;
  for (const b of hit) {
    const lo = Math.max(start, first);
    const hi = Math.min(end, first + b.rows);
    if (hi > lo) await readInto(handle, out, lo - start, b.at[column] + (lo - first) * 8, hi - lo);
    first += b.rows;
  }
  return out;
}

/** Each record batch's layout; undefined unless every batch is the plain layout Buff writes. */
async function batchLayouts(
  handle: FileHandle,
  reader: AsyncRecordBatchFileReader,
): Promise<BatchLayout[] | undefined> {
  const footer = reader.footer;
  if (footer === null || footer.numDictionaries > 0) return undefined;
  readBarsTable(new Table(reader.schema)); // the column names and types, with the errors the batch path gives
  const names = reader.schema.fields.map((field) => field.name);
  const layouts: BatchLayout[] = [];
  for (let i = 0; i < footer.numRecordBatches; i++) {
    const block = footer.getRecordBatch(i);
    if (block === null) return undefined;
    const meta = new Uint8Array(block.metaDataLength);
    await readInto(handle, meta, 0, block.offset, meta.length, 1);
    const layout = plainLayout(meta, names, block.offset + block.metaDataLength);
    if (layout === undefined) return undefined;
    layouts.push(layout);
  }
  return layouts;
}

/**
 * The layout of one record batch message (its encapsulated metadata bytes, the body at `body`):
 * uncompressed, one node and two buffers (validity, values) per column, no nulls, 8 bytes a value.
 */
function plainLayout(meta: Uint8Array, names: string[], body: number): BatchLayout | undefined {
  const view = new DataView(meta.buffer, meta.byteOffset, meta.byteLength);
  const prefix = view.getInt32(0, true) === -1 ? 8 : 4; // continuation marker, then the length
  const length = view.getInt32(prefix - 4, true);
  const message = Message.decode(meta.subarray(prefix, prefix + length));
  if (!message.isRecordBatch()) return undefined;
  const header = message.header();
  const rows = Number(header.length);
  if (header.compression !== null || header.nodes.length !== names.length) return undefined;
  if (header.buffers.length !== 2 * names.length) return undefined;
  const at = {} as Record<Column, number>;
  for (const [k, name] of names.entries()) {
    const node = header.nodes[k];
    const values = header.buffers[2 * k + 1];
    if (node === undefined || values === undefined || node.nullCount !== 0 || Number(node.length) !== rows)
      return undefined;
    if (values.length < rows * 8) return undefined;
    if ((BAR_COLUMNS as readonly string[]).includes(name)) at[name as Column] = body + values.offset;
  }
  return { rows, at };
}

/** The ms time of row `row` of a batch (its Int64 ts value). */
async function tsAt(handle: FileHandle, batch: BatchLayout, row: number): Promise<number> {
  const one = new BigInt64Array(1);
  await readInto(handle, one, 0, batch.at.ts + row * 8, 1);
  return Number(one[0]);
}

/** Reads `count` elements from `position` into `target` from element `index`; a short read throws. */
async function readInto(
  handle: FileHandle,
  target: Float64Array | BigInt64Array | Uint8Array,
  index: number,
  position: number,
  count: number,
  size = 8,
): Promise<void> {
  const bytes = new Uint8Array(target.buffer, target.byteOffset + index * size, count * size);
  for (let done = 0; done < bytes.length; ) {
    const { bytesRead } = await handle.read(bytes, done, bytes.length - done, position + done);
    if (bytesRead === 0) throw new Error(`short read at byte ${position + done}: the file ends early`);
    done += bytesRead;
  }
}
