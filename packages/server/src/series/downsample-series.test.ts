import { describe, expect, it } from 'vitest';
import { bucketCandles, minMaxLine, rangeIndexes } from './downsample-series.js';

describe('minMaxLine', () => {
  it('keeps the first and last point and the low and high of each bucket, in time order (a hand-worked case)', () => {
    // 6 points: two buckets of four; [0, 5, 1, -3] keeps 5 and -3, [2, 0, 1, 1] keeps 2 and 0
    const line = { time: [0, 1, 2, 3, 4, 5, 6, 7], value: [0, 5, 1, -3, 2, 0, 1, 1] };
    expect(minMaxLine(line, 6)).toEqual({ time: [0, 1, 3, 4, 5, 7], value: [0, 5, -3, 2, 0, 1] });
  });

  it('returns short lines unchanged, never more than the asked points, and every extreme', () => {
    const short = { time: [0, 1], value: [1, 2] };
    expect(minMaxLine(short, 10)).toBe(short);
    const n = 43_200;
    const value = Array.from(
      { length: n },
      (_, i) => Math.sin(i / 50) + (i === 12_345 ? -7 : 0) + (i === 40_001 ? 3 : 0),
    );
    const long = { time: Array.from({ length: n }, (_, i) => i * 60), value };
    for (const points of [4, 501, 1000]) {
      const out = minMaxLine(long, points);
      expect(out.time.length).toBeLessThanOrEqual(points);
      expect(out.time[0]).toBe(0);
      expect(out.time.at(-1)).toBe((n - 1) * 60);
      expect(Math.min(...out.value)).toBe(Math.min(...value));
      expect(Math.max(...out.value)).toBe(Math.max(...value));
      expect(out.time.every((t, i) => i === 0 || t > (out.time[i - 1] as number))).toBe(true);
    }
    expect(minMaxLine(long, 1000)).toEqual(minMaxLine(long, 1000));
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
