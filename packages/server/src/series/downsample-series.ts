import { createLTTB } from 'downsample';

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
 * Keeps at most `points` points of a line with Largest-Triangle-Three-Buckets (the `downsample`
 * package): the first and last points stay, and each bucket keeps the point that changes the
 * shape most, so peaks and troughs survive. Lines that are already short come back unchanged.
 * @example lttbLine({ time: [0, 1, 2, 3], value: [0, 5, 1, 0] }, 3) // keeps the peak at t=1
 */
export function lttbLine(line: LineColumns, points: number): LineColumns {
  const n = line.time.length;
  if (n <= points || points < 3) return line;
  const pick = createLTTB<number>({
    x: (i: number) => line.time[i] as number,
    y: (i: number) => line.value[i] as number,
  });
  const indexes = Array.from({ length: n }, (_, i) => i);
  const kept = pick(indexes, points) as ArrayLike<number>;
  const out: LineColumns = { time: [], value: [] };
  for (let j = 0; j < kept.length; j++) {
    const i = kept[j] as number;
    out.time.push(line.time[i] as number);
    out.value.push(line.value[i] as number);
  }
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
