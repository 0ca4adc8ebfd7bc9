// The gap rule, its one home (DESIGN.md: a gap is a missing bar; gaps stay gaps, never filled).
// Ingest's row rules, the dataset store and the engine's run inputs all call these. Imports nothing:
// the CSV parse worker loads it (as `@buff/core/gap-rule`) without the rest of core.

/** A run of missing bars, as open times in epoch ms. */
export interface GapRange {
  fromMs: number;
  toMs: number;
  missing: number;
}

/**
 * Whether a step between consecutive bars leaves a gap: more than one timeframe.
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
 * How many gaps the bars have: steps between consecutive bars that {@link isGap} calls a gap (a
 * run of missing bars counts once).
 * @example countGaps(bars.ts, timeframeMs('1m')) // 0 for complete 1m data
 */
export function countGaps(ts: ArrayLike<number>, stepMs: number): number {
  let gaps = 0;
  for (let i = 1; i < ts.length; i++) if (isGap((ts[i] as number) - (ts[i - 1] as number), stepMs)) gaps++;
  return gaps;
}
