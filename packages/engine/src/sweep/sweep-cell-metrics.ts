import type { CellParams } from './sweep-cells.js';
import { combineAt, EMPTY_SEGMENT, type SegmentStats, segmentSharpe, segmentStats } from './segment-stats.js';
import { cscvBlockStats } from './sweep-stats.js';
import type { Fold } from './walk-forward.js';

/** In- and out-of-sample figures of one cell in one fold (Sharpe per bar, compounded return). */
export interface FoldMetrics {
  cell: number;
  fold: number;
  isSharpe: number;
  oosSharpe: number;
  isReturn: number;
  oosReturn: number;
}

/** Returns per bar of an equity curve: r[t] = equity[t + 1] / equity[t] - 1 (into `out` when given). */
export function equityReturns(equity: Float64Array, into?: Float64Array): Float64Array {
  const n = Math.max(0, equity.length - 1);
  const out = into ?? new Float64Array(n);
  for (let t = 0; t < n; t++) out[t] = (equity[t + 1] as number) / (equity[t] as number) - 1;
  return out.subarray(0, n);
}

/**
 * What a sweep keeps of a cell instead of its returns: statistics of each walk-forward segment (the
 * folds' span cut at their edges) and of each CSCV block.
 */
export interface CellSummary {
  segments: SegmentStats[];
  blocks: SegmentStats[];
}

/** Edges of the walk-forward segments: fold i chooses on segment i (or 0..i anchored) and tests on i + 1. */
export function segmentEdges(folds: readonly Fold[]): number[] {
  const last = folds[folds.length - 1];
  if (last === undefined) return [];
  return [folds[0]?.inSample[0] ?? 0, ...folds.map((f) => f.outSample[0]), last.outSample[1]];
}

/** One cell's summary from its returns. */
export function summarizeCell(returns: Float64Array, edges: readonly number[], cscvBlocks: number): CellSummary {
  const segments = edges.slice(1).map((to, i) => segmentStats(returns, edges[i] as number, to));
  return { segments, blocks: cscvBlockStats(returns, cscvBlocks) };
}

/** Whole-window Sharpe ratio per bar of a cell (its walk-forward segments cover the window). */
export function cellSharpe(summary: CellSummary): number {
  return segmentSharpe(combineAt(summary.segments, summary.segments.keys()));
}

/** Every cell's figures in every fold, from the cells' summaries. */
export function foldMetrics(
  summaries: readonly CellSummary[],
  folds: readonly Fold[],
  scheme: 'rolling' | 'anchored',
): FoldMetrics[] {
  const rows: FoldMetrics[] = [];
  for (const [cell, { segments }] of summaries.entries()) {
    for (const { fold } of folds) {
      const is = combineAt(segments, range(scheme === 'anchored' ? 0 : fold, fold + 1));
      const oos = segments[fold + 1] ?? EMPTY_SEGMENT;
      rows.push({
        cell,
        fold,
        isSharpe: segmentSharpe(is),
        oosSharpe: segmentSharpe(oos),
        isReturn: is.growth - 1,
        oosReturn: oos.growth - 1,
      });
    }
  }
  return rows;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/** Per fold, the cell with the best in-sample Sharpe (ties: the lower cell index) and its out-of-sample figures. */
export interface FoldChoice {
  fold: number;
  cell: number;
  params: CellParams;
  isSharpe: number;
  oosSharpe: number;
  isReturn: number;
  oosReturn: number;
}

export function chooseByFold(rows: readonly FoldMetrics[], cells: readonly CellParams[]): FoldChoice[] {
  const best = new Map<number, FoldMetrics>();
  for (const row of rows) {
    const current = best.get(row.fold);
    if (current === undefined || row.isSharpe > current.isSharpe) best.set(row.fold, row);
  }
  return [...best.values()].sort((a, b) => a.fold - b.fold).map((row) => ({ ...row, params: cells[row.cell] ?? {} }));
}

/**
 * Walk-forward efficiency: the chosen cells' mean out-of-sample Sharpe over their mean in-sample
 * Sharpe; null when the in-sample mean is not positive (the ratio would not mean anything).
 */
export function walkForwardEfficiency(choices: readonly FoldChoice[]): number | null {
  const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const is = mean(choices.map((c) => c.isSharpe));
  return is > 0 ? mean(choices.map((c) => c.oosSharpe)) / is : null;
}
