import { signalsOf, TIER_NAMES, tierSharesPct, winRatePct } from './observe-stats.js';
import type { ObservedRun } from './observed-run.js';
import type { Reconciliation } from './reconcile.js';

/** One side of the comparison. */
export interface Side {
  name: string;
  run: ObservedRun;
}

/** Rows of the differences table at most (the counts by class always cover all). */
const MAX_ROWS = 200;

/** The exit criteria as a Markdown checklist: `- [x] name: figures` or `- [ ] FAIL name: figures`. */
export function checklist(criteria: ReadonlyArray<{ name: string; pass: boolean; figures: string }>): string[] {
  return criteria.map((c) => `- [${c.pass ? 'x' : ' '}] ${c.pass ? 'pass' : 'FAIL'}: ${c.name}: ${c.figures}`);
}

/** Win rate, trades, signals, tier shares and final equity side by side; a gap beyond `tolerance` points is flagged. */
export function comparisonTable(dry: Side, base: Side, tolerance: number): string[] {
  const rows: string[][] = [];
  const pct = (v: number) => (Number.isNaN(v) ? 'n/a' : `${v.toFixed(1)}%`);
  const flag = (a: number, b: number) =>
    Number.isNaN(a) && Number.isNaN(b) ? '' : Math.abs(a - b) <= tolerance ? '' : `**flagged** (${gap(a, b)})`;
  rows.push(['decisions', String(dry.run.decisions.length), String(base.run.decisions.length), '']);
  rows.push(['signals', String(signalsOf(dry.run.decisions).length), String(signalsOf(base.run.decisions).length), '']);
  rows.push(['closed trades', String(dry.run.trades.length), String(base.run.trades.length), '']);
  const winDry = winRatePct(dry.run.trades);
  const winBase = winRatePct(base.run.trades);
  rows.push(['win rate', pct(winDry), pct(winBase), flag(winDry, winBase)]);
  const tiersDry = tierSharesPct(dry.run.decisions);
  const tiersBase = tierSharesPct(base.run.decisions);
  TIER_NAMES.forEach((tier, i) =>
    rows.push([
      `${tier} tier signals`,
      pct(tiersDry[i] as number),
      pct(tiersBase[i] as number),
      flag(tiersDry[i] as number, tiersBase[i] as number),
    ]),
  );
  rows.push(['final equity', money(dry.run.equity.equity.at(-1)), money(base.run.equity.equity.at(-1)), '']);
  return table(['', dry.name, base.name, `beyond ±${tolerance} pts`], rows);
}

/** One row per symbol of a multi-symbol session: decisions, signals, win rate and largest tier gap of both sides. */
export function symbolTable(
  lanes: ReadonlyArray<{ symbol: string; dry: ObservedRun; baseline: ObservedRun; differences: number }>,
  tolerance: number,
): string[] {
  const pct = (v: number) => (Number.isNaN(v) ? 'n/a' : `${v.toFixed(1)}%`);
  const rows = lanes.map((l) => {
    const winDry = winRatePct(l.dry.trades);
    const winBase = winRatePct(l.baseline.trades);
    const tiersDry = tierSharesPct(l.dry.decisions);
    const tiersBase = tierSharesPct(l.baseline.decisions);
    const tierGap = Math.max(...tiersDry.map((v, i) => Math.abs(v - (tiersBase[i] as number))));
    const flagged = (!Number.isNaN(winDry - winBase) && Math.abs(winDry - winBase) > tolerance) || tierGap > tolerance;
    return [
      l.symbol,
      `${l.dry.decisions.length} / ${l.baseline.decisions.length}`,
      `${signalsOf(l.dry.decisions).length} / ${signalsOf(l.baseline.decisions).length}`,
      `${pct(winDry)} / ${pct(winBase)}`,
      `${tierGap.toFixed(1)} pts`,
      String(l.differences),
      flagged ? '**flagged**' : '',
    ];
  });
  return table(
    [
      'symbol',
      'decisions (dry / base)',
      'signals',
      'win rate',
      'largest tier gap',
      'differences',
      `beyond ±${tolerance} pts`,
    ],
    rows,
  );
}

/** Differences by class, then each difference (at most 200 rows) among the decisions `keep` selects. */
export function differencesTable(r: Reconciliation, keep: (ts: number) => boolean): string[] {
  const differences = r.differences.filter((d) => keep(d.ts));
  const byClass = new Map<string, number>();
  for (const d of differences) byClass.set(d.class, (byClass.get(d.class) ?? 0) + 1);
  const lines = [
    `${r.compared} decisions compared in all, ${r.matched} identical; here ${differences.length} difference(s).`,
    r.rateLimited.length > 0
      ? `${r.rateLimited.length} signal(s) rate-limited in the dry run (journaled, not emitted; decisions unchanged).`
      : 'No signal was rate-limited.',
    '',
  ];
  if (differences.length === 0) return [...lines, 'No difference: the dry run reconciles to the baseline.'];
  lines.push(
    ...table(
      ['class', 'count'],
      [...byClass.entries()].sort().map(([c, n]) => [c, String(n)]),
    ),
    '',
  );
  const rows = differences
    .slice(0, MAX_ROWS)
    .map((d) => [
      new Date(d.ts).toISOString(),
      d.symbol,
      d.class === 'unexplained' ? '**unexplained**' : d.class,
      d.dry,
      d.baseline,
      d.explanation,
    ]);
  lines.push(...table(['bar', 'symbol', 'class', 'dry run', 'baseline', 'explanation'], rows));
  if (differences.length > MAX_ROWS) lines.push('', `… and ${differences.length - MAX_ROWS} more.`);
  return lines;
}

function table(header: string[], rows: string[][]): string[] {
  const cell = (v: string) => v.replace(/\|/g, '\\|');
  return [
    `| ${header.map(cell).join(' | ')} |`,
    `|${header.map(() => ' --- ').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

function gap(a: number, b: number): string {
  return Number.isNaN(a - b) ? 'one side has none' : `${Math.abs(a - b).toFixed(1)} pts`;
}

function money(v: number | undefined): string {
  return v === undefined ? 'n/a' : v.toFixed(2);
}
