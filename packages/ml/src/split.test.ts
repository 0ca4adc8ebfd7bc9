import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBuffError } from '@buff/core';
import { chronologicalSplit } from './split.js';

describe('chronologicalSplit', () => {
  it('splits 70/15/15 with gaps of the window', () => {
    const split = chronologicalSplit(1000, { window: 10 });
    expect(split.train).toEqual([0, 686]);
    expect(split.val).toEqual([696, 843]);
    expect(split.test).toEqual([853, 1000]);
  });

  it('is chronological, non-overlapping, with gaps >= window, for any sizes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 5000 }),
        (window, extraGap, offset, extra) => {
          const gap = window + extraGap;
          const n = offset + 2 * gap + 8 * window + extra;
          const s = chronologicalSplit(n, { window, gap, offset });
          expect(s.train[0]).toBe(offset);
          expect(s.test[1]).toBe(n);
          for (const [a, b] of [s.train, s.val, s.test]) expect(b - a).toBeGreaterThanOrEqual(window);
          expect(s.val[0] - s.train[1]).toBeGreaterThanOrEqual(window);
          expect(s.test[0] - s.val[1]).toBeGreaterThanOrEqual(window);
          expect(s.val[0] - s.train[1]).toBe(gap);
          expect(s.test[0] - s.val[1]).toBe(gap);
        },
      ),
      { numRuns: 200, seed: 11 },
    );
  });

  it('refuses a gap shorter than the window', () => {
    expect(() => chronologicalSplit(1000, { window: 10, gap: 5 })).toThrow(/gap must be an integer >= window/);
  });

  it('throws INSUFFICIENT_DATA when a split cannot hold one window', () => {
    let caught: unknown;
    try {
      chronologicalSplit(100, { window: 30 });
    } catch (err) {
      caught = err;
    }
    expect(isBuffError(caught, 'INSUFFICIENT_DATA')).toBe(true);
    expect(String((caught as Error).message)).toMatch(/window=30/);
  });
});
