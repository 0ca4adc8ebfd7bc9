import { sha256Hex } from '@buff/core';
import type { JournalEntry } from '../dryrun/journal-entry.js';
import type { DecisionRow } from './observed-run.js';

/** Why a dry-run decision differs from the baseline's (`unexplained` is flagged). */
export type DifferenceClass =
  | 'input bars differ'
  | 'model version differs'
  | 'guardrail or kill-switch state'
  | 'refused feed bar'
  | 'not processed yet'
  | 'follows an earlier difference'
  | 'unexplained';

/** One decision that is not the same on both sides, classified and explained. */
export interface Difference {
  ts: number;
  symbol: string;
  class: DifferenceClass;
  dry: string;
  baseline: string;
  explanation: string;
}

/** The decision-by-decision comparison. */
export interface Reconciliation {
  compared: number;
  matched: number;
  differences: Difference[];
  /** Emitted-signal differences that do not change decisions: rate-limited signals (recorded, not sent). */
  rateLimited: Array<{ ts: string; symbol: string; tier: string }>;
}

/** The bars the baseline read, by symbol and ts (to tell "input bars differ" with content ids). */
export type BaselineBars = Map<string, [number, number, number, number, number, number]>;

/**
 * Compares the dry run's decisions with the baseline's, row by row on (symbol, ts). Each
 * difference is classified from what the journal and the baseline say: the feed delivered other
 * bars (their content ids), the model version differs, a guardrail or the kill switch acted on one
 * side only, the feed bar was refused, the session has not reached the bar yet, or a position
 * that diverged earlier carries the difference forward. Anything else is `unexplained`.
 * @example const r = reconcile(dry.decisions, baseline.decisions, journal, bars, 'feed exhausted');
 */
export function reconcile(
  dry: readonly DecisionRow[],
  baseline: readonly DecisionRow[],
  journal: readonly JournalEntry[],
  bars: BaselineBars | undefined,
  stopReason: string,
  symbolOfLane: (lane: number) => string,
): Reconciliation {
  const key = (symbol: string, ts: number) => `${symbol} ${ts}`;
  const dryAt = new Map(dry.map((d) => [key(d.symbol, d.ts), d]));
  const fed = new Map<string, JournalEntry>();
  /** Each symbol's newest journaled bar: a later baseline bar was not processed yet. */
  const lastFed = new Map<string, number>();
  for (const e of journal) {
    const symbol = symbolOfLane(e.lane ?? 0);
    fed.set(key(symbol, e.bar[0]), e);
    lastFed.set(symbol, Math.max(lastFed.get(symbol) ?? Number.NEGATIVE_INFINITY, e.bar[0]));
  }
  const differences: Difference[] = [];
  const diverged = new Map<string, Difference>();
  let compared = 0;
  for (const b of baseline) {
    compared++;
    const k = key(b.symbol, b.ts);
    const d = dryAt.get(k);
    const entry = fed.get(k);
    const found = d
      ? classify(d, b, entry, bars?.get(k), diverged.get(b.symbol))
      : missing(b, entry, lastFed.get(b.symbol) ?? Number.NEGATIVE_INFINITY, stopReason);
    if (found === undefined) continue;
    differences.push(found);
    if (!diverged.has(b.symbol) && found.class !== 'not processed yet') diverged.set(b.symbol, found);
  }
  const inBaseline = new Set(baseline.map((b) => key(b.symbol, b.ts)));
  for (const d of dry) {
    if (inBaseline.has(key(d.symbol, d.ts))) continue;
    compared++;
    differences.push({
      ...where(d),
      class: 'input bars differ',
      dry: describe(d),
      baseline: '(no bar)',
      explanation: `the feed delivered a bar the baseline's data lack (content id ${barId(fed.get(key(d.symbol, d.ts))?.bar)})`,
    });
  }
  const rateLimited = journal
    .filter((e) => e.signal && e.rateLimited)
    .map((e) => ({ ts: e.signal?.ts as string, symbol: e.signal?.symbol as string, tier: e.signal?.tier as string }));
  differences.sort((a, b) => a.ts - b.ts || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  return { compared, matched: compared - differences.length, differences, rateLimited };
}

function classify(
  d: DecisionRow,
  b: DecisionRow,
  entry: JournalEntry | undefined,
  baselineBar: BaselineBars extends Map<string, infer V> ? V | undefined : never,
  earlier: Difference | undefined,
): Difference | undefined {
  if (same(d, b)) return undefined;
  const base = { ...where(b), dry: describe(d), baseline: describe(b) };
  if (entry && baselineBar && barId(entry.bar) !== barId(baselineBar))
    return {
      ...base,
      class: 'input bars differ',
      explanation: `feed bar ${barId(entry.bar)}, baseline bar ${barId(baselineBar)}`,
    };
  if (sameNumber(d.modelVersion, b.modelVersion) === false)
    return {
      ...base,
      class: 'model version differs',
      explanation: `dry run v${d.modelVersion}${entry?.switchTo ? ' (alias moved at this bar)' : ''}, baseline v${b.modelVersion}`,
    };
  if (d.guardrail !== b.guardrail)
    return {
      ...base,
      class: 'guardrail or kill-switch state',
      explanation: `guardrail ${d.guardrail || 'none'} in the dry run, ${b.guardrail || 'none'} in the baseline`,
    };
  if (earlier)
    return {
      ...base,
      class: earlier.class === 'unexplained' ? 'unexplained' : 'follows an earlier difference',
      explanation: `positions diverged at ${iso(earlier.ts)} (${earlier.class})`,
    };
  return { ...base, class: 'unexplained', explanation: 'same bar, model and guardrail state, different decision' };
}

function missing(b: DecisionRow, entry: JournalEntry | undefined, lastFed: number, stopReason: string): Difference {
  const base = { ...where(b), dry: '(no decision)', baseline: describe(b) };
  if (entry?.refused)
    return {
      ...base,
      class: 'refused feed bar',
      explanation: `the feed bar broke ${entry.refused}: refused, not used`,
    };
  if (b.ts > lastFed)
    return { ...base, class: 'not processed yet', explanation: `the session stopped before this bar (${stopReason})` };
  return { ...base, class: 'unexplained', explanation: 'the feed never delivered this bar' };
}

function same(d: DecisionRow, b: DecisionRow): boolean {
  return (
    d.action === b.action &&
    d.position === b.position &&
    d.guardrail === b.guardrail &&
    sameNumber(d.tier, b.tier) !== false &&
    sameNumber(d.probability, b.probability) !== false
  );
}

/** Bitwise equal (NaN equals NaN); false when they differ. */
function sameNumber(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

function where(d: DecisionRow): { ts: number; symbol: string } {
  return { ts: d.ts, symbol: d.symbol };
}

function describe(d: DecisionRow): string {
  const tier = Number.isFinite(d.tier) ? ` tier ${d.tier}` : '';
  const p = Number.isFinite(d.probability) ? ` p=${d.probability.toFixed(4)}` : '';
  return `${d.action} pos ${d.position}${d.guardrail ? ` [${d.guardrail}]` : ''}${tier}${p}`;
}

/** A bar's content id: sha256 of its ts and OHLCV as written (12 hex characters). */
export function barId(bar: readonly number[] | undefined): string {
  return bar === undefined ? '(none)' : `bar:${sha256Hex(bar.map((v) => String(v)).join(',')).slice(0, 12)}`;
}

function iso(ts: number): string {
  return new Date(ts).toISOString();
}
