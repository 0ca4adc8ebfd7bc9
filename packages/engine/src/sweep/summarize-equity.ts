import { EMPTY_SEGMENT, type SegmentStats } from './segment-stats.js';
import { type CellSummary, equityReturns, summarizeCell } from './sweep-cell-metrics.js';

/**
 * `summarizeCell(equityReturns(equity, into), edges, cscvBlocks)` in two sweeps over the bars instead
 * of five: the returns are computed while the first sweep adds them up (sum and growth of every
 * walk-forward segment and CSCV block at once), the second adds the squared deviations. Each segment
 * and block adds the same returns in the same order as segmentStats, so the bits are the same
 * (summarize-equity.test.ts); edges that are not ascending within the returns take the plain path.
 * @example const summary = summarizeEquity(equity, segmentEdges(folds), 8, buffer);
 */
export function summarizeEquity(
  equity: Float64Array,
  edges: readonly number[],
  cscvBlocks: number,
  into?: Float64Array,
): CellSummary {
  const n = Math.max(0, equity.length - 1);
  const ascending = edges.every((e, i) => Number.isInteger(e) && e >= (i === 0 ? 0 : (edges[i - 1] as number)));
  if (!ascending || (edges[edges.length - 1] ?? 0) > n)
    return summarizeCell(equityReturns(equity, into), edges, cscvBlocks);
  const returns = (into ?? new Float64Array(n)).subarray(0, n);
  const size = Math.floor(n / cscvBlocks);
  const blockEdges = size < 2 ? [] : Array.from({ length: cscvBlocks + 1 }, (_, b) => b * size);
  const segments = new Sums(edges);
  const blocks = new Sums(blockEdges);
  const cuts = [...new Set([0, n, ...edges, ...blockEdges])].sort((a, b) => a - b);
  for (let c = 0; c + 1 < cuts.length; c++)
    firstSweep(equity, returns, cuts[c] as number, cuts[c + 1] as number, segments, blocks);
  segments.means();
  blocks.means();
  for (let c = 0; c + 1 < cuts.length; c++)
    secondSweep(returns, cuts[c] as number, cuts[c + 1] as number, segments, blocks);
  return { segments: segments.stats(), blocks: blocks.stats() };
}

/**
 * Running sums of ranges [edges[i], edges[i + 1]); slot `ranges` takes what falls in none (a sweep
 * then needs no branch per bar).
 */
class Sums {
  readonly ranges: number;
  readonly sum: Float64Array;
  readonly growth: Float64Array;
  readonly mean: Float64Array;
  readonly m2: Float64Array;

  constructor(private readonly edges: readonly number[]) {
    this.ranges = Math.max(0, edges.length - 1);
    this.sum = new Float64Array(this.ranges + 1);
    this.growth = new Float64Array(this.ranges + 1).fill(1);
    this.mean = new Float64Array(this.ranges + 1);
    this.m2 = new Float64Array(this.ranges + 1);
  }

  /** The range holding [from, to) (cut at every edge, so it lies in one range or none). */
  at(from: number): number {
    for (let i = 0; i < this.ranges; i++)
      if (from >= (this.edges[i] as number) && from < (this.edges[i + 1] as number)) return i;
    return this.ranges;
  }

  means(): void {
    for (let i = 0; i < this.ranges; i++) this.mean[i] = (this.sum[i] as number) / this.count(i);
  }

  stats(): SegmentStats[] {
    return Array.from({ length: this.ranges }, (_, i) => {
      const n = this.count(i);
      if (n <= 0) return EMPTY_SEGMENT;
      return { n, mean: this.mean[i] as number, m2: this.m2[i] as number, growth: this.growth[i] as number };
    });
  }

  private count(i: number): number {
    return (this.edges[i + 1] as number) - (this.edges[i] as number);
  }
}

function firstSweep(equity: Float64Array, returns: Float64Array, from: number, to: number, a: Sums, b: Sums): void {
  const i = a.at(from);
  const j = b.at(from);
  let sumA = a.sum[i] as number;
  let growthA = a.growth[i] as number;
  let sumB = b.sum[j] as number;
  let growthB = b.growth[j] as number;
  for (let t = from; t < to; t++) {
    const r = (equity[t + 1] as number) / (equity[t] as number) - 1;
    returns[t] = r;
    sumA += r;
    growthA *= 1 + r;
    sumB += r;
    growthB *= 1 + r;
  }
  a.sum[i] = sumA;
  a.growth[i] = growthA;
  b.sum[j] = sumB;
  b.growth[j] = growthB;
}

function secondSweep(returns: Float64Array, from: number, to: number, a: Sums, b: Sums): void {
  const i = a.at(from);
  const j = b.at(from);
  const meanA = a.mean[i] as number;
  const meanB = b.mean[j] as number;
  let m2A = a.m2[i] as number;
  let m2B = b.m2[j] as number;
  for (let t = from; t < to; t++) {
    const r = returns[t] as number;
    const dA = r - meanA;
    m2A += dA * dA;
    const dB = r - meanB;
    m2B += dB * dB;
  }
  a.m2[i] = m2A;
  b.m2[j] = m2B;
}
