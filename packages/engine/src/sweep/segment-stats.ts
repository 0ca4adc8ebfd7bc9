/**
 * Sufficient statistics of a run of returns: count, mean, sum of squared deviations and growth
 * (product of 1 + r). Segments combine exactly enough (Chan et al.'s pairwise update) that a sweep
 * keeps a few of them per cell instead of the cell's returns.
 */
export interface SegmentStats {
  n: number;
  mean: number;
  m2: number;
  growth: number;
}

export const EMPTY_SEGMENT: SegmentStats = Object.freeze({ n: 0, mean: 0, m2: 0, growth: 1 });

/** The statistics of returns[from, to): two passes (mean, then deviations). */
export function segmentStats(returns: ArrayLike<number>, from: number, to: number): SegmentStats {
  const n = to - from;
  if (n <= 0) return EMPTY_SEGMENT;
  let sum = 0;
  let growth = 1;
  for (let i = from; i < to; i++) {
    const r = returns[i] as number;
    sum += r;
    growth *= 1 + r;
  }
  const mean = sum / n;
  let m2 = 0;
  for (let i = from; i < to; i++) {
    const d = (returns[i] as number) - mean;
    m2 += d * d;
  }
  return { n, mean, m2, growth };
}

/** Two segments as one. */
export function combineSegments(a: SegmentStats, b: SegmentStats): SegmentStats {
  if (a.n === 0) return b;
  if (b.n === 0) return a;
  const n = a.n + b.n;
  const delta = b.mean - a.mean;
  return {
    n,
    mean: a.mean + (delta * b.n) / n,
    m2: a.m2 + b.m2 + (delta * delta * a.n * b.n) / n,
    growth: a.growth * b.growth,
  };
}

/** The segments at `indices` of `segments`, combined in order. */
export function combineAt(segments: readonly SegmentStats[], indices: Iterable<number>): SegmentStats {
  let out = EMPTY_SEGMENT;
  for (const i of indices) out = combineSegments(out, segments[i] ?? EMPTY_SEGMENT);
  return out;
}

/** Sharpe ratio per observation (mean / population sd) of a segment; 0 under two returns or no spread. */
export function segmentSharpe(s: SegmentStats): number {
  if (s.n < 2) return 0;
  const sd = Math.sqrt(s.m2 / s.n);
  return sd > 0 ? s.mean / sd : 0;
}
