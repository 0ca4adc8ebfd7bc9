import { BuffError, allocateBars, sliceBars, timeframeMs, type Bars, type Timeframe } from '@buff/core';

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

  // One bucket per outer step: the inner loop runs over the bucket's bars with the aggregates in
  // locals (a compare, the order check and three updates per bar), then the bucket is written.
  let k = 0;
  let i = 0;
  let previous = -Infinity;
  let bucketEnd = 0;
  while (i < n) {
    const t0 = ts[i] as number;
    if (!(t0 > previous)) throw unordered(i, previous, t0);
    const bucket = Math.floor(t0 / tf) * tf;
    bucketEnd = bucket + tf;
    const o = open[i] as number;
    let h = high[i] as number;
    let l = low[i] as number;
    let v = volume[i] as number;
    previous = t0;
    let j = i + 1;
    for (; j < n; j++) {
      const t = ts[j] as number;
      if (t >= bucketEnd) break;
      if (!(t > previous)) throw unordered(j, previous, t);
      previous = t;
      const hi = high[j] as number;
      if (hi > h) h = hi;
      const lo = low[j] as number;
      if (lo < l) l = lo;
      v += volume[j] as number;
    }
    oTs[k] = bucket;
    oOpen[k] = o;
    oHigh[k] = h;
    oLow[k] = l;
    oClose[k] = close[j - 1] as number;
    oVolume[k] = v;
    k++;
    i = j;
  }

  let count = k;
  if (!options.includePartial && previous < bucketEnd - sourceTf) count--;
  return count === capacity ? out : sliceBars(out, 0, count);
}

function unordered(index: number, previous: number, value: number): BuffError {
  return new BuffError(
    'UNORDERED_TIMESTAMP',
    `resample input must be strictly ascending: bar ${index} ts ${value} after ${previous}`,
    {
      details: { index, value: String(value), rule: 'UNORDERED_TIMESTAMP' },
    },
  );
}
