import { wilderSmooth, ema, sma, rollingStd } from './moving-averages.js';

/**
 * RSI (Wilder): average gain and loss over `period` price changes, seeded by their simple mean,
 * then Wilder-smoothed. First value at index `period`. All-gain windows give 100.
 * @example rsi(closes, 14)[14] // 0..100
 */
export function rsi(close: ArrayLike<number>, period = 14): Float64Array {
  const n = close.length;
  const gains = new Float64Array(n);
  const losses = new Float64Array(n);
  for (let i = 1; i < n; i++) {
    const change = (close[i] as number) - (close[i - 1] as number);
    gains[i] = change > 0 ? change : 0;
    losses[i] = change < 0 ? -change : 0;
  }
  const avgGain = wilderSmooth(gains, period, 1);
  const avgLoss = wilderSmooth(losses, period, 1);
  const out = new Float64Array(n).fill(Number.NaN);
  for (let i = period; i < n; i++) {
    const g = avgGain[i] as number;
    const l = avgLoss[i] as number;
    out[i] = l === 0 ? (g === 0 ? 50 : 100) : 100 - 100 / (1 + g / l);
  }
  return out;
}

/** MACD line, its signal line and the histogram (line - signal). */
export interface MacdSeries {
  macd: Float64Array;
  signal: Float64Array;
  histogram: Float64Array;
}

/**
 * MACD: EMA(fast) - EMA(slow) of the close, signal = EMA(signal) of the MACD line, each EMA seeded
 * by an SMA. The line starts at index slow - 1, the signal at slow + signal - 2.
 * @example const { macd, signal, histogram } = macdSeries(closes, 12, 26, 9);
 */
export function macdSeries(close: ArrayLike<number>, fast = 12, slow = 26, signalPeriod = 9): MacdSeries {
  const n = close.length;
  const fastEma = ema(close, fast);
  const slowEma = ema(close, slow);
  const macd = new Float64Array(n).fill(Number.NaN);
  for (let i = slow - 1; i < n; i++) macd[i] = (fastEma[i] as number) - (slowEma[i] as number);
  const signal = ema(macd, signalPeriod, slow - 1);
  const histogram = new Float64Array(n);
  for (let i = 0; i < n; i++) histogram[i] = (macd[i] as number) - (signal[i] as number);
  return { macd, signal, histogram };
}

/**
 * Average true range (Wilder). True range needs the previous close, so it starts at index 1 and
 * ATR at index `period` (technicalindicators' convention; some tools also count bar 0's high - low).
 * @example atr(high, low, close, 14)
 */
export function atr(
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
  period = 14,
): Float64Array {
  const n = close.length;
  const trueRange = new Float64Array(n);
  for (let i = 1; i < n; i++) {
    const h = high[i] as number;
    const l = low[i] as number;
    const prev = close[i - 1] as number;
    trueRange[i] = Math.max(h - l, Math.abs(h - prev), Math.abs(l - prev));
  }
  return wilderSmooth(trueRange, period, 1);
}

/** Bollinger bands: middle SMA and bands at `stdDev` population standard deviations. */
export interface BollingerSeries {
  middle: Float64Array;
  upper: Float64Array;
  lower: Float64Array;
  /** %b: (close - lower) / (upper - lower); 0.5 when the band has zero width. */
  position: Float64Array;
}

/**
 * Bollinger bands over `period` closes (population standard deviation, as technicalindicators).
 * @example bollinger(closes, 20, 2).position
 */
export function bollinger(close: ArrayLike<number>, period = 20, stdDev = 2): BollingerSeries {
  const n = close.length;
  const middle = sma(close, period);
  const sd = rollingStd(close, period);
  const upper = new Float64Array(n).fill(Number.NaN);
  const lower = new Float64Array(n).fill(Number.NaN);
  const position = new Float64Array(n).fill(Number.NaN);
  for (let i = period - 1; i < n; i++) {
    const m = middle[i] as number;
    const s = sd[i] as number;
    upper[i] = m + stdDev * s;
    lower[i] = m - stdDev * s;
    const width = 2 * stdDev * s;
    position[i] = width > 0 ? ((close[i] as number) - (lower[i] as number)) / width : 0.5;
  }
  return { middle, upper, lower, position };
}
