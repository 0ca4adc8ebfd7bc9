import { BuffError, type Bars } from '@buff/core';

/** Direction labels per bar: `labels[t]` = 1 when close[t + horizon] > close[t], else 0. */
export interface LabelSet {
  labels: Uint8Array;
  /** 1 where the label is usable: the forward return exists and lies outside the dead zone. */
  valid: Uint8Array;
  /** The forward log return ln(close[t + horizon] / close[t]); NaN for the last `horizon` rows. */
  forwardReturns: Float64Array;
  horizon: number;
  deadZone: number;
}

export interface LabelOptions {
  /** Bars ahead (default 1). */
  horizon?: number;
  /** Forward log returns with |r| <= deadZone are invalid (default 0: only exactly flat bars). */
  deadZone?: number;
}

/**
 * Labels the direction of the next `horizon`-bar log return. Rows whose return is within the
 * dead zone (|r| <= deadZone; a flat bar is never a direction) and the last `horizon` rows are
 * marked invalid.
 * @example
 * const { labels, valid } = makeLabels(bars, { horizon: 1, deadZone: 0.0005 });
 */
export function makeLabels(bars: Bars, options: LabelOptions = {}): LabelSet {
  const horizon = options.horizon ?? 1;
  const deadZone = options.deadZone ?? 0;
  if (!Number.isInteger(horizon) || horizon < 1) {
    throw new BuffError('INVALID_CONFIG', `labels: horizon must be a positive integer, got ${horizon}`, {
      details: { key: 'horizon', value: String(horizon) },
    });
  }
  if (!(deadZone >= 0) || !Number.isFinite(deadZone)) {
    throw new BuffError('INVALID_CONFIG', `labels: deadZone must be a finite number >= 0, got ${deadZone}`, {
      details: { key: 'deadZone', value: String(deadZone) },
    });
  }
  const n = bars.close.length;
  if (n <= horizon) {
    throw new BuffError('INSUFFICIENT_DATA', `labels: ${n} bars leave no row with a ${horizon}-bar forward return`, {
      details: { value: String(n), rule: 'INSUFFICIENT_DATA' },
    });
  }
  const labels = new Uint8Array(n);
  const valid = new Uint8Array(n);
  const forwardReturns = new Float64Array(n).fill(Number.NaN);
  for (let t = 0; t + horizon < n; t++) {
    const r = Math.log((bars.close[t + horizon] as number) / (bars.close[t] as number));
    forwardReturns[t] = r;
    if (Math.abs(r) > deadZone) {
      valid[t] = 1;
      labels[t] = r > 0 ? 1 : 0;
    }
  }
  return { labels, valid, forwardReturns, horizon, deadZone };
}
