import type { Bars } from '@buff/core';
import { type PreparedRun, simulationInputOf } from '../prepare-run.js';
import { simulate } from '../simulate.js';
import { cachedTargets } from './cell-targets.js';
import { simulateEquity } from './equity-kernel.js';
import { barDayClock, IndicatorCache } from './indicator-cache.js';
import type { DayClock } from '../day-clock.js';

/** How a sweep simulates its cells. */
export interface CellEvaluatorOptions {
  /**
   * Read cells from the shared indicator cache and simulate their equity only (default true); false
   * runs the full simulator for every cell (the reference the cache must match byte for byte).
   */
  indicatorCache?: boolean;
  /** Memory the cache may keep (default 1 GiB, `BUFF_SWEEP_CACHE_MB`). */
  cacheBudgetBytes?: number;
}

/** Equity of a cell over the sweep's bars; the array is reused by the next call. */
export type CellEvaluator = ((prepared: PreparedRun) => Float64Array) & { cache: IndicatorCache };

/**
 * One evaluator per sweep: one data load (the `bars` given), one indicator cache, one targets and
 * one equity buffer shared by every cell. A one-symbol cell of a pack with a cached form
 * (cell-targets.ts) runs through the equity kernel; any other cell through the full simulator.
 * @example const equityOf = cellEvaluator(bars); const equity = equityOf(prepared);
 */
export function cellEvaluator(bars: Bars[], options: CellEvaluatorOptions = {}): CellEvaluator {
  const budget = options.cacheBudgetBytes ?? Number(process.env.BUFF_SWEEP_CACHE_MB ?? 1024) * 2 ** 20;
  const cache = new IndicatorCache(budget);
  const single = bars.length === 1 ? (bars[0] as Bars) : undefined;
  const n = single?.ts.length ?? 0;
  const targets = new Int8Array(n);
  const equity = new Float64Array(n);
  const clocks = new Map<string, DayClock>();
  const evaluate = (prepared: PreparedRun): Float64Array => {
    const input = simulationInputOf(prepared, bars);
    const cached =
      options.indicatorCache !== false &&
      single !== undefined &&
      cachedTargets(prepared.config.strategy.name, single, prepared.params, cache, targets);
    if (!cached) return simulate(input).equity.equity;
    const zone = input.guardrails.timezone;
    let clock = clocks.get(zone);
    if (clock === undefined) clocks.set(zone, (clock = barDayClock(single.ts, zone)));
    simulateEquity(input, targets, equity, clock);
    return equity;
  };
  return Object.assign(evaluate, { cache });
}
