import { describe, expect, it } from 'vitest';
import { allocateBars, firstIndexAtOrAfter, sliceBars } from './bars.js';

describe('bars', () => {
  it('slices every column as a view', () => {
    const bars = allocateBars(5);
    bars.close.set([1, 2, 3, 4, 5]);
    const middle = sliceBars(bars, 1, 3);
    expect([...middle.close]).toEqual([2, 3]);
    middle.close[0] = 9;
    expect(bars.close[1]).toBe(9);
  });
});

describe('firstIndexAtOrAfter', () => {
  const ts = new Float64Array([0, 60_000, 120_000, 300_000]);
  it('finds the first bar at or after a time, between bars and at both ends', () => {
    expect(firstIndexAtOrAfter(ts, 60_000)).toBe(1);
    expect(firstIndexAtOrAfter(ts, 60_001)).toBe(2);
    expect(firstIndexAtOrAfter(ts, 200_000)).toBe(3);
    expect(firstIndexAtOrAfter(ts, -1)).toBe(0);
    expect(firstIndexAtOrAfter(ts, 300_001)).toBe(4);
    expect(firstIndexAtOrAfter(new Float64Array(0), 5)).toBe(0);
  });
});
