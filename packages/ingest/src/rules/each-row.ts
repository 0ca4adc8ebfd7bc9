import type { Bars } from '@buff/core';
import { durationLabel, isoUtc } from '../time/civil-time.js';
import { gapBetween, isGap, type GapRange } from './gaps.js';
import type { RuleFailure, RulePlace } from './rule-error.js';

export type { GapRange };

/** What {@link checkEachRow} needs: the timeframe, where a row is, and how to build an error. */
export interface EachRowOptions {
  timeframeMs: number;
  /** Gaps are kept (all of them) when allowed; else only the first is, for the GAP error. */
  allowGaps: boolean;
  /** Where row `index` (0-based) is, for messages: a CSV line or an Arrow row. */
  placeOf: (index: number, column?: string) => RulePlace;
  fail: RuleFailure;
}

/**
 * What the rows seen so far showed: the smallest step between consecutive rows and the row where
 * it was (-1: none), and the gaps (steps above the timeframe) in row order, with the row after
 * the first one (-1: none).
 */
export interface StepStats {
  minStep: number;
  minStepIndex: number;
  gaps: GapRange[];
  firstGapIndex: number;
}

/** Rows [0, rows) already run through {@link checkEachRow}, or the per-row error found there. */
export type CheckedRows = { rows: number; steps: StepStats } | { error: unknown };

/**
 * The per-row rules (finite values, ordering, alignment, OHLC shape, volume) for rows
 * [from, to), each row against the one before it; throws the first violation. Returns the
 * smallest step and the gaps, continuing from `steps`. The CSV reader runs it on the first part
 * of a file while a worker still parses the rest, and the worker on its own rows (it loads no
 * @buff/core: `fail` builds the errors).
 * @example const steps = checkEachRow(bars, 0, bars.ts.length, { timeframeMs: 60_000, allowGaps: true, placeOf, fail: ruleError });
 */
export function checkEachRow(
  bars: Bars,
  from: number,
  to: number,
  options: EachRowOptions,
  steps?: StepStats,
): StepStats {
  const { ts, open, high, low, close, volume } = bars;
  const { timeframeMs: step, placeOf, fail } = options;
  let minStep = steps?.minStep ?? Number.POSITIVE_INFINITY;
  let minStepIndex = steps?.minStepIndex ?? -1;
  const gaps = steps?.gaps ?? [];
  let firstGapIndex = steps?.firstGapIndex ?? -1;
  const allowGaps = options.allowGaps;
  for (let i = from; i < to; i++) {
    const t = ts[i] as number;
    const o = open[i] as number;
    const h = high[i] as number;
    const l = low[i] as number;
    const c = close[i] as number;
    const v = volume[i] as number;
    if (!Number.isFinite(t))
      throw fail('BAD_TIMESTAMP', placeOf(i, 'timestamp'), String(t), 'timestamp is not a finite number');
    if (i > 0) {
      const delta = t - (ts[i - 1] as number);
      if (delta < 0) {
        throw fail(
          'UNORDERED_TIMESTAMP',
          placeOf(i, 'timestamp'),
          isoUtc(t),
          `timestamp is before the previous row's ${isoUtc(ts[i - 1] as number)}`,
        );
      }
      if (delta === 0)
        throw fail('DUPLICATE_TIMESTAMP', placeOf(i, 'timestamp'), isoUtc(t), 'timestamp repeats the previous row');
      if (delta < minStep) {
        minStep = delta;
        minStepIndex = i;
      }
      if (isGap(delta, step) && (allowGaps || firstGapIndex < 0)) {
        if (firstGapIndex < 0) firstGapIndex = i;
        gaps.push(gapBetween(ts[i - 1] as number, t, step));
      }
    }
    // A row one step after an aligned row is aligned: `%` on epoch ms (not small integers) is slow.
    if ((i === 0 || t - (ts[i - 1] as number) !== step) && t % step !== 0) {
      throw fail(
        'WRONG_SPACING',
        placeOf(i, 'timestamp'),
        isoUtc(t),
        `timestamp is not aligned to the ${durationLabel(step)} timeframe`,
      );
    }
    if (!(Number.isFinite(o) && Number.isFinite(h) && Number.isFinite(l) && Number.isFinite(c) && Number.isFinite(v))) {
      const column =
        ['open', 'high', 'low', 'close', 'volume'][[o, h, l, c, v].findIndex((x) => !Number.isFinite(x))] ?? 'open';
      throw fail('NON_FINITE_NUMBER', placeOf(i, column), String(bars[column as 'open'][i]), 'number is not finite');
    }
    if (h < o || h < c) {
      throw fail('HIGH_BELOW_OPEN_CLOSE', placeOf(i, 'high'), String(h), `high is below max(open ${o}, close ${c})`);
    }
    if (l > o || l > c) {
      throw fail('LOW_ABOVE_OPEN_CLOSE', placeOf(i, 'low'), String(l), `low is above min(open ${o}, close ${c})`);
    }
    if (v < 0) throw fail('NEGATIVE_VOLUME', placeOf(i, 'volume'), String(v), 'volume is negative');
  }
  return { minStep, minStepIndex, gaps, firstGapIndex };
}

/**
 * The stats of rows that follow `earlier`'s (their indices count from `offset`), appended.
 * @example const all = appendStepStats(mainStats, workerStats, firstWorkerRow);
 */
export function appendStepStats(earlier: StepStats, later: StepStats, offset: number): StepStats {
  const laterWins = later.minStep < earlier.minStep;
  const firstGapIndex =
    earlier.firstGapIndex >= 0 ? earlier.firstGapIndex : later.firstGapIndex >= 0 ? offset + later.firstGapIndex : -1;
  return {
    minStep: laterWins ? later.minStep : earlier.minStep,
    minStepIndex: laterWins ? offset + later.minStepIndex : earlier.minStepIndex,
    gaps: earlier.gaps.concat(later.gaps),
    firstGapIndex,
  };
}
