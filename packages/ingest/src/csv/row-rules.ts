import type { Bars } from '@buff/core';
import { durationLabel, isoUtc } from './civil-time.js';
import { ruleError, type RulePlace } from './rule-error.js';

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
  const { minStep, minStepIndex } = checkEachRow(bars, checked?.rows ?? 0, n, options, checked?.steps);
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

/** The smallest step between consecutive rows seen so far, and the row where it was (-1: none). */
export interface StepStats {
  minStep: number;
  minStepIndex: number;
}

/** Rows [0, rows) already run through {@link checkEachRow}, or the per-row error found there. */
export type CheckedRows = { rows: number; steps: StepStats } | { error: unknown };

/**
 * The per-row rules (finite values, ordering, alignment, OHLC shape, volume) for rows
 * [from, to), each row against the one before it; throws the first violation. Returns the
 * smallest step, continuing from `steps`. The CSV reader runs it on the first part of a file
 * while a worker still parses the rest.
 * @example const steps = checkEachRow(bars, 0, bars.ts.length, options);
 */
export function checkEachRow(bars: Bars, from: number, to: number, options: RowCheckOptions, steps?: StepStats): StepStats {
  const { ts, open, high, low, close, volume } = bars;
  const { timeframeMs: step, placeOf } = options;
  let minStep = steps?.minStep ?? Number.POSITIVE_INFINITY;
  let minStepIndex = steps?.minStepIndex ?? -1;
  for (let i = from; i < to; i++) {
    const t = ts[i] as number;
    const o = open[i] as number;
    const h = high[i] as number;
    const l = low[i] as number;
    const c = close[i] as number;
    const v = volume[i] as number;
    if (!Number.isFinite(t)) throw ruleError('BAD_TIMESTAMP', placeOf(i, 'timestamp'), String(t), 'timestamp is not a finite number');
    if (i > 0) {
      const delta = t - (ts[i - 1] as number);
      if (delta < 0) {
        throw ruleError('UNORDERED_TIMESTAMP', placeOf(i, 'timestamp'), isoUtc(t), `timestamp is before the previous row's ${isoUtc(ts[i - 1] as number)}`);
      }
      if (delta === 0) throw ruleError('DUPLICATE_TIMESTAMP', placeOf(i, 'timestamp'), isoUtc(t), 'timestamp repeats the previous row');
      if (delta < minStep) {
        minStep = delta;
        minStepIndex = i;
      }
    }
    // A row one step after an aligned row is aligned: `%` on epoch ms (not small integers) is slow.
    if ((i === 0 || t - (ts[i - 1] as number) !== step) && t % step !== 0) {
      throw ruleError('WRONG_SPACING', placeOf(i, 'timestamp'), isoUtc(t), `timestamp is not aligned to the ${durationLabel(step)} timeframe`);
    }
    if (!(Number.isFinite(o) && Number.isFinite(h) && Number.isFinite(l) && Number.isFinite(c) && Number.isFinite(v))) {
      const column = ['open', 'high', 'low', 'close', 'volume'][[o, h, l, c, v].findIndex((x) => !Number.isFinite(x))] ?? 'open';
      throw ruleError('NON_FINITE_NUMBER', placeOf(i, column), String(bars[column as 'open'][i]), 'number is not finite');
    }
    if (h < o || h < c) {
      throw ruleError('HIGH_BELOW_OPEN_CLOSE', placeOf(i, 'high'), String(h), `high is below max(open ${o}, close ${c})`);
    }
    if (l > o || l > c) {
      throw ruleError('LOW_ABOVE_OPEN_CLOSE', placeOf(i, 'low'), String(l), `low is above min(open ${o}, close ${c})`);
    }
    if (v < 0) throw ruleError('NEGATIVE_VOLUME', placeOf(i, 'volume'), String(v), 'volume is negative');
  }
  return { minStep, minStepIndex };
}
