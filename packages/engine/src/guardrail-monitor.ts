import { createDayClock } from './day-clock.js';
import type { ResolvedGuardrails } from './guardrails-config.js';
import { GUARDRAIL } from './run-columns.js';

/** Guardrail state of one run, advanced bar by bar by the simulator. */
export interface GuardrailMonitor {
  /** Balance at the last day boundary. */
  readonly dayStartBalance: number;
  /** Equity must stay at or above this today (NaN when the rule is off). */
  readonly dailyFloor: number;
  /** Equity must stay at or above this (NaN when off); static or trailing the best end-of-day balance. */
  readonly totalFloor: number;
  readonly stopped: boolean;
  readonly dailyBreachDays: number;
  /** Call first at every timeline step with the balance before that bar's fills. */
  startBar(ts: number, balance: number): void;
  /** Call with the equity marked to the bar's closes. */
  checkEquity(equity: number): void;
  /** The guardrail code that blocks a new entry now ('' code 0 when none). */
  blockEntry(openElsewhere: number): number;
  /** Largest notional one position may have at this equity. */
  maxPositionNotional(equity: number): number;
  /** Start of the local day containing ts. */
  dayStart(ts: number): number;
}

/**
 * Prop-firm guardrails (DESIGN.md "Guardrails"): the daily floor is the balance at the last local
 * midnight minus X% of initial capital; the total floor is initial (or the highest end-of-day
 * balance when trailing) minus Y% of initial. A daily breach blocks entries until the next day;
 * a total breach stops the run.
 * @example const monitor = createGuardrailMonitor(GUARDRAIL_PRESETS['ftmo-2step'], 100_000);
 */
export function createGuardrailMonitor(rules: ResolvedGuardrails, initialCapital: number): GuardrailMonitor {
  const clock = createDayClock(rules.timezone);
  const dailyLimit = rules.maxDailyLossPct === null ? Number.NaN : (rules.maxDailyLossPct / 100) * initialCapital;
  const totalLimit = rules.maxTotalLossPct === null ? Number.NaN : (rules.maxTotalLossPct / 100) * initialCapital;
  let currentDay = Number.NaN;
  let dayStartBalance = initialCapital;
  let bestEndOfDayBalance = initialCapital;
  let dailyBreached = false;
  let dailyBreachDays = 0;
  let stopped = false;
  return {
    get dayStartBalance() {
      return dayStartBalance;
    },
    get dailyFloor() {
      return dayStartBalance - dailyLimit;
    },
    get totalFloor() {
      return (rules.trailing ? bestEndOfDayBalance : initialCapital) - totalLimit;
    },
    get stopped() {
      return stopped;
    },
    get dailyBreachDays() {
      return dailyBreachDays;
    },
    startBar(ts, balance) {
      const day = clock.dayStart(ts);
      if (day === currentDay) return;
      if (!Number.isNaN(currentDay)) bestEndOfDayBalance = Math.max(bestEndOfDayBalance, balance);
      currentDay = day;
      dayStartBalance = balance;
      dailyBreached = false;
    },
    checkEquity(equity) {
      if (!dailyBreached && equity < this.dailyFloor) {
        dailyBreached = true;
        dailyBreachDays++;
      }
      if (equity < this.totalFloor) stopped = true;
    },
    blockEntry(openElsewhere) {
      if (stopped) return GUARDRAIL.max_total_loss;
      if (dailyBreached) return GUARDRAIL.max_daily_loss;
      if (rules.maxOpenPositions !== null && openElsewhere >= rules.maxOpenPositions) return GUARDRAIL.max_open_positions;
      return GUARDRAIL[''];
    },
    maxPositionNotional(equity) {
      return rules.maxPositionPct === null ? Number.POSITIVE_INFINITY : (rules.maxPositionPct / 100) * equity;
    },
    dayStart(ts) {
      return clock.dayStart(ts);
    },
  };
}
