import type { Bars } from '@buff/core';
import { writeInt64Ms } from '../time/int64-ms.js';

/**
 * Growable Float64Array columns for the CSV reader: `ts` plus the five values in slot order
 * (open, high, low, close, volume), in shared memory (the hash worker reads the stored table's
 * bytes, and a parse worker writes its rows, without a copy). Rows are [first, length); a row may
 * be written below `capacity`, which may stop short of the arrays' end (the rest is another
 * thread's). Growing moves the rows to new arrays of their own, from index 0, by 1.5x. `int64`
 * holds `ts` as the Arrow table stores it once {@link fillInt64} ran over the rows.
 * @example const cols = new ColumnBuffers(1024); cols.ts[0] = 0; cols.length = 1; cols.toBars();
 */
export class ColumnBuffers {
  ts: Float64Array;
  values: Float64Array[];
  int64: BigInt64Array;
  first = 0;
  length = 0;
  capacity: number;

  /** New columns for `capacity` rows, or rows from `first` on in given (shared) columns, up to `capacity`. */
  constructor(capacity: number, columns?: SharedColumns) {
    if (columns === undefined) {
      this.capacity = Math.max(capacity, 16);
      this.ts = sharedColumn(this.capacity);
      this.values = Array.from({ length: 5 }, () => sharedColumn(this.capacity));
      this.int64 = new BigInt64Array(new SharedArrayBuffer(this.capacity * 8));
    } else {
      this.capacity = Math.min(capacity, columns.ts.length);
      this.ts = columns.ts;
      this.values = columns.values;
      this.int64 = columns.int64;
      this.first = columns.first;
      this.length = columns.first;
    }
  }

  /** The number of rows. */
  get rows(): number {
    return this.length - this.first;
  }

  grow(): void {
    this.reserve(Math.ceil(this.rows * 1.5) + this.first + 16);
  }

  /** Makes room for rows up to index `capacity` (no-op when there is room); new arrays start at 0. */
  reserve(capacity: number): void {
    if (capacity <= this.capacity) return;
    const size = capacity - this.first;
    this.moveTo(new ColumnBuffers(size));
    this.capacity = size;
  }

  /** Copies `rows` rows from index `first` of `source` after these rows (growing when needed). */
  appendRows(source: Columns, first: number, rows: number): void {
    this.reserve(this.length + rows);
    copyRows(source, first, first + rows, this, this.length);
    this.length += rows;
  }

  /**
   * Moves these rows to new columns of `end` rows, of which this thread keeps [0, workerFirst)
   * (it grows into arrays of its own beyond), and returns what a parse worker fills from
   * `workerFirst` on. {@link joinWorkerRows} then closes the gap between the two without copying the worker's rows.
   */
  shareFrom(workerFirst: number, end: number): SharedColumns {
    const next = new ColumnBuffers(end);
    this.moveTo(next);
    this.capacity = workerFirst;
    return { ts: next.ts, values: next.values, int64: next.int64, first: workerFirst };
  }

  /**
   * After {@link shareFrom}: whether the worker's `rows` rows at `workerFirst` are in these very
   * columns (neither side grew), and then joins them: this thread's rows move up to end at
   * `workerFirst` (one copy of the smaller part, within memory already touched). False: nothing changed.
   */
  joinWorkerRows(shared: { ts: Float64Array }, workerFirst: number, rows: number): boolean {
    if (this.ts !== shared.ts || this.first !== 0 || this.length > workerFirst) return false;
    const own = this.length;
    const to = workerFirst - own;
    this.ts.copyWithin(to, 0, own);
    for (const column of this.values) column.copyWithin(to, 0, own);
    this.int64.copyWithin(to, 0, own);
    this.first = to;
    this.length = workerFirst + rows;
    this.capacity = this.length;
    return true;
  }

  /** Moves the rows to the start of `next`'s arrays, which become these columns (capacity is the caller's). */
  private moveTo(next: ColumnBuffers): void {
    copyRows(this, this.first, this.length, next, 0);
    this.ts = next.ts;
    this.values = next.values;
    this.int64 = next.int64;
    this.length = this.rows;
    this.first = 0;
  }

  /** Writes `int64` for the rows so far (each thread for its own, after its part). */
  fillInt64(): void {
    writeInt64Ms(this.ts, this.int64, this.first, this.length);
  }

  /** `int64` of the rows (a view; valid once {@link fillInt64} covered them all). */
  int64View(): BigInt64Array {
    return this.int64.subarray(this.first, this.length);
  }

  /** The rows read so far as views on the columns (no copy; valid until the next grow). */
  view(): Bars {
    const rows = (column: Float64Array): Float64Array => column.subarray(this.first, this.length);
    const [open, high, low, close, volume] = this.values.map(rows) as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ];
    return { ts: rows(this.ts), open, high, low, close, volume };
  }

  toBars(): Bars {
    // Views when little of the room is unused (no copy of a million rows); trimmed copies otherwise.
    const tight = this.rows >= (this.capacity - this.first) * 0.8;
    const trim = (column: Float64Array): Float64Array =>
      this.first === 0 && column.length === this.length
        ? column
        : tight
          ? column.subarray(this.first, this.length)
          : column.slice(this.first, this.length);
    const [open, high, low, close, volume] = this.values.map(trim) as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ];
    return { ts: trim(this.ts), open, high, low, close, volume };
  }
}

/** The arrays of a set of columns. */
type Columns = Pick<ColumnBuffers, 'ts' | 'values' | 'int64'>;

/** Columns shared with a parse worker: it writes its rows from `first` on. */
export interface SharedColumns extends Columns {
  first: number;
}

/** Copies rows [from, to) of every column of `source` into `target`, from row `at`. */
function copyRows(source: Columns, from: number, to: number, target: Columns, at: number): void {
  target.ts.set(source.ts.subarray(from, to), at);
  target.values.forEach((column, slot) => column.set((source.values[slot] as Float64Array).subarray(from, to), at));
  target.int64.set(source.int64.subarray(from, to), at);
}

/** A Float64Array in shared memory (written out here: the parse worker loads nothing from @buff/core). */
function sharedColumn(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}
