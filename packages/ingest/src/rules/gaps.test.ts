import { describe, expect, it } from 'vitest';
import { isBuffError } from '@buff/core';
import { gapBetween, gapError, isGap, missingBars } from './gaps.js';
import { ruleError } from './rule-error.js';

describe('the gap rule', () => {
  it('is a step of more than one timeframe, with the missing bars between', () => {
    expect(isGap(60_000, 60_000)).toBe(false);
    expect(isGap(120_000, 60_000)).toBe(true);
    const gap = gapBetween(0, 240_000, 60_000);
    expect(gap).toEqual({ fromMs: 60_000, toMs: 180_000, missing: 3 });
    expect(missingBars([gap, gapBetween(240_000, 360_000, 60_000)])).toBe(4);
  });

  it('refuses with GAP naming the row after it and the missing range', () => {
    const err = gapError(gapBetween(0, 180_000, 60_000), { file: 'a.csv', line: 3 }, 180_000, ruleError);
    expect(isBuffError(err, 'GAP')).toBe(true);
    expect(err.message).toContain('a.csv line 3');
    expect(err.message).toContain('2 missing bar(s) from 1970-01-01T00:01:00.000Z to 1970-01-01T00:02:00.000Z');
  });
});
