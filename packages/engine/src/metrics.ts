import { z } from 'zod';
import { timeframeMs, type Timeframe } from '@buff/core';
import type { ResolvedGuardrails } from './guardrails-config.js';
import { ACTION, GUARDRAIL, type DecisionColumns, type EquityColumns, type TradeColumns } from './run-columns.js';

const YEAR_MS = 365 * 24 * 3600 * 1000;
const Num = z.number().nullable();

/** `metrics.json`: headline figures (null when undefined, e.g. Sharpe of a flat curve) and objectives. */
export const RunMetricsSchema = z
  .object({
    schemaVersion: z.literal(1),
    status: z.enum(['completed', 'stopped']),
    initialCapital: z.number(),
    finalEquity: z.number(),
    totalReturn: z.number(),
    cagr: Num,
    sharpe: Num,
    sortino: Num,
    maxDrawdown: z.number(),
    winRate: Num,
    profitFactor: Num,
    tradeCount: z.number().int(),
    feesPaid: z.number(),
    exposure: z.number(),
    bars: z.number().int(),
    guardrailBlocks: z
      .object({
        total: z.number().int(),
        maxDailyLoss: z.number().int(),
        maxTotalLoss: z.number().int(),
        maxOpenPositions: z.number().int(),
      })
      .strict(),
    objectives: z
      .object({
        profitTarget: z.object({ targetPct: Num, reached: z.boolean().nullable() }).strict(),
        minTradingDays: z.object({ required: Num, actual: z.number().int(), met: z.boolean().nullable() }).strict(),
        maxDailyLoss: z.object({ limitPct: Num, breachDays: z.number().int() }).strict(),
        maxTotalLoss: z.object({ limitPct: Num, breached: z.boolean() }).strict(),
        passed: z.boolean(),
      })
      .strict(),
  })
  .strict();
export type RunMetrics = z.infer<typeof RunMetricsSchema>;

/** Rounds to 12 significant digits so metrics.json does not carry float noise. */
function tidy(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(12)) : value;
}
const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? tidy(value) : null);

/**
 * Run metrics from the simulation columns. Sharpe and Sortino use per-bar equity returns
 * annualised by bars per year of the timeframe (markets open 24/7, risk-free rate 0; Sortino's
 * downside deviation is the root mean square of negative returns). Exposure is the share of
 * bars with at least one open position.
 * @example const metrics = computeMetrics({ decisions, trades, equity, status, tradingDays, dailyLossBreachDays }, options);
 */
export function computeMetrics(
  run: {
    decisions: DecisionColumns;
    trades: TradeColumns;
    equity: EquityColumns;
    status: 'completed' | 'stopped';
    tradingDays: number;
    dailyLossBreachDays: number;
  },
  options: { initialCapital: number; timeframe: Timeframe; guardrails: ResolvedGuardrails },
): RunMetrics {
  const { equity, trades, decisions } = run;
  const initial = options.initialCapital;
  const n = equity.length;
  const barMs = timeframeMs(options.timeframe);
  const { final, mean, std, downside, maxDrawdown, exposed } = equityFigures(equity, initial);
  const perYear = Math.sqrt(YEAR_MS / barMs);
  const years = n > 0 ? ((equity.ts[n - 1] as number) + barMs - (equity.ts[0] as number)) / YEAR_MS : 0;
  const { wins, grossWin, grossLoss, fees } = tradeFigures(trades);
  const blocks = guardrailBlocks(decisions);

  const g = options.guardrails;
  const totalReturn = final / initial - 1;
  const targetReached = g.profitTargetPct === null ? null : totalReturn * 100 >= g.profitTargetPct;
  const daysMet = g.minTradingDays === null ? null : run.tradingDays >= g.minTradingDays;
  const totalBreached = run.status === 'stopped';
  return {
    schemaVersion: 1,
    status: run.status,
    initialCapital: initial,
    finalEquity: tidy(final),
    totalReturn: tidy(totalReturn),
    cagr: years > 0 && final > 0 ? finiteOrNull((final / initial) ** (1 / years) - 1) : null,
    sharpe: std > 0 ? finiteOrNull((mean / std) * perYear) : null,
    sortino: downside > 0 ? finiteOrNull((mean / downside) * perYear) : null,
    maxDrawdown: tidy(maxDrawdown),
    winRate: trades.length > 0 ? tidy(wins / trades.length) : null,
    profitFactor: grossLoss > 0 ? tidy(grossWin / grossLoss) : null,
    tradeCount: trades.length,
    feesPaid: tidy(fees),
    exposure: n > 0 ? tidy(exposed / n) : 0,
    bars: n,
    guardrailBlocks: blocks,
    objectives: {
      profitTarget: { targetPct: g.profitTargetPct, reached: targetReached },
      minTradingDays: { required: g.minTradingDays, actual: run.tradingDays, met: daysMet },
      maxDailyLoss: { limitPct: g.maxDailyLossPct, breachDays: run.dailyLossBreachDays },
      maxTotalLoss: { limitPct: g.maxTotalLossPct, breached: totalBreached },
      passed: targetReached !== false && daysMet !== false && run.dailyLossBreachDays === 0 && !totalBreached,
    },
  };
}

