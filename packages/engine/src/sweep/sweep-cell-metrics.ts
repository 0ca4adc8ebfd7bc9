import type { CellParams } from './sweep-cells.js';
import { sharpeRatio } from './sweep-stats.js';
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

/** Returns per bar of an equity curve: r[t] = equity[t + 1] / equity[t] - 1. */
export function equityReturns(equity: Float64Array): Float64Array {
  const out = new Float64Array(Math.max(0, equity.length - 1));
  for (let t = 0; t < out.length; t++) out[t] = (equity[t + 1] as number) / (equity[t] as number) - 1;
  return out;
}

function compounded(returns: Float64Array): number {
  let growth = 1;
  for (const r of returns) growth *= 1 + r;
  return growth - 1;
}

/** Every cell's figures in every fold. */
export function foldMetrics(returns: readonly Float64Array[], folds: readonly Fold[]): FoldMetrics[] {
  const rows: FoldMetrics[] = [];
  for (const [cell, series] of returns.entries()) {
    for (const { fold, inSample, outSample } of folds) {
      const is = series.subarray(inSample[0], inSample[1]);
      const oos = series.subarray(outSample[0], outSample[1]);
      rows.push({
        cell,
        fold,
        isSharpe: sharpeRatio(is),
        oosSharpe: sharpeRatio(oos),
        isReturn: compounded(is),
        oosReturn: compounded(oos),
      });
    }
  }
  return rows;
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
