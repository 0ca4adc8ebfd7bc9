/** One bar as a feed delivers it. */
export interface FeedBar {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** Why a feed bar is refused (the ingest row rules, applied to one bar against the last used one). */
export type FeedBarRule =
  | 'NON_FINITE_NUMBER'
  | 'NEGATIVE_VOLUME'
  | 'HIGH_BELOW_OPEN_CLOSE'
  | 'LOW_ABOVE_OPEN_CLOSE'
  | 'WRONG_SPACING'
  | 'UNORDERED_TIMESTAMP'
  | 'DUPLICATE_TIMESTAMP';

/**
 * Checks a feed bar before use with the ingest row rules: finite values, volume >= 0, high >=
 * max(open, close), low <= min(open, close), the time on the timeframe grid and after the last used
 * bar. Returns the broken rule (the bar is refused, logged, counted, never used), `GAP` when bars are
 * missing before it (counted, and the bar is used, as ingest does with allowed gaps), or undefined.
 * @example checkFeedBar(bar, lastTs, 60_000) // undefined
 */
export function checkFeedBar(bar: FeedBar, lastTs: number, stepMs: number): FeedBarRule | 'GAP' | undefined {
  const values = [bar.ts, bar.open, bar.high, bar.low, bar.close, bar.volume];
  if (!values.every(Number.isFinite)) return 'NON_FINITE_NUMBER';
  if (bar.volume < 0) return 'NEGATIVE_VOLUME';
  if (bar.high < Math.max(bar.open, bar.close)) return 'HIGH_BELOW_OPEN_CLOSE';
  if (bar.low > Math.min(bar.open, bar.close)) return 'LOW_ABOVE_OPEN_CLOSE';
  if (bar.ts % stepMs !== 0) return 'WRONG_SPACING';
  if (Number.isFinite(lastTs)) {
    if (bar.ts === lastTs) return 'DUPLICATE_TIMESTAMP';
    if (bar.ts < lastTs) return 'UNORDERED_TIMESTAMP';
    if (bar.ts > lastTs + stepMs) return 'GAP';
  }
  return undefined;
}
