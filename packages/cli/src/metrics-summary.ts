import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunMetrics } from '@buff/engine';

/** A run's metrics.json as read for display: any field may be missing (legacy runs, older schemas). */
export type ShownMetrics = Partial<RunMetrics>;

const percent = (v: number | null | undefined, digits = 2) =>
  typeof v === 'number' && Number.isFinite(v) ? `${(v * 100).toFixed(digits)}%` : '-';
const fixed = (v: number | null | undefined, digits = 2) =>
  typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '-';
const money = (v: number | null | undefined) =>
  typeof v === 'number' && Number.isFinite(v)
    ? v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
    : '-';

/** The metrics.json of a run folder, or null when the run has none (a legacy run). */
export function readRunMetrics(runDir: string): ShownMetrics | null {
  const file = join(runDir, 'metrics.json');
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as ShownMetrics;
}

const YEAR_MS = 365 * 24 * 3600 * 1000;

/** A run's window (as the registry record and the config give it). */
export interface RunWindow {
  since: string | null;
  until: string | null;
}

/**
 * CAGR only for a window of at least a year, as the run page shows it: annualising a few days of
 * return compounds noise into a figure nobody could earn.
 */
function cagrText(m: ShownMetrics, window: RunWindow | undefined): string {
  const span = window?.since && window.until ? Date.parse(window.until) - Date.parse(window.since) : Number.NaN;
  if (!(span >= YEAR_MS)) return '- (not annualised: the window is under a year)';
  return percent(m.cagr);
}

/** Why a run's objectives did not pass, in words (empty when they passed or are unknown). */
function objectiveFailures(objectives: RunMetrics['objectives'] | undefined): string[] {
  if (!objectives || objectives.passed) return [];
  const failed: string[] = [];
  if (objectives.profitTarget.reached === false)
    failed.push(`profit target ${objectives.profitTarget.targetPct}% not reached`);
  if (objectives.minTradingDays.met === false)
    failed.push(`${objectives.minTradingDays.actual} of ${objectives.minTradingDays.required} trading days`);
  if (objectives.maxDailyLoss.breachDays > 0)
    failed.push(`daily loss limit breached on ${objectives.maxDailyLoss.breachDays} day(s)`);
  if (objectives.maxTotalLoss.breached) failed.push(`total loss limit ${objectives.maxTotalLoss.limitPct}% breached`);
  return failed;
}

/**
 * The headline metrics of a run as a few aligned lines (returns and drawdown in %, money with two decimals).
 * CAGR is shown for a window of a year or more (`window`: the run's), else marked as not annualised.
 * @example formatMetricsSummary(readRunMetrics(runDir) ?? {}, record.window).forEach((line) => console.log(line));
 */
export function formatMetricsSummary(m: ShownMetrics, window?: RunWindow): string[] {
  const failures = objectiveFailures(m.objectives);
  const objectives =
    m.objectives === undefined
      ? ''
      : m.objectives.passed
        ? ', objectives passed'
        : `, objectives not passed: ${failures.join('; ')}`;
  const blocks = m.guardrailBlocks;
  const blockParts = blocks
    ? (['maxDailyLoss', 'maxTotalLoss', 'maxOpenPositions'] as const)
        .filter((key) => blocks[key] > 0)
        .map((key) => `${key} ${blocks[key]}`)
    : [];
  return [
    `status        ${m.status ?? '-'}${objectives}`,
    `return        ${percent(m.totalReturn)}  (equity ${money(m.initialCapital)} -> ${money(m.finalEquity)})`,
    `cagr          ${cagrText(m, window)}`,
    `sharpe        ${fixed(m.sharpe)}  sortino ${fixed(m.sortino)}  max drawdown ${percent(m.maxDrawdown)}`,
    `trades        ${m.tradeCount ?? '-'}  win rate ${percent(m.winRate, 1)}  profit factor ${fixed(m.profitFactor)}  fees ${money(m.feesPaid)}`,
    `exposure      ${percent(m.exposure, 1)} of ${m.bars ?? '-'} bars`,
    `guardrails    ${blocks ? `${blocks.total} bar(s) blocked${blockParts.length > 0 ? ` (${blockParts.join(', ')})` : ''}` : '-'}`,
  ];
}
