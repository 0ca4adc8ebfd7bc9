import { z } from 'zod';
import { BuffError, parseOrThrow, type Bars } from '@buff/core';
import { calendarFeatures } from './calendar.js';
import { atr, bollinger, macdSeries, rsi } from './oscillators.js';
import { logReturns, rollingVolatility, volumeZScore } from './returns.js';

const Period = z.number().int().min(1).max(10_000);

/** What `computeFeatures` computes; every field has a default. Stored with each feature table. */
export const FeatureOptionsSchema = z
  .object({
    returnHorizons: z.array(Period).min(1).default([1, 5, 15, 60]),
    volatilityWindows: z.array(Period.min(2)).default([20, 60]),
    rsiPeriod: Period.default(14),
    macd: z.object({ fast: Period, slow: Period, signal: Period }).strict().default({ fast: 12, slow: 26, signal: 9 }),
    atrPeriod: Period.default(14),
    bollinger: z
      .object({ period: Period.min(2), stdDev: z.number().positive() })
      .strict()
      .default({ period: 20, stdDev: 2 }),
    volumeWindow: Period.min(2).default(20),
    calendar: z.boolean().default(true),
  })
  .strict();
export type FeatureOptions = z.infer<typeof FeatureOptionsSchema>;
export type FeatureOptionsInput = z.input<typeof FeatureOptionsSchema>;

/**
 * Features by column: `columns[i]` holds feature `names[i]` for every bar (row t = bar t).
 * Rows before `warmup` are NaN (not enough history) and are dropped by consumers.
 */
export interface FeatureTable {
  names: string[];
  columns: Float32Array[];
  ts: Float64Array;
  warmup: number;
}

/**
 * Parses feature options, filling defaults (INVALID_CONFIG naming the key on a bad value).
 * @example parseFeatureOptions({ rsiPeriod: 21 }).returnHorizons // [1, 5, 15, 60]
 */
export function parseFeatureOptions(input: FeatureOptionsInput = {}): FeatureOptions {
  const options = parseOrThrow(FeatureOptionsSchema, input, 'INVALID_CONFIG', 'feature options');
  if (options.macd.fast >= options.macd.slow) {
    throw new BuffError('INVALID_CONFIG', 'feature options: macd.fast must be shorter than macd.slow', {
      details: { key: 'macd.fast' },
    });
  }
  return options;
}

/**
 * Rows of history every feature needs before it is valid (60 with the defaults: ret_60, vol_60).
 * @example featureWarmup(parseFeatureOptions()) // 60
 */
export function featureWarmup(options: FeatureOptions): number {
  return Math.max(
    ...options.returnHorizons,
    ...options.volatilityWindows,
    options.rsiPeriod,
    options.macd.slow + options.macd.signal - 2,
    options.atrPeriod,
    options.bollinger.period - 1,
    options.volumeWindow - 1,
  );
}

/**
 * Computes the feature table of canonical bars. Feature i at bar t uses bars [0..t] only (no
 * look-ahead). Prices enter as scale-free quantities: log returns, volatility of log returns, RSI
 * rescaled to [-1, 1], MACD and ATR divided by the close, Bollinger %b, volume z-score, and the
 * bar's open time as sin/cos of the day and week. Throws INSUFFICIENT_DATA when there are no rows
 * past the warmup.
 * @example
 * const table = computeFeatures(bars); // names[0] === 'ret_1', table.warmup === 60
 */
export function computeFeatures(bars: Bars, input: FeatureOptionsInput = {}): FeatureTable {
  const options = parseFeatureOptions(input);
  const n = bars.ts.length;
  const warmup = featureWarmup(options);
  if (n <= warmup) {
    throw new BuffError('INSUFFICIENT_DATA', `features need more than ${warmup} bars of history, got ${n}`, {
      details: { value: String(n), rule: 'INSUFFICIENT_DATA', required: warmup + 1 },
    });
  }
  const { close } = bars;
  const named: Array<[string, ArrayLike<number>]> = [];
  for (const h of options.returnHorizons) named.push([`ret_${h}`, logReturns(close, h)]);
  for (const w of options.volatilityWindows) named.push([`vol_${w}`, rollingVolatility(close, w)]);
  named.push([`rsi_${options.rsiPeriod}`, rsi(close, options.rsiPeriod).map((v) => (v - 50) / 50)]);
  const { fast, slow, signal } = options.macd;
  const macd = macdSeries(close, fast, slow, signal);
  named.push([`macd_${fast}_${slow}`, macd.macd.map((v, t) => v / (close[t] as number))]);
  named.push([`macd_signal_${signal}`, macd.signal.map((v, t) => v / (close[t] as number))]);
  named.push(['macd_hist', macd.histogram.map((v, t) => v / (close[t] as number))]);
  named.push([
    `atr_${options.atrPeriod}`,
    atr(bars.high, bars.low, close, options.atrPeriod).map((v, t) => v / (close[t] as number)),
  ]);
  named.push([
    `bb_pos_${options.bollinger.period}`,
    bollinger(close, options.bollinger.period, options.bollinger.stdDev).position,
  ]);
  named.push(['range_1', bars.high.map((h, t) => Math.log(h / (bars.low[t] as number)))]);
  named.push([`volume_z_${options.volumeWindow}`, volumeZScore(bars.volume, options.volumeWindow)]);
  if (options.calendar) {
    const cal = calendarFeatures(bars.ts);
    named.push(
      ['tod_sin', cal.timeOfDaySin],
      ['tod_cos', cal.timeOfDayCos],
      ['dow_sin', cal.dayOfWeekSin],
      ['dow_cos', cal.dayOfWeekCos],
    );
  }
  const columns = named.map(([, values]) => {
    const column = Float32Array.from(values);
    column.fill(Number.NaN, 0, warmup);
    return column;
  });
  return { names: named.map(([name]) => name), columns, ts: Float64Array.from(bars.ts), warmup };
}
