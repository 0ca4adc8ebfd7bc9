import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBuffError, type Bars } from '@buff/core';
import { computeFeatures, featureWarmup, parseFeatureOptions } from './compute-features.js';
import { applyStandardizer, fitStandardizer } from './standardizer.js';
import { walkBars } from '../fixtures/walk-bars.js';

function copyBars(bars: Bars): Bars {
  return {
    ts: bars.ts.slice(),
    open: bars.open.slice(),
    high: bars.high.slice(),
    low: bars.low.slice(),
    close: bars.close.slice(),
    volume: bars.volume.slice(),
  };
}

describe('computeFeatures', () => {
  const bars = walkBars(400, 1);
  const table = computeFeatures(bars);

  it('names, shapes and warmup', () => {
    expect(table.names).toContain('ret_1');
    expect(table.names).toEqual([
      'ret_1',
      'ret_5',
      'ret_15',
      'ret_60',
      'vol_20',
      'vol_60',
      'rsi_14',
      'macd_12_26',
      'macd_signal_9',
      'macd_hist',
      'atr_14',
      'bb_pos_20',
      'range_1',
      'volume_z_20',
      'tod_sin',
      'tod_cos',
      'dow_sin',
      'dow_cos',
    ]);
    expect(table.warmup).toBe(60);
    expect(table.warmup).toBe(featureWarmup(parseFeatureOptions()));
    for (const column of table.columns) {
      expect(column).toBeInstanceOf(Float32Array);
      expect(column.length).toBe(400);
      expect(Number.isNaN(column[table.warmup - 1])).toBe(true);
      for (let t = table.warmup; t < 400; t++) expect(Number.isFinite(column[t])).toBe(true);
    }
  });

  it('ret_1 is the latest one-bar log return and the calendar is UTC (2024-01-01 was a Monday)', () => {
    const t = 100;
    expect(table.columns[0]?.[t]).toBeCloseTo(Math.log((bars.close[t] as number) / (bars.close[t - 1] as number)), 6);
    const tod = table.names.indexOf('tod_sin');
    const dow = table.names.indexOf('dow_cos');
    // bar t opens at 00:00 + t minutes on Monday: week phase = t / (7 * 1440)
    expect(table.columns[tod]?.[t]).toBeCloseTo(Math.sin((2 * Math.PI * t) / 1440), 6);
    expect(table.columns[dow]?.[t]).toBeCloseTo(Math.cos((2 * Math.PI * t) / (7 * 1440)), 6);
  });

  it('no look-ahead: changing bars after t changes no feature at or before t', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 398 }), fc.integer({ min: 1, max: 1000 }), (t, seed) => {
        const changed = copyBars(bars);
        const other = walkBars(400, seed);
        for (let i = t + 1; i < 400; i++) {
          changed.open[i] = other.open[i] as number;
          changed.high[i] = other.high[i] as number;
          changed.low[i] = other.low[i] as number;
          changed.close[i] = other.close[i] as number;
          changed.volume[i] = (other.volume[i] as number) * 3;
        }
        const after = computeFeatures(changed);
        after.columns.forEach((column, c) => {
          const before = table.columns[c] as Float32Array;
          for (let i = 0; i <= t; i++) expect(Object.is(column[i], before[i])).toBe(true);
        });
      }),
      { numRuns: 40, seed: 7 },
    );
  });

  it('throws INSUFFICIENT_DATA when there are no rows past the warmup', () => {
    expect(() => computeFeatures(walkBars(60, 2))).toThrow(/more than 60 bars/);
    let caught: unknown;
    try {
      computeFeatures(walkBars(10, 2));
    } catch (err) {
      caught = err;
    }
    expect(isBuffError(caught, 'INSUFFICIENT_DATA')).toBe(true);
    expect(computeFeatures(walkBars(61, 2)).warmup).toBe(60);
  });

  it('rejects unknown options', () => {
    expect(() => computeFeatures(bars, { rsiPeriod: 0 })).toThrow(/rsiPeriod/);
    expect(() => computeFeatures(bars, { nope: 1 } as never)).toThrow(/INVALID|Unrecognized|nope/i);
  });
});

describe('standardizer', () => {
  const table = computeFeatures(walkBars(400, 3));

  it('fits on the train rows only and z-scores them to mean 0, std 1', () => {
    const standardizer = fitStandardizer(table, [0, 200]);
    const scaled = applyStandardizer(table, standardizer);
    const ret = scaled.columns[0] as Float32Array;
    let sum = 0;
    let squares = 0;
    for (let t = table.warmup; t < 200; t++) sum += ret[t] as number;
    const mean = sum / (200 - table.warmup);
    for (let t = table.warmup; t < 200; t++) squares += ((ret[t] as number) - mean) ** 2;
    expect(mean).toBeCloseTo(0, 5);
    expect(Math.sqrt(squares / (200 - table.warmup))).toBeCloseTo(1, 4);
    // test rows do not influence the fit
    const changed = { ...table, columns: table.columns.map((c) => c.map((v, t) => (t >= 200 ? v * 100 : v))) };
    expect(fitStandardizer(changed, [0, 200])).toEqual(standardizer);
  });

  it('refuses a standardizer fitted on other feature names', () => {
    const standardizer = fitStandardizer(table, [0, 200]);
    expect(() => applyStandardizer({ ...table, names: table.names.slice().reverse() }, standardizer)).toThrow(
      /fitted on features/,
    );
  });
});
