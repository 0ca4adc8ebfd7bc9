import type { ColumnBuffers } from './column-buffers.js';
import { scanDecimalInto } from './parse-number.js';
import type { TimestampParser } from '../time/parse-timestamp.js';

// This module imports nothing from @buff/core at run time: the parse worker loads it.

const LF = 10;
const COMMA = 44;
const ROWS_PER_CALL = 256;

/**
 * The reader's hot loop: parses the run of usual rows at `p` (`timestamp,open,high,low,close,volume`
 * in that order, the file's own timestamp layout, plain decimals, LF) into the columns, and returns
 * the position after the last one. It stops, at the start of that row, at the first row that is
 * anything else, at `stop`, when the columns are full, or after {@link ROWS_PER_CALL} rows; the caller parses that row field by
 * field, with every check and message. A row it stops in may have written some of its fields:
 * `cols.length` counts whole rows only, and the caller overwrites them.
 * Kept small on purpose: V8 optimizes it within the first thousand rows, and a two-thread read
 * compiles it on both threads.
 * @example const p = parseUsualRows(buf, 0, stop, timestamps, cols); // cols.length grew by the rows parsed
 */
export function parseUsualRows(
  buf: Uint8Array,
  p: number,
  stop: number,
  timestamps: TimestampParser,
  cols: ColumnBuffers,
): number {
  const width = timestamps.fastLength;
  const ts = cols.ts;
  const values = cols.values;
  let row = cols.length;
  // At most ROWS_PER_CALL rows a call: the first call returns before V8 compiles the loop, so the
  // compiled code has seen its exit (else it deoptimizes there, and is compiled again).
  const last = Math.min(cols.capacity, row + ROWS_PER_CALL);
  let start = p;
  while (row < last) {
    let q = start + width;
    if (q >= stop || buf[q] !== COMMA || !timestamps.parseFastInto(buf, start, ts, row)) break;
    // open, high, low, close, volume. One call site in a loop: V8 inlines it (five would exceed its inlining budget).
    let v = 0;
    for (; v < 5; v++) {
      q = scanDecimalInto(buf, q + 1, values[v] as Float64Array, row);
      if (q < 0 || q >= stop || buf[q] !== (v === 4 ? LF : COMMA)) break;
    }
    if (v < 5) break;
    start = q + 1;
    row++;
  }
  cols.length = row;
  return start;
}
