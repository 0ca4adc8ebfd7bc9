import type { Bars } from '@buff/core';
import { sharedArray } from '@buff/core/io';
import type { DecisionColumns, EquityColumns } from './run-columns.js';
import type { SimulationResult } from './simulation-types.js';

/** Sorted union of the symbols' bar times. */
export function mergeTimeline(bars: readonly Bars[]): Float64Array {
  if (bars.length === 1) return (bars[0] as Bars).ts;
  const all = new Float64Array(bars.reduce((sum, b) => sum + b.ts.length, 0));
  let offset = 0;
  for (const b of bars) {
    all.set(b.ts, offset);
    offset += b.ts.length;
  }
  all.sort();
  let n = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[n - 1]) all[n++] = all[i] as number;
  return all.slice(0, n);
}

/** Columns in shared memory (see sharedArray); ts and close are those of `bars` when given (one symbol). */
export function allocateDecisions(
  n: number,
  symbols: readonly string[],
  inputNames: readonly string[],
  bars?: Bars,
): DecisionColumns {
  return {
    length: n,
    ts: bars?.ts ?? sharedArray(Float64Array, n),
    symbol: sharedArray(Int8Array, n),
    symbols,
    action: sharedArray(Int8Array, n),
    reason: sharedArray(Int32Array, n),
    reasons: [],
    guardrail: sharedArray(Int8Array, n),
    position: sharedArray(Int8Array, n),
    close: bars?.close ?? sharedArray(Float64Array, n),
    inputNames,
    inputs: inputNames.map(() => sharedArray(Float64Array, n)),
  };
}

export function allocateEquity(n: number, timeline?: Float64Array): EquityColumns {
  return {
    length: n,
    ts: timeline ?? sharedArray(Float64Array, n),
    equity: sharedArray(Float64Array, n),
    balance: sharedArray(Float64Array, n),
    drawdown: sharedArray(Float32Array, n),
    exposure: sharedArray(Float32Array, n),
    openPositions: sharedArray(Int8Array, n),
  };
}

/** The result cut to the rows and steps done (views, no copy); the whole result when every step was done. */
export function truncateResult(result: SimulationResult, rows: number, steps: number): SimulationResult {
  const { decisions: d, equity: e } = result;
  if (rows === d.length && steps === e.length) return result;
  return {
    ...result,
    decisions: {
      ...d,
      length: rows,
      ts: d.ts.subarray(0, rows),
      symbol: d.symbol.subarray(0, rows),
      action: d.action.subarray(0, rows),
      reason: d.reason.subarray(0, rows),
      guardrail: d.guardrail.subarray(0, rows),
      position: d.position.subarray(0, rows),
      close: d.close.subarray(0, rows),
      inputs: d.inputs.map((column) => column.subarray(0, rows)),
    },
    equity: {
      length: steps,
      ts: e.ts.subarray(0, steps),
      equity: e.equity.subarray(0, steps),
      balance: e.balance.subarray(0, steps),
      drawdown: e.drawdown.subarray(0, steps),
      exposure: e.exposure.subarray(0, steps),
      openPositions: e.openPositions.subarray(0, steps),
    },
  };
}
