import { processDeaths } from './planned-kills.js';
import type { JournalEntry } from '../dryrun/journal-entry.js';
import type { SessionRecord } from '../dryrun/session-files.js';
import {
  dayNamer,
  outboxSummary,
  type OutboxSummary,
  signalsOf,
  TIER_NAMES,
  tierSharesPct,
  winRatePct,
} from './observe-stats.js';
import type { ObservedRun } from './observed-run.js';
import { reconcile, type BaselineBars, type Reconciliation } from './reconcile.js';
import { barChartSvg, lineChartSvg } from './svg-charts.js';
import { checklist, comparisonTable, differencesTable, symbolTable, type Side } from './report-tables.js';

/** Everything the report reads: the session, its journal and snapshots, the baseline. */
export interface ObservationInput {
  session: SessionRecord;
  /** The session folder (its outbox tells what was notified). */
  dir: string;
  journal: JournalEntry[];
  dry: ObservedRun;
  baseline: ObservedRun;
  /** How the baseline came to be, e.g. `run-… (built on the fly: buff run build of the session's config)`. */
  baselineLabel: string;
  baselineBars?: BaselineBars | undefined;
  /** The guardrails' time zone: days follow its midnight. */
  timezone: string;
  /** A multi-symbol session's sides per symbol (`dry` and `baseline` above are their total). */
  lanes?: Array<{ symbol: string; dry: ObservedRun; baseline: ObservedRun }> | undefined;
  /** Points beyond which a win-rate or tier-share difference is flagged (default 5). */
  tolerancePts?: number;
}

/** The report's files by name (Markdown and SVG), and the figures a caller prints. */
export interface ObservationReport {
  files: Map<string, string>;
  reconciliation: Reconciliation;
  unexplained: number;
  criteria: Array<{ name: string; pass: boolean; figures: string }>;
  days: string[];
}

const DRY_COLOR = '#1f77b4';
const BASE_COLOR = '#d62728';

/**
 * The observation report of a dry-run session against its backtest baseline: `summary.md` (the exit
 * criteria as a pass/fail checklist with figures, win rate and tier distribution side by side, the
 * decision-by-decision reconciliation), `dayN.md` per day (or only `day`), and SVG charts (equity of
 * both, tier histogram, daily signal counts). Pure: the same inputs give the same bytes.
 * @example const report = observationReport(input, { day: 2 }); for (const [name, text] of report.files) write(name, text);
 */
export function observationReport(input: ObservationInput, options: { day?: number } = {}): ObservationReport {
  const tolerance = input.tolerancePts ?? 5;
  const symbolOf = (lane: number) => input.session.lanes[lane]?.symbol ?? input.session.symbol;
  const r = reconcile(
    input.dry.decisions,
    input.baseline.decisions,
    input.journal,
    input.baselineBars,
    input.session.stopReason ?? input.session.status,
    symbolOf,
  );
  const dayOf = dayNamer(input.timezone);
  const days = [...new Set(input.dry.decisions.map((d) => dayOf(d.ts)))].sort();
  const outbox = outboxSummary(input.dir);
  const dry: Side = { name: 'dry run', run: input.dry };
  const base: Side = { name: 'baseline', run: input.baseline };
  const criteria = exitCriteria(input, r, outbox, tolerance);
  const files = new Map<string, string>();
  files.set('summary.md', summaryMarkdown(input, r, criteria, dry, base, days, tolerance));
  files.set('equity.svg', equitySvg('Equity: dry run and baseline', input.dry, input.baseline));
  files.set('tiers.svg', tiersSvg(input.dry, input.baseline));
  files.set('daily-signals.svg', dailySignalsSvg(input, days, dayOf));
  const chosen = options.day === undefined ? days.map((_, i) => i + 1) : [options.day];
  for (const n of chosen) {
    const day = days[n - 1];
    if (day === undefined) continue;
    const only = (run: ObservedRun): ObservedRun => ({
      decisions: run.decisions.filter((d) => dayOf(d.ts) === day),
      trades: run.trades.filter((t) => dayOf(t.exitTs) === day),
      equity: filterEquity(run.equity, (ts) => dayOf(ts) === day),
    });
    const dayDry = only(input.dry);
    const dayBase = only(input.baseline);
    files.set(
      `day${n}.md`,
      dayMarkdown(
        input,
        n,
        day,
        r,
        dayOf,
        { name: 'dry run', run: dayDry },
        { name: 'baseline', run: dayBase },
        tolerance,
      ),
    );
    files.set(`day${n}-equity.svg`, equitySvg(`Equity on ${day} (day ${n})`, dayDry, dayBase));
  }
  const unexplained = r.differences.filter((d) => d.class === 'unexplained').length;
  return { files, reconciliation: r, unexplained, criteria, days };
}

