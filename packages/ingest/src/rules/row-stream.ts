import type { Bars } from '@buff/core';
import { durationLabel, isoUtc } from '../time/civil-time.js';
import { checkEachRow, type StepStats } from './each-row.js';
import { gapError, missingBars, type GapRange } from './gaps.js';
import { ruleError } from './rule-error.js';
import type { RowCheckOptions, RowCheckResult } from './row-rules.js';

/** Rows 1.. of a block already run through the per-row rules elsewhere (a parse worker): their stats, or the error found. */
export type CheckedBlock = { steps: StepStats } | { error: unknown };

/**
 * The row rules of {@link checkRows} over a table that arrives block by block: each block's rows
 * are checked against the last row before them, and only that look-back (the last timestamp,
 * the smallest step, the gaps) is kept. The first per-row violation is held back, not thrown:
 * the reader throws a field error found later in the file first, as a whole-file read does;
 * {@link finish} throws it, then the smallest-step and gap rules.
 * @example const rules = new RowRuleStream(options); rules.check(block); const { gaps } = rules.finish();
 */
export class RowRuleStream {
  /** Rows seen so far (the next block's first row index). */
  rows = 0;
  firstMs = Number.NaN;
  lastMs = Number.NaN;
  private lastRow: Bars | undefined;
  private minStep = Number.POSITIVE_INFINITY;
  private minStepIndex = -1;
  private minStepMs = Number.NaN;
  private readonly gaps: GapRange[] = [];
  private firstGapIndex = -1;
  private firstGapMs = Number.NaN;
  private error: unknown;

  constructor(private readonly options: RowCheckOptions) {}

  /** Checks a block of rows; `checked`: rows 1.. were checked elsewhere (indices and lines local to the block). */
  check(bars: Bars, checked?: CheckedBlock): void {
    const n = bars.ts.length;
    if (n === 0) return;
    const base = this.rows;
    if (this.error === undefined) {
      try {
        if (this.lastRow === undefined) this.checkRows(bars, 0, checked === undefined ? n : 1, base);
        else this.checkRows(joinRows(this.lastRow, bars), 1, 2, base - 1);
        if (checked !== undefined && 'error' in checked) throw checked.error;
        if (checked !== undefined) this.add(checked.steps, bars, base);
        else if (this.lastRow !== undefined) this.checkRows(bars, 1, n, base);
      } catch (error) {
        this.error = error;
      }
    }
    if (base === 0) this.firstMs = bars.ts[0] as number;
    this.lastMs = bars.ts[n - 1] as number;
    this.lastRow = rowOf(bars, n - 1);
    this.rows += n;
  }

  /** Throws the first violation; returns the gaps otherwise. */
  finish(): RowCheckResult {
    if (this.error !== undefined) throw this.error;
    const { timeframeMs: step, placeOf } = this.options;
    if (this.rows >= 2 && this.minStep !== step) {
      throw ruleError(
        'WRONG_SPACING',
        placeOf(this.minStepIndex, 'timestamp'),
        isoUtc(this.minStepMs),
        `the smallest step between rows is ${durationLabel(this.minStep)}, not the declared ${durationLabel(step)} (is this ${durationLabel(this.minStep)} data?)`,
      );
    }
    const gap = this.gaps[0];
    if (!this.options.allowGaps && gap !== undefined)
      throw gapError(gap, placeOf(this.firstGapIndex, 'timestamp'), this.firstGapMs, ruleError);
    return { gaps: this.gaps, missingBars: missingBars(this.gaps) };
  }

  /** checkEachRow over rows [from, to) of `bars`, whose row 0 is row `base` of the table. */
  private checkRows(bars: Bars, from: number, to: number, base: number): void {
    if (to <= from) return;
    const placeOf = (index: number, column?: string) => this.options.placeOf(base + index, column);
    const steps = checkEachRow(bars, from, to, { ...this.options, placeOf, fail: ruleError });
    this.add(steps, bars, base);
  }

  /** Adds a block's stats (indices local to `bars`, whose row 0 is row `base`). */
  private add(steps: StepStats, bars: Bars, base: number): void {
    if (steps.minStep < this.minStep) {
      this.minStep = steps.minStep;
      this.minStepIndex = base + steps.minStepIndex;
      this.minStepMs = bars.ts[steps.minStepIndex] as number;
    }
    if (steps.firstGapIndex >= 0 && this.firstGapIndex < 0) {
      this.firstGapIndex = base + steps.firstGapIndex;
      this.firstGapMs = bars.ts[steps.firstGapIndex] as number;
    }
    if (this.options.allowGaps) for (const gap of steps.gaps) this.gaps.push(gap);
    else if (this.gaps.length === 0 && steps.gaps[0] !== undefined) this.gaps.push(steps.gaps[0]);
  }
}

const COLUMNS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;

function rowOf(bars: Bars, i: number): Bars {
  return Object.fromEntries(COLUMNS.map((c) => [c, Float64Array.of(bars[c][i] as number)])) as unknown as Bars;
}

/** The last row before a block and the block's first row, as two rows. */
function joinRows(last: Bars, bars: Bars): Bars {
  return Object.fromEntries(
    COLUMNS.map((c) => [c, Float64Array.of(last[c][0] as number, bars[c][0] as number)]),
  ) as unknown as Bars;
}
