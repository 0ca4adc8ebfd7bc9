import { BuffError, allocateBars, timeframeMs, type Bars, type Timeframe } from '@buff/core';

/** Options of {@link resample}. */
export interface ResampleOptions {
  /** Keep the last bucket even when the data ends before it does. Default false. */
  includePartial?: boolean;
  /**
   * Timeframe of the input bars, used only to decide whether the last bucket is complete.
   * Default '1m' (canonical bars); pass it when resampling an already resampled table.
   * Chaining with complete buckets only (1m -> 5m -> 1h) can end one bucket earlier than
   * resampling 1m directly: the dropped partial 5m bucket was the evidence that the hour before
   * it was followed by data. Resample from 1m (as resampleDataset does) to avoid that.
   */
  sourceTimeframe?: Timeframe;
}

/**
 * Resamples bars into `timeframe` buckets aligned to the UTC epoch (`floor(ts / tf) * tf`,
 * so 1d buckets start at 00:00 UTC), left-closed and labelled by their start:
 * open = first, high = max, low = min, close = last, volume = sum over the bars present.
 * A bucket with no bar is absent (gaps stay gaps).
 *
 * The last bucket is complete when the data reaches its final source bar, i.e. the last
 * input ts >= bucket start + tf - source tf; missing bars inside a bucket do not make it
 * partial, only data that stops before the bucket ends. Every earlier bucket is complete
 * because later data exists. An incomplete last bucket is dropped unless `includePartial`.
 * One pass over typed arrays; deterministic.
 * @example const hourly = resample(minuteBars, '1h');
 */
export function resample(bars: Bars, timeframe: Timeframe, options: ResampleOptions = {}): Bars {
  const tf = timeframeMs(timeframe);
  const sourceTimeframe = options.sourceTimeframe ?? '1m';
  const sourceTf = timeframeMs(sourceTimeframe);
  if (tf < sourceTf || tf % sourceTf !== 0) {
    throw new BuffError('INVALID_INPUT', `cannot resample ${sourceTimeframe} bars to ${timeframe}`, {
      details: { key: 'timeframe', value: timeframe, rule: 'RESAMPLE_FINER_TO_COARSER' },
    });
  }
  const { ts, open, high, low, close, volume } = bars;
  const n = ts.length;
  if (n === 0) return allocateBars(0);

  const first = ts[0] as number;
  const last = ts[n - 1] as number;
  const capacity = Math.min(n, Math.floor(last / tf) - Math.floor(first / tf) + 1);
  if (!(capacity > 0)) throw unordered(0, first, last);
  const out = allocateBars(capacity);
  const oTs = out.ts;
  const oOpen = out.open;
  const oHigh = out.high;
  const oLow = out.low;
  const oClose = out.close;
  const oVolume = out.volume;

  // Running aggregates live in locals and are flushed when a bar crosses the bucket end,
  // so the common case (same bucket) costs two compares and an add.
  let k = 0;
  let bucket = Math.floor(first / tf) * tf;
  let bucketEnd = bucket + tf;
  let o = open[0] as number;
  let h = high[0] as number;
  let l = low[0] as number;
  let v = volume[0] as number;
  let previous = first;
  for (let i = 1; i < n; i++) {
    const t = ts[i] as number;
    if (!(t > previous)) throw unordered(i, previous, t);
    if (t >= bucketEnd) {
      oTs[k] = bucket;
      oOpen[k] = o;
      oHigh[k] = h;
      oLow[k] = l;
      oClose[k] = close[i - 1] as number;
      oVolume[k] = v;
      k++;
      bucket = Math.floor(t / tf) * tf;
      bucketEnd = bucket + tf;
      o = open[i] as number;
      h = high[i] as number;
      l = low[i] as number;
      v = volume[i] as number;
    } else {
      const hi = high[i] as number;
      const lo = low[i] as number;
      if (hi > h) h = hi;
      if (lo < l) l = lo;
      v += volume[i] as number;
    }
    previous = t;
  }
  oTs[k] = bucket;
  oOpen[k] = o;
  oHigh[k] = h;
  oLow[k] = l;
  oClose[k] = close[n - 1] as number;
  oVolume[k] = v;

  let count = k + 1;
  if (!options.includePartial && previous < bucketEnd - sourceTf) count--;
  return count === capacity ? out : shrink(out, count);
}

function shrink(bars: Bars, count: number): Bars {
  return {
    ts: bars.ts.slice(0, count),
    open: bars.open.slice(0, count),
    high: bars.high.slice(0, count),
    low: bars.low.slice(0, count),
    close: bars.close.slice(0, count),
    volume: bars.volume.slice(0, count),
  };
}

function unordered(index: number, previous: number, value: number): BuffError {
  return new BuffError('UNORDERED_TIMESTAMP', `resample input must be strictly ascending: bar ${index} ts ${value} after ${previous}`, {
    details: { index, value: String(value), rule: 'UNORDERED_TIMESTAMP' },
  });
}
