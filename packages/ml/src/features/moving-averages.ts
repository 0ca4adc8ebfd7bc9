/**
 * Causal moving averages on typed arrays. Value i uses inputs [0..i] only; positions before
 * the first full window are NaN. NaN inputs are not expected (callers pass finite series).
 */

/**
 * Simple moving average over `period` values.
 * @example sma(Float64Array.of(1, 2, 3, 4), 2) // [NaN, 1.5, 2.5, 3.5]
 */
export function sma(values: ArrayLike<number>, period: number, start = 0): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  for (let i = start + period - 1; i < values.length; i++) {
    let sum = 0;
    for (let k = i - period + 1; k <= i; k++) sum += values[k] as number;
    out[i] = sum / period;
  }
  return out;
}

/**
 * Exponential moving average with smoothing `alpha`, seeded with the simple average of the
 * first `period` values from `start` (the convention of technicalindicators and TA-Lib).
 */
function seededEma(values: ArrayLike<number>, period: number, alpha: number, start: number): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  const first = start + period - 1;
  if (first >= values.length) return out;
  let sum = 0;
  for (let k = start; k <= first; k++) sum += values[k] as number;
  let prev = sum / period;
  out[first] = prev;
  for (let i = first + 1; i < values.length; i++) {
    prev = ((values[i] as number) - prev) * alpha + prev;
    out[i] = prev;
  }
  return out;
}

/**
 * EMA with alpha = 2 / (period + 1), seeded by the SMA of the first `period` values from `start`.
 * @example ema(closes, 12)
 */
export function ema(values: ArrayLike<number>, period: number, start = 0): Float64Array {
  return seededEma(values, period, 2 / (period + 1), start);
}

/**
 * Wilder's smoothing (RMA): alpha = 1 / period, seeded by the SMA of the first `period` values.
 * @example wilderSmooth(trueRanges, 14, 1)
 */
export function wilderSmooth(values: ArrayLike<number>, period: number, start = 0): Float64Array {
  return seededEma(values, period, 1 / period, start);
}

/**
 * Population standard deviation over the last `period` values (two-pass per window, so no drift).
 * @example rollingStd(returns, 20, 1)
 */
export function rollingStd(values: ArrayLike<number>, period: number, start = 0): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  for (let i = start + period - 1; i < values.length; i++) {
    let sum = 0;
    for (let k = i - period + 1; k <= i; k++) sum += values[k] as number;
    const mean = sum / period;
    let squares = 0;
    for (let k = i - period + 1; k <= i; k++) {
      const d = (values[k] as number) - mean;
      squares += d * d;
    }
    out[i] = Math.sqrt(squares / period);
  }
  return out;
}
