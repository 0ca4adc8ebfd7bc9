/** A line as columns: times (UTC seconds) and values. */
export interface LineColumns {
  time: number[];
  value: number[];
}

/** Candles as columns (times in UTC seconds). */
export interface CandleColumns {
  time: number[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
}

/**
 * Keeps at most `points` points of a line by min/max decimation: the line is cut into
 * `(points - 2) / 2` buckets of equal point count (a chart spaces points evenly, so a bucket is a
 * band of pixel columns) and each bucket keeps its lowest and its highest point, in time order. Every extreme
 * survives (a drawdown's trough is never smoothed away), the first and last points stay, and the
 * result depends only on the input. One pass, no allocation beyond the output. Short lines come
 * back unchanged.
 * @example minMaxLine({ time: [0, 1, 2, 3, 4, 5, 6, 7], value: [0, 5, 1, -3, 2, 0, 1, 1] }, 6) // times 0, 1, 3, 4, 5, 7
 */
export function minMaxLine(line: LineColumns, points: number): LineColumns {
  const n = line.time.length;
  if (n <= points || points < 4) return line;
  // two points a bucket, plus the first and the last point of the line
  const buckets = Math.floor((points - 2) / 2);
  const out: LineColumns = { time: [], value: [] };
  let kept = -1;
  const keep = (i: number) => {
    if (i <= kept) return;
    out.time.push(line.time[i] as number);
    out.value.push(line.value[i] as number);
    kept = i;
  };
  keep(0);
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * n) / buckets);
    const end = Math.floor(((b + 1) * n) / buckets);
    let lo = start;
    let hi = start;
    for (let i = start + 1; i < end; i++) {
      const v = line.value[i] as number;
      if (v < (line.value[lo] as number)) lo = i;
      if (v > (line.value[hi] as number)) hi = i;
    }
    keep(Math.min(lo, hi));
    keep(Math.max(lo, hi));
  }
  keep(n - 1);
  return out;
}

/**
 * Merges consecutive candles into at most `points` buckets of equal bar count: each bucket is
 * one candle (open of its first, high = max, low = min, close of its last, time of its first),
 * so every extreme of the original series is still drawn. Short series come back unchanged.
 * @example bucketCandles(candles, 1000)
 */
export function bucketCandles(candles: CandleColumns, points: number): CandleColumns {
  const n = candles.time.length;
  if (n <= points || points < 1) return candles;
  const size = Math.ceil(n / points);
  const out: CandleColumns = { time: [], open: [], high: [], low: [], close: [] };
  for (let start = 0; start < n; start += size) {
    const end = Math.min(n, start + size);
    let high = -Infinity;
    let low = Infinity;
    for (let i = start; i < end; i++) {
      high = Math.max(high, candles.high[i] as number);
      low = Math.min(low, candles.low[i] as number);
    }
    out.time.push(candles.time[start] as number);
    out.open.push(candles.open[start] as number);
    out.high.push(high);
    out.low.push(low);
    out.close.push(candles.close[end - 1] as number);
  }
  return out;
}

/** The indexes [first, last) of a sorted time column inside [from, to] (seconds). */
export function rangeIndexes(time: number[], from: number, to: number): [number, number] {
  let first = 0;
  while (first < time.length && (time[first] as number) < from) first++;
  let last = time.length;
  while (last > first && (time[last - 1] as number) > to) last--;
  return [first, last];
}
