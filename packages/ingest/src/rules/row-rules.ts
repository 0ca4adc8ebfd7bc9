import type { Bars } from '@buff/core';
import { durationLabel, isoUtc } from '../time/civil-time.js';
import { checkEachRow, type CheckedRows, type GapRange, type StepStats } from './each-row.js';
import { gapError, missingBars } from './gaps.js';
import { ruleError, type RulePlace } from './rule-error.js';

export type { CheckedRows, GapRange, StepStats };

export interface RowCheckResult {
  gaps: GapRange[];
  missingBars: number;
}

export interface RowCheckOptions {
  timeframeMs: number;
  allowGaps: boolean;
  /** Where row `index` (0-based) is, for messages: a CSV line or an Arrow row. */
  placeOf: (index: number, column?: string) => RulePlace;
}

/**
 * The row rules of DESIGN.md "Ingest rules" over typed-array columns, shared by CSV and Arrow
 * ingest: finite values, volume >= 0, high >= max(open, close), low <= min(open, close),
 * timestamps aligned to the timeframe, strictly ascending, no duplicates, the smallest step equal
 * to the timeframe (a 5m file declared 1m fails), and gaps (an error unless allowed).
 * Throws the first violation in row order; returns the gaps otherwise.
 * @example const { gaps } = checkRows(bars, { timeframeMs: 60_000, allowGaps: true, placeOf: (i) => ({ file, line: i + 2 }) });
 */
export function checkRows(bars: Bars, options: RowCheckOptions, checked?: CheckedRows): RowCheckResult {
  const { ts } = bars;
  const { timeframeMs: step, placeOf } = options;
  const n = ts.length;
  if (checked !== undefined && 'error' in checked) throw checked.error;
  const { minStep, minStepIndex, gaps, firstGapIndex } = checkEachRow(
    bars,
    checked?.rows ?? 0,
    n,
    { ...options, fail: ruleError },
    checked?.steps,
  );
  if (n >= 2 && minStep !== step) {
    throw ruleError(
      'WRONG_SPACING',
      placeOf(minStepIndex, 'timestamp'),
      isoUtc(ts[minStepIndex] as number),
      `the smallest step between rows is ${durationLabel(minStep)}, not the declared ${durationLabel(step)} (is this ${durationLabel(minStep)} data?)`,
    );
  }
  const gap = gaps[0];
  if (!options.allowGaps && gap !== undefined)
    throw gapError(gap, placeOf(firstGapIndex, 'timestamp'), ts[firstGapIndex] as number, ruleError);
  return { gaps, missingBars: missingBars(gaps) };
}
