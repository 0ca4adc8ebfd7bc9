/** Column names of a canonical bar table, in their stored order. */
export const BAR_COLUMNS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;
export type BarColumn = (typeof BAR_COLUMNS)[number];

/** The price and volume columns (everything but `ts`). */
export const VALUE_COLUMNS = ['open', 'high', 'low', 'close', 'volume'] as const;
export type ValueColumn = (typeof VALUE_COLUMNS)[number];

/**
 * Canonical bars in memory: one typed array per column, equal lengths, `ts` in UTC epoch
 * milliseconds (candle open time), strictly ascending. Hot paths work on these columns.
 */
export interface Bars {
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** Allocates zeroed bars of the given length. */
export function allocateBars(length: number): Bars {
  return {
    ts: new Float64Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume: new Float64Array(length),
  };
}

/** Number of bars. */
export function barCount(bars: Bars): number {
  return bars.ts.length;
}

/** A view of bars [start, end) that shares memory with the input. */
export function sliceBars(bars: Bars, start: number, end: number): Bars {
  return {
    ts: bars.ts.subarray(start, end),
    open: bars.open.subarray(start, end),
    high: bars.high.subarray(start, end),
    low: bars.low.subarray(start, end),
    close: bars.close.subarray(start, end),
    volume: bars.volume.subarray(start, end),
  };
}

/**
 * The first index whose timestamp is >= `value` (`ts.length` when none): a binary search over
 * ascending bar times, so `[firstIndexAtOrAfter(ts, since), firstIndexAtOrAfter(ts, until))` is a window.
 * @example firstIndexAtOrAfter(new Float64Array([0, 60_000, 120_000]), 60_000); // 1
 */
export function firstIndexAtOrAfter(ts: Float64Array, value: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ts[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
