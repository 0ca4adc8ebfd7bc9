import { describe, expect, it } from 'vitest';
import { countGaps, sliceBars, allocateBars } from './bars.js';

describe('bars', () => {
  it('counts each run of missing bars once', () => {
    const minute = 60_000;
    const ts = Float64Array.from([0, 1, 2, 5, 6, 8, 9].map((m) => m * minute));
    expect(countGaps(ts, minute)).toBe(2);
    expect(countGaps(ts.subarray(0, 3), minute)).toBe(0);
    expect(countGaps(new Float64Array(0), minute)).toBe(0);
  });

  it('slices every column as a view', () => {
    const bars = allocateBars(5);
    bars.close.set([1, 2, 3, 4, 5]);
    const middle = sliceBars(bars, 1, 3);
    expect([...middle.close]).toEqual([2, 3]);
    middle.close[0] = 9;
    expect(bars.close[1]).toBe(9);
  });
});
