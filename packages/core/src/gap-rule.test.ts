import { describe, expect, it } from 'vitest';
import { countGaps, gapBetween, isGap, missingBars } from './gap-rule.js';

describe('the gap rule', () => {
  it('counts each run of missing bars once', () => {
    const minute = 60_000;
    const ts = Float64Array.from([0, 1, 2, 5, 6, 8, 9].map((m) => m * minute));
    expect(countGaps(ts, minute)).toBe(2);
    expect(countGaps(ts.subarray(0, 3), minute)).toBe(0);
    expect(countGaps(new Float64Array(0), minute)).toBe(0);
  });

  it('is a step of more than one timeframe, with the missing bars between', () => {
    expect(isGap(60_000, 60_000)).toBe(false);
    expect(isGap(120_000, 60_000)).toBe(true);
    const gap = gapBetween(0, 240_000, 60_000);
    expect(gap).toEqual({ fromMs: 60_000, toMs: 180_000, missing: 3 });
    expect(missingBars([gap, gapBetween(240_000, 360_000, 60_000)])).toBe(4);
  });
});
