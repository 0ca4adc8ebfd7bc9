import { createDayClock, type DayClock } from '../day-clock.js';

/**
 * Indicator series shared by the cells of a sweep: each distinct indicator and parameter (say the
 * 20-bar SMA of close) is computed once over the sweep's bars and read by every cell that uses it.
 * A byte budget bounds the memory: once it is full, further series are computed for the cell that
 * asks and not kept (a sweep walks its cells in a cycle, so keeping the first series beats evicting).
 * A worker running a sweep's chunks calls {@link IndicatorCache.retire} after each chunk: series the
 * chunk did not read are dropped and their memory is reused by the next new series (a fresh 1M-bar
 * series costs ten times its arithmetic in first-touch memory, and two processes faulting at once
 * slow each other).
 * @example const cache = new IndicatorCache(512 * 2 ** 20); const sma20 = cache.series('sma:20', (into) => smaSeries(close, 20, into));
 */
export class IndicatorCache {
  private readonly entries = new Map<string, Float64Array>();
  private readonly read = new Set<string>();
  private readonly spare: Float64Array[] = [];
  private used = 0;
  /** Series computed (hits do not count); a sweep of 1,000 sma-cross cells computes one per period. */
  computed = 0;
  /** Series computed into the memory of a retired one. */
  reused = 0;

  constructor(private readonly budgetBytes: number) {}

  /**
   * The series under `key`, computed by `compute` on the first call (or on every call past the
   * budget). `compute` gets a retired series' array to fill, when there is one: it must overwrite
   * every element, or ignore it (a wrong length) and return a new array.
   */
  series(key: string, compute: (into: Float64Array | undefined) => Float64Array): Float64Array {
    this.read.add(key);
    const cached = this.entries.get(key);
    if (cached !== undefined) return cached;
    const into = this.spare.pop();
    const values = compute(into);
    this.computed++;
    if (into !== undefined && values === into) this.reused++;
    if (this.used + values.byteLength <= this.budgetBytes) {
      this.entries.set(key, values);
      this.used += values.byteLength;
    }
    return values;
  }

  /** Drops the series not read since the last retire (or since the start), keeping their memory for new ones. */
  retire(): void {
    for (const [key, values] of this.entries) {
      if (this.read.has(key)) continue;
      this.entries.delete(key);
      this.used -= values.byteLength;
      this.spare.push(values);
    }
    this.read.clear();
  }
}

/**
 * The `period`-bar simple moving average of `close` at every bar, computed exactly as the sma-cross
 * pack computes it bar by bar (a rolled sum; the close itself once the last `period` closes are all
 * equal), so that a cell read from the cache decides bit for bit as the pack does. NaN before the
 * first full window. Written into `into` when it has one slot per close (every slot is overwritten).
 * @example smaSeries(Float64Array.of(1, 2, 3), 2) // [NaN, 1.5, 2.5]
 */
export function smaSeries(close: Float64Array, period: number, into?: Float64Array): Float64Array {
  const n = close.length;
  const out = into?.length === n ? into : new Float64Array(n);
  let sum = Number.NaN;
  let flatSince = 0;
  for (let t = 0; t < n; t++) {
    const c = close[t] as number;
    if (t + 1 < period) sum = Number.NaN;
    else if (t + 1 === period) {
      sum = 0;
      for (let i = t - period + 1; i <= t; i++) sum += close[i] as number;
    } else sum = sum + c - (close[t - period] as number);
    if (t === 0 || c !== close[t - 1]) flatSince = t;
    out[t] = t - flatSince + 1 >= period ? c : sum / period;
  }
  return out;
}

/**
 * A day clock for the timestamps of `ts` (sorted bar times) only, computed once with the zone's clock
 * and then read by every cell: the start of each day with a bar is kept, and a bar at or after it and
 * before the next kept start belongs to it (a time between bars would map to the last day with a
 * bar, so the clock is for these bars; a time outside them is refused).
 * @example const clock = barDayClock(bars.ts, 'Europe/Prague'); clock.dayStart(bars.ts[0]);
 */
export function barDayClock(ts: Float64Array, timezone: string): DayClock {
  const zone = createDayClock(timezone);
  const starts: number[] = [];
  for (let t = 0; t < ts.length; t++) {
    const day = zone.dayStart(ts[t] as number);
    if (day !== starts[starts.length - 1]) starts.push(day);
  }
  const first = ts[0] ?? Number.POSITIVE_INFINITY;
  const last = ts[ts.length - 1] ?? Number.NEGATIVE_INFINITY;
  let k = 0;
  return {
    dayStart(x: number): number {
      if (!(x >= first && x <= last)) throw new RangeError(`barDayClock: ${x} is not a bar time`);
      if (x < (starts[k] as number)) k = 0;
      while (k + 1 < starts.length && x >= (starts[k + 1] as number)) k++;
      return starts[k] as number;
    },
  };
}
