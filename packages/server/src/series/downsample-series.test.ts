import { describe, expect, it } from 'vitest';
import { bucketCandles, lttbLine, rangeIndexes } from './downsample-series.js';

describe('lttbLine', () => {
  it('keeps first, last and the point that shapes each bucket (a hand-worked case)', () => {
    // buckets (3 points -> first, one middle bucket of t=1..4, last): the spike at t=3 makes the largest triangle
    const line = { time: [0, 1, 2, 3, 4, 5], value: [0, 1, 0, 9, 1, 0] };
    expect(lttbLine(line, 3)).toEqual({ time: [0, 3, 5], value: [0, 9, 0] });
  });

  it('returns short lines unchanged and never more than the asked points', () => {
    const short = { time: [0, 1], value: [1, 2] };
    expect(lttbLine(short, 10)).toBe(short);
    const n = 10_000;
    const long = {
      time: Array.from({ length: n }, (_, i) => i),
      value: Array.from({ length: n }, (_, i) => Math.sin(i / 50)),
    };
    const out = lttbLine(long, 500);
    expect(out.time.length).toBe(500);
    expect(out.time[0]).toBe(0);
    expect(out.time[499]).toBe(n - 1);
    expect(Math.max(...out.value)).toBeGreaterThan(0.999);
    expect(Math.min(...out.value)).toBeLessThan(-0.999);
  });
});

describe('bucketCandles', () => {
  it('merges equal runs of bars keeping open, high, low and close of each bucket', () => {
    const candles = {
      time: [0, 60, 120, 180, 240],
      open: [10, 11, 12, 13, 14],
      high: [11, 30, 13, 14, 15],
      low: [9, 10, 2, 12, 13],
      close: [11, 12, 13, 14, 15],
    };
    expect(bucketCandles(candles, 2)).toEqual({
      time: [0, 180],
      open: [10, 13],
      high: [30, 15],
      low: [2, 12],
      close: [13, 15],
    });
    expect(bucketCandles(candles, 5)).toBe(candles);
  });

  it('keeps the series extremes for any bucket count', () => {
    const n = 43_200;
    const high = Array.from({ length: n }, (_, i) => 100 + Math.sin(i) * 5 + (i === 31_337 ? 50 : 0));
    const low = high.map((h, i) => h - 2 - (i === 7_777 ? 40 : 0));
    const candles = {
      time: high.map((_, i) => i * 60),
      open: high.map((h) => h - 1),
      high,
      low,
      close: high.map((h) => h - 1),
    };
    for (const points of [100, 1000, 2999]) {
      const out = bucketCandles(candles, points);
      expect(out.time.length).toBeLessThanOrEqual(points);
      expect(Math.max(...out.high)).toBe(Math.max(...high));
      expect(Math.min(...out.low)).toBe(Math.min(...low));
    }
  });
});

describe('rangeIndexes', () => {
  it('finds the slice inside [from, to]', () => {
    expect(rangeIndexes([1, 2, 3, 4, 5], 2, 4)).toEqual([1, 4]);
    expect(rangeIndexes([1, 2, 3], 5, 9)).toEqual([3, 3]);
  });
});
