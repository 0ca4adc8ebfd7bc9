import { describe, expect, it } from 'vitest';
import { allocateBars, isBuffError, type Bars } from '@buff/core';
import { resample } from './resample.js';

const MIN = 60_000;
const T0 = Date.parse('2024-01-01T00:00:00Z');

/** 1m bars at the given minute offsets from T0, with values derived from the offset. */
function minutes(offsets: number[]): Bars {
  const bars = allocateBars(offsets.length);
  offsets.forEach((m, i) => {
    bars.ts[i] = T0 + m * MIN;
    bars.open[i] = 100 + m;
    bars.high[i] = 101 + m;
    bars.low[i] = 99 - m;
    bars.close[i] = 100.5 + m;
    bars.volume[i] = m + 1;
  });
  return bars;
}

function expectThrowsCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (err) {
    expect(isBuffError(err) && err.code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe('resample', () => {
  it('aggregates open first, high max, low min, close last, volume sum per 5m bucket', () => {
    const out = resample(minutes([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), '5m');
    expect(Array.from(out.ts)).toEqual([T0, T0 + 5 * MIN]);
    expect(Array.from(out.open)).toEqual([100, 105]);
    expect(Array.from(out.high)).toEqual([105, 110]);
    expect(Array.from(out.low)).toEqual([95, 90]);
    expect(Array.from(out.close)).toEqual([104.5, 109.5]);
    expect(Array.from(out.volume)).toEqual([15, 40]);
  });

  it('leaves empty buckets absent and keeps gapped buckets that the data runs past', () => {
    const out = resample(minutes([1, 3, 17, 19]), '5m');
    expect(Array.from(out.ts)).toEqual([T0, T0 + 15 * MIN]);
    expect(Array.from(out.open)).toEqual([101, 117]);
    expect(Array.from(out.volume)).toEqual([2 + 4, 18 + 20]);
  });

  it('drops an incomplete last bucket unless includePartial', () => {
    const bars = minutes([0, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(resample(bars, '5m').ts)).toEqual([T0]);
    expect(Array.from(resample(bars, '5m', { includePartial: true }).ts)).toEqual([T0, T0 + 5 * MIN]);
  });

  it('counts the last bucket complete when its last source minute is present, even with gaps inside', () => {
    expect(resample(minutes([0, 4]), '5m').ts.length).toBe(1);
    expect(resample(minutes([0, 3]), '5m').ts.length).toBe(0);
  });

  it('uses the source timeframe to judge completeness of resampled input', () => {
    const fiveMinute = resample(minutes(Array.from({ length: 60 }, (_, m) => m)), '5m');
    expect(resample(fiveMinute, '1h', { sourceTimeframe: '5m' }).ts.length).toBe(1);
    expect(resample(fiveMinute, '1h').ts.length).toBe(0); // as 1m input the 59th minute is missing
  });

  it('aligns 1d buckets to 00:00 UTC and labels them by their start', () => {
    const start = Date.parse('2024-03-05T22:00:00Z');
    const bars = allocateBars(4 * 60);
    for (let i = 0; i < bars.ts.length; i++) {
      bars.ts[i] = start + i * MIN;
      bars.open[i] = bars.high[i] = bars.low[i] = bars.close[i] = 1;
      bars.volume[i] = 1;
    }
    const out = resample(bars, '1d', { includePartial: true });
    expect(Array.from(out.ts, (t) => new Date(t).toISOString())).toEqual([
      '2024-03-05T00:00:00.000Z',
      '2024-03-06T00:00:00.000Z',
    ]);
    expect(Array.from(out.volume)).toEqual([120, 120]);
  });

  it('returns empty bars for empty input', () => {
    expect(resample(allocateBars(0), '1h').ts.length).toBe(0);
  });

  it('rejects unordered or duplicate timestamps', () => {
    expectThrowsCode(() => resample(minutes([0, 2, 1]), '5m'), 'UNORDERED_TIMESTAMP');
    expectThrowsCode(() => resample(minutes([0, 1, 1]), '5m'), 'UNORDERED_TIMESTAMP');
  });

  it('refuses to resample to a finer timeframe than the source', () => {
    expectThrowsCode(() => resample(minutes([0]), '5m', { sourceTimeframe: '1h' }), 'INVALID_INPUT');
  });
});
