import { readFileSync } from 'node:fs';
import ti from 'technicalindicators';
import { describe, expect, it } from 'vitest';
import { atr, bollinger, macdSeries, rsi } from './oscillators.js';
import { ema, sma } from './moving-averages.js';

// Oracle: the technicalindicators package on real exchange candles (tests/fixtures/real/).
// Conventions that match ours: EMA and Wilder averages seeded with the SMA of the first `period`
// values; true range starts at bar 1 (needs the previous close); Bollinger uses the population SD.
// Differences: technicalindicators rounds RSI to 2 decimals (we compare within 0.005) and reports
// RSI 100 when both averages are 0 (we report 50; such rows are skipped); it divides by a zero
// Bollinger width (we report %b 0.5; skipped).
const REAL = new URL('../../../../tests/fixtures/real/', import.meta.url).pathname;

function readCsv(file: string): { high: number[]; low: number[]; close: number[] } {
  const lines = readFileSync(REAL + file, 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  const high: number[] = [];
  const low: number[] = [];
  const close: number[] = [];
  for (const line of lines) {
    const [, , h, l, c] = line.split(',');
    high.push(Number(h));
    low.push(Number(l));
    close.push(Number(c));
  }
  return { high, low, close };
}

/** Compares our series (NaN before its first value) with the oracle's (first value omitted), aligned at the end. */
function compare(
  ours: Float64Array,
  oracle: Array<number | undefined>,
  options: { abs?: number; skip?: (i: number) => boolean } = {},
): number {
  const offset = ours.length - oracle.length;
  expect(offset).toBeGreaterThanOrEqual(0);
  let checked = 0;
  let worst = 0;
  for (let k = 0; k < oracle.length; k++) {
    const expected = oracle[k];
    const i = offset + k;
    if (expected === undefined || options.skip?.(i)) continue;
    const actual = ours[i] as number;
    const error = Math.abs(actual - expected);
    const allowed = options.abs ?? 1e-6 * Math.max(Math.abs(expected), 1e-12);
    if (!(error <= allowed))
      throw new Error(`index ${i}: ours ${actual} vs oracle ${expected} (error ${error} > ${allowed})`);
    worst = Math.max(worst, error);
    checked++;
  }
  // no value before the oracle's first one
  for (let i = 0; i < offset; i++) expect(Number.isNaN(ours[i])).toBe(true);
  expect(checked).toBeGreaterThan(oracle.length * 0.9);
  return worst;
}

describe.each(['unittest_btc_5m.csv', 'xrp_eth_1m.csv'])('indicators vs technicalindicators on %s', (file) => {
  const data = readCsv(file);

  it('SMA and EMA', () => {
    compare(sma(data.close, 20), ti.SMA.calculate({ period: 20, values: data.close }));
    compare(ema(data.close, 12), ti.EMA.calculate({ period: 12, values: data.close }));
    compare(ema(data.close, 26), ti.EMA.calculate({ period: 26, values: data.close }));
  });

  it('RSI (Wilder, 14)', () => {
    const ours = rsi(data.close, 14);
    const flat = (i: number): boolean => ours[i] === 50;
    compare(ours, ti.RSI.calculate({ period: 14, values: data.close }), { abs: 0.005 + 1e-9, skip: flat });
  });

  it('MACD (12/26/9, EMA oscillator and signal)', () => {
    const ours = macdSeries(data.close, 12, 26, 9);
    const oracle = ti.MACD.calculate({
      values: data.close,
      fastPeriod: 12,
      slowPeriod: 26,
      signalPeriod: 9,
      SimpleMAOscillator: false,
      SimpleMASignal: false,
    });
    const scale = 1e-6 * Math.max(...data.close.map(Math.abs)) * 1e-3;
    compare(
      ours.macd,
      oracle.map((r) => r.MACD),
      { abs: scale },
    );
    compare(
      ours.signal,
      oracle.map((r) => r.signal),
      { abs: scale },
    );
    compare(
      ours.histogram,
      oracle.map((r) => r.histogram),
      { abs: scale },
    );
    // and relative where the value is not tiny
    const offset = data.close.length - oracle.length;
    oracle.forEach((r, k) => {
      if (r.MACD !== undefined && Math.abs(r.MACD) > 1e-9)
        expect(Math.abs((ours.macd[offset + k] as number) - r.MACD)).toBeLessThanOrEqual(1e-6 * Math.abs(r.MACD));
    });
  });

  it('ATR (Wilder, 14)', () => {
    compare(
      atr(data.high, data.low, data.close, 14),
      ti.ATR.calculate({ period: 14, high: data.high, low: data.low, close: data.close }),
    );
  });

  it('Bollinger bands (20, 2) and %b', () => {
    const ours = bollinger(data.close, 20, 2);
    const oracle = ti.BollingerBands.calculate({ period: 20, stdDev: 2, values: data.close });
    compare(
      ours.middle,
      oracle.map((r) => r.middle),
    );
    compare(
      ours.upper,
      oracle.map((r) => r.upper),
    );
    compare(
      ours.lower,
      oracle.map((r) => r.lower),
    );
    const zeroWidth = (i: number): boolean => (ours.upper[i] as number) === (ours.lower[i] as number);
    compare(
      ours.position,
      oracle.map((r) => (Number.isFinite(r.pb) ? r.pb : undefined)),
      { abs: 1e-6, skip: zeroWidth },
    );
  });
});
