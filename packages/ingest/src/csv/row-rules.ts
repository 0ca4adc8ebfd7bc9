import type { Bars } from '@buff/core';
import { durationLabel, isoUtc } from './civil-time.js';
import { checkEachRow, type CheckedRows, type StepStats } from './each-row.js';
import { ruleError, type RulePlace } from './rule-error.js';

export type { CheckedRows, StepStats };

/** A run of missing bars, as open times in epoch ms. */
export interface GapRange {
  fromMs: number;
  toMs: number;
  missing: number;
}

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
  const { minStep, minStepIndex } = checkEachRow(bars, checked?.rows ?? 0, n, { ...options, fail: ruleError }, checked?.steps);
  if (n >= 2 && minStep !== step) {
    throw ruleError(
      'WRONG_SPACING',
      placeOf(minStepIndex, 'timestamp'),
      isoUtc(ts[minStepIndex] as number),
      `the smallest step between rows is ${durationLabel(minStep)}, not the declared ${durationLabel(step)} (is this ${durationLabel(minStep)} data?)`,
    );
  }
  const gaps: GapRange[] = [];
  let missingBars = 0;
  for (let i = 1; i < n; i++) {
    const previous = ts[i - 1] as number;
    const delta = (ts[i] as number) - previous;
    if (delta === step) continue;
    const gap = { fromMs: previous + step, toMs: (ts[i] as number) - step, missing: delta / step - 1 };
    if (!options.allowGaps) {
      throw ruleError(
        'GAP',
        placeOf(i, 'timestamp'),
        isoUtc(ts[i] as number),
        `${gap.missing} missing bar(s) from ${isoUtc(gap.fromMs)} to ${isoUtc(gap.toMs)} before this row (allow with allowGaps / --allow-gaps)`,
      );
    }
    gaps.push(gap);
    missingBars += gap.missing;
  }
  return { gaps, missingBars };
}

