import { rollingStd } from './moving-averages.js';

/**
 * Log return over `horizon` bars: ln(close[t] / close[t - horizon]); NaN for t < horizon.
 * Bars are consecutive rows, so across a data gap the return spans the gap.
 * @example logReturns(closes, 1)[1] === Math.log(closes[1] / closes[0])
 */
export function logReturns(close: ArrayLike<number>, horizon = 1): Float64Array {
  const out = new Float64Array(close.length).fill(Number.NaN);
  for (let t = horizon; t < close.length; t++) out[t] = Math.log((close[t] as number) / (close[t - horizon] as number));
  return out;
}

/**
 * Rolling volatility: population standard deviation of the last `window` one-bar log returns.
 * First value at index `window` (the first return is at index 1).
 * @example rollingVolatility(closes, 20)
 */
export function rollingVolatility(close: ArrayLike<number>, window = 20): Float64Array {
  return rollingStd(logReturns(close, 1), window, 1);
}

/**
 * Volume z-score: (volume[t] - mean) / std over the last `window` volumes (t included);
 * 0 when the window's volume is constant.
 * @example volumeZScore(volumes, 20)
 */
export function volumeZScore(volume: ArrayLike<number>, window = 20): Float64Array {
  const out = new Float64Array(volume.length).fill(Number.NaN);
  const std = rollingStd(volume, window);
  for (let t = window - 1; t < volume.length; t++) {
    let sum = 0;
    for (let k = t - window + 1; k <= t; k++) sum += volume[k] as number;
    const s = std[t] as number;
    out[t] = s > 0 ? ((volume[t] as number) - sum / window) / s : 0;
  }
  return out;
}