function exitCriteria(
  input: ObservationInput,
  r: Reconciliation,
  outbox: OutboxSummary | undefined,
  tolerance: number,
) {
  const used = input.journal.filter((e) => !e.refused).map((e) => e.bar[0]);
  const hours = used.length < 2 ? 0 : (Math.max(...used) - Math.min(...used) + 60_000) / 3_600_000;
  const { crashes, planned } = processDeaths(input.session, input.dir, outbox);
  const blocks = input.dry.decisions.filter(
    (d) => d.guardrail === 'max_daily_loss' || d.guardrail === 'max_total_loss',
  );
  const high = input.journal.filter((e) => e.signal && !e.rateLimited && e.signal.tier === 'high').length;
  const delivered = outbox ? outbox.notifiers.map((n) => `${n} ${outbox.signalsDelivered[n] ?? 0}/${high}`) : [];
  const winDry = winRatePct(input.dry.trades);
  const winBase = winRatePct(input.baseline.trades);
  const tierGap = maxGap(tierSharesPct(input.dry.decisions), tierSharesPct(input.baseline.decisions));
  const unexplained = r.differences.filter((d) => d.class === 'unexplained').length;
  const pts = (v: number) => (Number.isNaN(v) ? 'n/a' : `${v.toFixed(1)} pts`);
  return [
    {
      name: 'ran 72 hours without a crash',
      pass: hours >= 72 && crashes === 0,
      figures: `${hours.toFixed(1)} h of bars, ${crashes} crash(es), ${planned} planned kill(s), status ${input.session.status}`,
    },
    {
      name: 'a guardrail (FTMO) blocked',
      pass: blocks.length > 0,
      figures:
        blocks.length > 0
          ? `${blocks.length} decision(s) blocked, first ${new Date(blocks[0]?.ts as number).toISOString()} (${blocks[0]?.guardrail})`
          : 'no guardrail block',
    },
    {
      name: 'high-tier signals notified',
      pass:
        outbox !== undefined && high > 0 && outbox.notifiers.every((n) => (outbox.signalsDelivered[n] ?? 0) >= high),
      figures: outbox
        ? `${high} high-tier signal(s); delivered: ${delivered.join(', ') || 'no notifier'}`
        : `${high} high-tier signal(s); no notifier configured`,
    },
    {
      name: `win rate within ±${tolerance} points of the baseline`,
      pass: bothNaN(winDry, winBase) || Math.abs(winDry - winBase) <= tolerance,
      figures: `dry ${fmtPct(winDry)}, baseline ${fmtPct(winBase)} (${pts(Math.abs(winDry - winBase))})`,
    },
    {
      name: `tier distribution within ±${tolerance} points`,
      pass: tierGap <= tolerance,
      figures: `largest gap ${tierGap.toFixed(1)} pts`,
    },
    {
      name: 'every decision difference explained',
      pass: unexplained === 0,
      figures: `${r.differences.length} difference(s), ${unexplained} unexplained, of ${r.compared} decisions`,
    },
  ];
}

