import { BuffError, allocateBars, sliceBars, timeframeMs, type Bars, type Timeframe } from '@buff/core';
import type { ResampleOptions } from './resample.js';

/**
 * {@link resample} batch by batch: `push` each batch of bars in time order and get the buckets it
 * closed; the bucket still open at the end of a batch is carried into the next one; `finish` gives
 * the last bucket when it is complete (or `includePartial`). The buckets of all pushes and finish,
 * joined, are exactly `resample(all bars)`, wherever the batches were cut. Memory: one bucket.
 * @example const r = new Resampler('1h'); for await (const { bars } of batches) write(r.push(bars)); write(r.finish());
 */
export class Resampler {
  private readonly tf: number;
  private readonly sourceTf: number;
  private readonly includePartial: boolean;
  /** The open bucket (when `open`): start, open, high, low, close, volume. */
  private open = false;
  private bucket = 0;
  private o = 0;
  private h = 0;
  private l = 0;
  private c = 0;
  private v = 0;
  private previous = -Infinity;
  /** Bars pushed before the current batch (for error messages). */
  private seen = 0;

  constructor(timeframe: Timeframe, options: ResampleOptions = {}) {
    this.tf = timeframeMs(timeframe);
    const sourceTimeframe = options.sourceTimeframe ?? '1m';
    this.sourceTf = timeframeMs(sourceTimeframe);
    this.includePartial = options.includePartial ?? false;
    if (this.tf < this.sourceTf || this.tf % this.sourceTf !== 0) {
      throw new BuffError('INVALID_INPUT', `cannot resample ${sourceTimeframe} bars to ${timeframe}`, {
        details: { key: 'timeframe', value: timeframe, rule: 'RESAMPLE_FINER_TO_COARSER' },
      });
    }
  }

  /** Adds the next bars (strictly after every bar pushed before); returns the buckets they closed. */
  push(bars: Bars): Bars {
    const { ts, open, high, low, close, volume } = bars;
    const n = ts.length;
    const { tf } = this;
    if (n === 0) return allocateBars(0);
    // Buckets this batch can close: the open one and those its bars start, less the last (still open).
    const firstBucket = this.open ? this.bucket : Math.floor((ts[0] as number) / tf) * tf;
    const span = Math.floor((ts[n - 1] as number) / tf) - Math.floor(firstBucket / tf) + 1;
    const capacity = Math.min(n, span > 0 ? span : n);
    const out = allocateBars(capacity);
    let { bucket, o, h, l, c, v, previous } = this;
    let bucketEnd = this.open ? bucket + tf : -Infinity;
    let k = 0;
    let i = 0;
    while (i < n) {
      // The bars of the open bucket: a compare, the order check and four updates per bar.
      for (; i < n; i++) {
        const t = ts[i] as number;
        if (t >= bucketEnd) break;
        if (!(t > previous)) throw this.unordered(i, previous, t);
        previous = t;
        const hi = high[i] as number;
        if (hi > h) h = hi;
        const lo = low[i] as number;
        if (lo < l) l = lo;
        v += volume[i] as number;
        c = close[i] as number;
      }
      if (i === n) break;
      if (bucketEnd !== -Infinity) k = emit(out, k, bucket, o, h, l, c, v);
      const t0 = ts[i] as number;
      if (!(t0 > previous)) throw this.unordered(i, previous, t0);
      bucket = Math.floor(t0 / tf) * tf;
      bucketEnd = bucket + tf;
      o = open[i] as number;
      h = high[i] as number;
      l = low[i] as number;
      c = close[i] as number;
      v = volume[i] as number;
      previous = t0;
      i++;
    }
    Object.assign(this, { open: bucketEnd !== -Infinity, bucket, o, h, l, c, v, previous });
    this.seen += n;
    return k === capacity ? out : sliceBars(out, 0, k);
  }

  /** The last bucket when it is complete (the data reached its final source bar) or `includePartial`. */
  finish(): Bars {
    const complete = this.previous >= this.bucket + this.tf - this.sourceTf;
    if (!this.open || !(complete || this.includePartial)) return allocateBars(0);
    const out = allocateBars(1);
    emit(out, 0, this.bucket, this.o, this.h, this.l, this.c, this.v);
    this.open = false;
    return out;
  }

  private unordered(index: number, previous: number, value: number): BuffError {
    const at = this.seen + index;
    return new BuffError(
      'UNORDERED_TIMESTAMP',
      `resample input must be strictly ascending: bar ${at} ts ${value} after ${previous}`,
      { details: { index: at, value: String(value), rule: 'UNORDERED_TIMESTAMP' } },
    );
  }
}

function emit(out: Bars, k: number, ts: number, o: number, h: number, l: number, c: number, v: number): number {
  out.ts[k] = ts;
  out.open[k] = o;
  out.high[k] = h;
  out.low[k] = l;
  out.close[k] = c;
  out.volume[k] = v;
  return k + 1;
}
