// The contract of one backtest: what simulate() and the stepping Simulation take and give back.
import type { Bars } from '@buff/core';
import type { StrategyDef } from './strategy.js';
import type { DayColumns, DecisionColumns, EquityColumns, TradeColumns } from './run-columns.js';
import type { ResolvedGuardrails } from './guardrails-config.js';

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

/** What a backtest gives back: its columns, how it ended, and the day counts its metrics need. */
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