function summaryMarkdown(
  input: ObservationInput,
  r: Reconciliation,
  criteria: ObservationReport['criteria'],
  dry: Side,
  base: Side,
  days: string[],
  tolerance: number,
): string {
  const s = input.session;
  return [
    `# Observation summary: ${s.id}`,
    '',
    `- Model: ${s.model.name} v${s.model.version} (${s.model.id}); feed ${s.feed.kind}; status ${s.status}${s.stopReason ? ` (${s.stopReason})` : ''}`,
    `- Bars: ${s.counts.bars} handled, ${s.counts.refused} refused; days (${input.timezone}): ${days.length}`,
    `- Symbols: ${s.lanes.map((l) => `${l.symbol} (${l.model.name} v${l.model.version})`).join(', ')}`,
    `- Baseline: ${input.baselineLabel}`,
    '',
    '## Exit criteria',
    '',
    ...checklist(criteria),
    '',
    input.lanes ? '## Dry run and baseline: all symbols' : '## Dry run and baseline',
    '',
    ...comparisonTable(dry, base, tolerance),
    '',
    ...perSymbol(input, r, tolerance),
    '![equity](equity.svg)',
    '![tiers](tiers.svg)',
    '![daily signals](daily-signals.svg)',
    '',
    '## Reconciliation',
    '',
    ...differencesTable(r, () => true),
    '',
  ].join('\n');
}

function dayMarkdown(
  input: ObservationInput,
  n: number,
  day: string,
  r: Reconciliation,
  dayOf: (ts: number) => string,
  dry: Side,
  base: Side,
  tolerance: number,
): string {
  return [
    `# Day ${n} (${day}, ${input.timezone}): ${input.session.id}`,
    '',
    `- Baseline: ${input.baselineLabel}`,
    `- Decisions: dry run ${dry.run.decisions.length}, baseline ${base.run.decisions.length}`,
    '',
    ...comparisonTable(dry, base, tolerance),
    '',
    `![equity](day${n}-equity.svg)`,
    '',
    '## Reconciliation',
    '',
    ...differencesTable(r, (ts) => dayOf(ts) === day),
    '',
  ].join('\n');
}

/** A multi-symbol session: each symbol's figures side by side, and its differences (nothing for one symbol). */
function perSymbol(input: ObservationInput, r: Reconciliation, tolerance: number): string[] {
  if (!input.lanes) return [];
  return [
    '## Per symbol',
    '',
    ...symbolTable(
      input.lanes.map((l) => ({
        symbol: l.symbol,
        dry: l.dry,
        baseline: l.baseline,
        differences: r.differences.filter((d) => d.symbol === l.symbol).length,
      })),
      tolerance,
    ),
    '',
  ];
}

function equitySvg(title: string, dry: ObservedRun, base: ObservedRun): string {
  return lineChartSvg(
    title,
    [
      { name: 'dry run', color: DRY_COLOR, x: dry.equity.ts, y: dry.equity.equity },
      { name: 'baseline', color: BASE_COLOR, x: base.equity.ts, y: base.equity.equity },
    ],
    (ts) => new Date(ts).toISOString().slice(0, 16).replace('T', ' '),
  );
}

function tiersSvg(dry: ObservedRun, base: ObservedRun): string {
  return barChartSvg(
    'Signals by tier (%)',
    [...TIER_NAMES],
    [
      { name: 'dry run', color: DRY_COLOR, values: tierSharesPct(dry.decisions) },
      { name: 'baseline', color: BASE_COLOR, values: tierSharesPct(base.decisions) },
    ],
  );
}

function dailySignalsSvg(input: ObservationInput, days: string[], dayOf: (ts: number) => string): string {
  const perDay = (run: ObservedRun) =>
    days.map((day) => signalsOf(run.decisions).filter((d) => dayOf(d.ts) === day).length);
  return barChartSvg('Signals per day', days, [
    { name: 'dry run', color: DRY_COLOR, values: perDay(input.dry) },
    { name: 'baseline', color: BASE_COLOR, values: perDay(input.baseline) },
  ]);
}

function filterEquity(e: ObservedRun['equity'], keep: (ts: number) => boolean): ObservedRun['equity'] {
  const at = e.ts.map((ts, i) => (keep(ts) ? i : -1)).filter((i) => i >= 0);
  return { ts: at.map((i) => e.ts[i] as number), equity: at.map((i) => e.equity[i] as number) };
}

function bothNaN(a: number, b: number): boolean {
  return Number.isNaN(a) && Number.isNaN(b);
}

function maxGap(a: readonly number[], b: readonly number[]): number {
  return Math.max(...a.map((v, i) => Math.abs(v - (b[i] ?? 0))));
}

function fmtPct(v: number): string {
  return Number.isNaN(v) ? 'n/a (no trades)' : `${v.toFixed(1)}%`;
}