/** Final equity, mean, standard deviation and downside deviation of the per-bar returns, max drawdown, bars exposed. */
function equityFigures(equity: EquityColumns, initial: number) {
  const n = equity.length;
  const final = n > 0 ? (equity.equity[n - 1] as number) : initial;
  let sum = 0;
  let sumSq = 0;
  let downSq = 0;
  let maxDrawdown = 0;
  let exposed = 0;
  let previous = initial;
  let peak = initial;
  for (let i = 0; i < n; i++) {
    const value = equity.equity[i] as number;
    if (value > peak) peak = value;
    const r = value / previous - 1;
    previous = value;
    sum += r;
    sumSq += r * r;
    if (r < 0) downSq += r * r;
    maxDrawdown = Math.min(maxDrawdown, value / peak - 1);
    if ((equity.openPositions[i] as number) > 0) exposed++;
  }
  const mean = n > 0 ? sum / n : Number.NaN;
  const std = n > 1 ? Math.sqrt(Math.max(0, (sumSq - n * mean * mean) / (n - 1))) : Number.NaN;
  const downside = n > 0 ? Math.sqrt(downSq / n) : Number.NaN;
  return { final, mean, std, downside, maxDrawdown, exposed };
}

/** Winning trades, gross win, gross loss (as a positive sum) and fees paid. */
function tradeFigures(trades: TradeColumns) {
  let wins = 0;
  let grossWin = 0;
  let grossLoss = 0;
  let fees = 0;
  for (let i = 0; i < trades.length; i++) {
    const pnl = trades.pnl[i] as number;
    fees += trades.fees[i] as number;
    if (pnl > 0) {
      wins++;
      grossWin += pnl;
    } else grossLoss -= pnl;
  }
  return { wins, grossWin, grossLoss, fees };
}

/** Entries refused and positions closed by each guardrail (a max_position cut is no refusal). */
function guardrailBlocks(decisions: DecisionColumns): RunMetrics['guardrailBlocks'] {
  const blocks = { total: 0, maxDailyLoss: 0, maxTotalLoss: 0, maxOpenPositions: 0 };
  for (let i = 0; i < decisions.length; i++) {
    const action = decisions.action[i];
    const guardrail = decisions.guardrail[i];
    const refused =
      action === ACTION.blocked ||
      (action === ACTION.exit && guardrail !== GUARDRAIL[''] && guardrail !== GUARDRAIL.max_position);
    if (!refused) continue;
    blocks.total++;
    if (guardrail === GUARDRAIL.max_daily_loss) blocks.maxDailyLoss++;
    else if (guardrail === GUARDRAIL.max_total_loss) blocks.maxTotalLoss++;
    else if (guardrail === GUARDRAIL.max_open_positions) blocks.maxOpenPositions++;
  }
  return blocks;
}
