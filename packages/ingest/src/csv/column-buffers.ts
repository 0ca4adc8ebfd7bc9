import type { Bars } from '@buff/core';

/**
 * Growable Float64Array columns for the CSV reader: `ts` plus the five values in slot order
 * (open, high, low, close, volume), in shared memory (the hash worker reads the stored table's
 * bytes without a copy). Grows by 1.5x; `toBars` trims to the rows read.
 * @example const cols = new ColumnBuffers(1024); cols.ts[0] = 0; cols.length = 1; cols.toBars();
 */
export class ColumnBuffers {
  ts: Float64Array;
  values: Float64Array[];
  length = 0;
  capacity: number;

  constructor(capacity: number) {
    this.capacity = Math.max(capacity, 16);
    this.ts = sharedColumn(this.capacity);
    this.values = Array.from({ length: 5 }, () => sharedColumn(this.capacity));
  }

  grow(): void {
    this.reserve(Math.ceil(this.capacity * 1.5) + 16);
  }

  /** Makes room for `capacity` rows (no-op when there is room). */
  reserve(capacity: number): void {
    if (capacity <= this.capacity) return;
    const resize = (column: Float64Array): Float64Array => {
      const next = sharedColumn(capacity);
      next.set(column.subarray(0, this.length));
      return next;
    };
    this.ts = resize(this.ts);
    this.values = this.values.map(resize);
    this.capacity = capacity;
  }

  /** The rows read so far as views on the columns (no copy; valid until the next grow). */
  view(): Bars {
    const rows = (column: Float64Array): Float64Array => column.subarray(0, this.length);
    const [open, high, low, close, volume] = this.values.map(rows) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    return { ts: rows(this.ts), open, high, low, close, volume };
  }

  toBars(): Bars {
    // A view when little is unused (no copy of a million rows); a trimmed copy otherwise.
    const tight = this.length >= this.capacity * 0.8;
    const trim = (column: Float64Array): Float64Array =>
      column.length === this.length ? column : tight ? column.subarray(0, this.length) : column.slice(0, this.length);
    const [open, high, low, close, volume] = this.values.map(trim) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    return { ts: trim(this.ts), open, high, low, close, volume };
  }
}

/** A Float64Array in shared memory (written out here: the parse worker loads nothing from @buff/core). */
function sharedColumn(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}
