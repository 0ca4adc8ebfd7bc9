// Ingest's side of the gap rule: the refusal when gaps are not allowed. What a gap is, the range it
// leaves and how many bars it misses live once in @buff/core's gap rule (re-exported here); the parse
// worker loads this file, so it takes the rule from `@buff/core/gap-rule`, which imports nothing.
import { isoUtc } from '../time/civil-time.js';
import type { GapRange } from '@buff/core/gap-rule';
import type { RuleFailure, RulePlace } from './rule-error.js';

export { gapBetween, isGap, missingBars, type GapRange } from '@buff/core/gap-rule';

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
