import type { Bars } from '@buff/core';
import { type IndicatorCache, smaSeries } from './indicator-cache.js';

/**
 * Writes a strategy's target direction at every bar into `out` from cached indicator series (the
 * target its `decide` returns at that bar, before shorts and guardrails); false when the pack has no
 * cached form (the cell is then simulated bar by bar). sweep.test.ts checks the two agree byte for byte.
 */
type TargetsFn = (bars: Bars, params: Record<string, unknown>, cache: IndicatorCache, out: Int8Array) => void;

const smaCrossTargets: TargetsFn = (bars, params, cache, out) => {
  const fastPeriod = params.fast as number;
  const slowPeriod = params.slow as number;
  const fast = cache.series(`sma:${fastPeriod}`, (into) => smaSeries(bars.close, fastPeriod, into));
  const slow = cache.series(`sma:${slowPeriod}`, (into) => smaSeries(bars.close, slowPeriod, into));
  const n = bars.ts.length;
  const warm = Math.min(n, slowPeriod - 1);
  out.fill(0, 0, warm);
  for (let t = warm; t < n; t++) {
    const f = fast[t] as number;
    const s = slow[t] as number;
    out[t] = f > s ? 1 : f < s ? -1 : 0;
  }
};

const TARGETS: Record<string, TargetsFn> = { 'sma-cross': smaCrossTargets };

/** True when `strategy` has a cached form. */
export function hasCachedTargets(strategy: string): boolean {
  return Object.hasOwn(TARGETS, strategy);
}

/** Fills `out` (one slot per bar) with the strategy's targets; false when it has no cached form. */
export function cachedTargets(
  strategy: string,
  bars: Bars,
  params: Record<string, unknown>,
  cache: IndicatorCache,
  out: Int8Array,
): boolean {
  const fn = TARGETS[strategy];
  if (fn === undefined) return false;
  fn(bars, params, cache, out);
  return true;
}
