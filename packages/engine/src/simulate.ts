import type { Bars } from '@buff/core';
import type { StrategyDef } from './strategy.js';
import type { DayColumns, DecisionColumns, EquityColumns, TradeColumns } from './run-columns.js';
import type { ResolvedGuardrails } from './guardrails-config.js';
import { Simulation } from './simulation.js';

/** Everything one backtest needs; bars are already cut to the run window. */
export interface SimulationInput {
  symbols: readonly string[];
  bars: readonly Bars[];
  /** Capital weight per symbol, summing to 1. */
  weights: readonly number[];
  strategy: StrategyDef;
  params: Record<string, unknown>;
  initialCapital: number;
  feeBps: number;
  slippageBps: number;
  /** Fraction of a symbol's share of equity put into one position. */
  sizingFraction: number;
  allowShort: boolean;
  guardrails: ResolvedGuardrails;
}

export interface SimulationResult {
  decisions: DecisionColumns;
  trades: TradeColumns;
  equity: EquityColumns;
  days: DayColumns;
  status: 'completed' | 'stopped';
  /** Distinct local days (guardrail time zone) with at least one fill. */
  tradingDays: number;
  /** Local days on which the daily loss limit was breached. */
  dailyLossBreachDays: number;
}

/**
 * Runs a strategy over one or more symbols bar by bar. At each bar the strategy sees bars [0..t]
 * only (a {@link BarWindow}); the order it implies fills at that symbol's next bar open with
 * slippage and fees. Equity is marked to the closes on the union timeline and guardrails are
 * checked there. Positions still open at a symbol's last bar are closed at its last close.
 * @example const result = simulate({ symbols: ['BTC-USD'], bars: [bars], weights: [1], strategy, params, ... });
 */
export function simulate(input: SimulationInput): SimulationResult {
  const simulation = new Simulation(input);
  const steps = simulation.timeline.length;
  for (let step = 0; step < steps; step++) simulation.step(step);
  return simulation.finish();
}
