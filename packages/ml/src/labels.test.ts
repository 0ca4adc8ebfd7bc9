import { describe, expect, it } from 'vitest';
import { allocateBars, isBuffError } from '@buff/core';
import { makeLabels } from './labels.js';

function barsFromCloses(closes: number[]) {
  const bars = allocateBars(closes.length);
  closes.forEach((c, i) => {
    bars.ts[i] = i * 60_000;
    bars.open[i] = c;
    bars.high[i] = c;
    bars.low[i] = c;
    bars.close[i] = c;
  });
  return bars;
}

describe('makeLabels', () => {
  const bars = barsFromCloses([100, 101, 100.5, 100.5, 103, 102]);

  it('labels the direction of the next bar; flat and last rows are invalid', () => {
    const { labels, valid } = makeLabels(bars);
    expect(Array.from(labels)).toEqual([1, 0, 0, 1, 0, 0]);
    expect(Array.from(valid)).toEqual([1, 1, 0, 1, 1, 0]);
  });

  it('honours the horizon: the last `horizon` rows are invalid', () => {
    const { labels, valid, forwardReturns } = makeLabels(bars, { horizon: 2 });
    expect(Array.from(labels)).toEqual([1, 0, 1, 1, 0, 0]);
    expect(Array.from(valid)).toEqual([1, 1, 1, 1, 0, 0]);
    expect(forwardReturns[0]).toBeCloseTo(Math.log(100.5 / 100), 12);
    expect(Number.isNaN(forwardReturns[4])).toBe(true);
  });

  it('marks dead-zone rows invalid', () => {
    const { valid } = makeLabels(bars, { deadZone: 0.006 });
    // |ln(101/100)| = 0.00995 > dz, |ln(100.5/101)| = 0.00496 <= dz, ln(103/100.5) = 0.0246, |ln(102/103)| = 0.00976
    expect(Array.from(valid)).toEqual([1, 0, 0, 1, 1, 0]);
  });

  it('rejects bad options and too little data', () => {
    expect(() => makeLabels(bars, { horizon: 0 })).toThrow(/horizon/);
    expect(() => makeLabels(bars, { deadZone: -1 })).toThrow(/deadZone/);
    let caught: unknown;
    try {
      makeLabels(bars, { horizon: 6 });
    } catch (err) {
      caught = err;
    }
    expect(isBuffError(caught, 'INSUFFICIENT_DATA')).toBe(true);
  });
});
