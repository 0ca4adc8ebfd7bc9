import { describe, expect, it } from 'vitest';
import { ColumnBuffers } from './column-buffers.js';

// A two-thread read shares one set of columns: this thread's rows from 0, the worker's from
// `workerFirst`; joining moves this thread's rows up to meet the worker's.

function fill(cols: ColumnBuffers, from: number, count: number): void {
  for (let i = 0; i < count; i++) {
    if (cols.length === cols.capacity) cols.grow();
    const row = cols.length;
    cols.ts[row] = from + i;
    cols.values.forEach((column, slot) => (column[row] = (from + i) * 10 + slot));
    cols.length = row + 1;
  }
}

const expected = (count: number) => Float64Array.from({ length: count }, (_, i) => i);

describe('ColumnBuffers shared with a parse worker', () => {
  it('joins the worker rows in place: one set of columns, this part moved up', () => {
    const mine = new ColumnBuffers(8);
    fill(mine, 0, 2);
    const shared = mine.shareFrom(100, 300);
    const theirs = new ColumnBuffers(300, shared);
    fill(mine, 2, 48);
    fill(theirs, 50, 150);
    expect(theirs.ts).toBe(shared.ts);
    expect(mine.joinWorkerRows(shared, theirs.first, theirs.rows)).toBe(true);
    const bars = mine.toBars();
    expect(bars.ts).toEqual(expected(200));
    expect(bars.ts.buffer).toBe(shared.ts.buffer); // views, no copy
    expect(bars.volume[199]).toBe(199 * 10 + 4);
  });

  it('declines to join when this part outgrew its share, and the rows stay whole', () => {
    const mine = new ColumnBuffers(8);
    const shared = mine.shareFrom(10, 40);
    fill(mine, 0, 25); // past index 10: moved to columns of its own
    expect(mine.ts).not.toBe(shared.ts);
    expect(mine.joinWorkerRows(shared, 10, 5)).toBe(false);
    expect(mine.toBars().ts).toEqual(expected(25));
  });

  it('lets a worker that outgrows its share keep its rows, from index 0 of its own columns', () => {
    const mine = new ColumnBuffers(8);
    const shared = mine.shareFrom(10, 40);
    const theirs = new ColumnBuffers(40, shared);
    fill(theirs, 0, 45);
    expect(theirs.ts).not.toBe(shared.ts);
    expect(theirs.first).toBe(0);
    expect(theirs.toBars().ts).toEqual(expected(45));
  });
});
