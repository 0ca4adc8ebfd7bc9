import { describe, expect, it } from 'vitest';
import { sliceBars, allocateBars } from './bars.js';

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
