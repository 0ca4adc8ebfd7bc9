// The gap rule, once: what a gap is, the range it leaves, how many bars it misses, and the refusal
// when gaps are not allowed. Imports nothing from @buff/core at run time: the parse worker loads it.
import { isoUtc } from '../time/civil-time.js';
import type { RuleFailure, RulePlace } from './rule-error.js';

/** A run of missing bars, as open times in epoch ms. */
export interface GapRange {
  fromMs: number;
  toMs: number;
  missing: number;
}

/**
 * Whether a step between consecutive bars leaves a gap: more than one timeframe (DESIGN.md: a gap
 * is a missing bar; gaps stay gaps, never filled).
 * @example isGap(180_000, 60_000) // true: two 1m bars are missing
 */
export function isGap(deltaMs: number, stepMs: number): boolean {
  return deltaMs > stepMs;
}

/**
 * The bars missing between consecutive bars opened at `prevMs` and `ms`.
 * @example gapBetween(0, 180_000, 60_000) // { fromMs: 60_000, toMs: 120_000, missing: 2 }
 */
export function gapBetween(prevMs: number, ms: number, stepMs: number): GapRange {
  return { fromMs: prevMs + stepMs, toMs: ms - stepMs, missing: (ms - prevMs) / stepMs - 1 };
}

/**
 * Bars missing in all `gaps`.
 * @example missingBars([{ fromMs: 0, toMs: 60_000, missing: 2 }]) // 2
 */
export function missingBars(gaps: readonly GapRange[]): number {
  let missing = 0;
  for (const gap of gaps) missing += gap.missing;
  return missing;
}

/**
 * The GAP refusal (gaps not allowed): names the row after the gap and the missing range.
 * @example throw gapError(gap, placeOf(i, 'timestamp'), ts[i], ruleError);
 */
export function gapError(gap: GapRange, place: RulePlace, rowMs: number, fail: RuleFailure): Error {
  return fail(
    'GAP',
    place,
    isoUtc(rowMs),
    `${gap.missing} missing bar(s) from ${isoUtc(gap.fromMs)} to ${isoUtc(gap.toMs)} before this row (allow with allowGaps / --allow-gaps)`,
  );
}
