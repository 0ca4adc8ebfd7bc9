import { createDayClock, type DayClock } from './day-clock.js';
import type { ResolvedGuardrails } from './guardrails-config.js';
import { GUARDRAIL } from './run-columns.js';

/**
 * Prop-firm guardrails (DESIGN.md "Guardrails") advanced bar by bar by the simulator. The daily
 * floor is the balance at the last local midnight minus X% of initial capital; the total floor is
 * initial capital (or the highest end-of-day balance when trailing) minus Y% of initial. A daily
 * breach blocks entries until the next day; a total breach stops the run. Plain fields, read in
 * the hot loop. NaN floors mean the rule is off (every comparison with NaN is false).
 * @example const monitor = new GuardrailMonitor(GUARDRAIL_PRESETS['ftmo-2step'], 100_000);
 */
export class GuardrailMonitor {
  /** Balance at the last day boundary. */
  dayStartBalance: number;
  /** Equity must stay at or above this today (NaN when off). */
  dailyFloor = Number.NaN;
  /** Equity must stay at or above this (NaN when off). */
  totalFloor = Number.NaN;
  stopped = false;
  dailyBreached = false;
  dailyBreachDays = 0;
  private readonly clock: DayClock;
  private readonly dailyLimit: number;
  private readonly totalLimit: number;
  private currentDay = Number.NaN;
  private bestEndOfDayBalance: number;

  constructor(
    private readonly rules: ResolvedGuardrails,
    private readonly initialCapital: number,
    /** The day boundaries to use (a sweep shares one across its cells); the rules' time zone by default. */
    clock: DayClock = createDayClock(rules.timezone),
  ) {
    this.clock = clock;
    this.dailyLimit = rules.maxDailyLossPct === null ? Number.NaN : (rules.maxDailyLossPct / 100) * initialCapital;
    this.totalLimit = rules.maxTotalLossPct === null ? Number.NaN : (rules.maxTotalLossPct / 100) * initialCapital;
    this.dayStartBalance = initialCapital;
    this.bestEndOfDayBalance = initialCapital;
  }

  /** Call first at every timeline step with the balance before that bar's fills; true when a new day began. */
  startBar(ts: number, balance: number): boolean {
    const day = this.clock.dayStart(ts);
    if (day === this.currentDay) return false;
    if (!Number.isNaN(this.currentDay)) this.bestEndOfDayBalance = Math.max(this.bestEndOfDayBalance, balance);
    this.currentDay = day;
    this.dayStartBalance = balance;
    this.dailyBreached = false;
    this.dailyFloor = balance - this.dailyLimit;
    this.totalFloor = (this.rules.trailing ? this.bestEndOfDayBalance : this.initialCapital) - this.totalLimit;
    return true;
  }

  /** Call with the equity marked to the bar's closes. */
  checkEquity(equity: number): void {
    if (equity < this.dailyFloor && !this.dailyBreached) {
      this.dailyBreached = true;
      this.dailyBreachDays++;
    }
    if (equity < this.totalFloor) this.stopped = true;
  }

  /** The guardrail code that blocks a new entry now (0 = none). */
  blockEntry(openElsewhere: number): number {
    if (this.stopped) return GUARDRAIL.max_total_loss;
    if (this.dailyBreached) return GUARDRAIL.max_daily_loss;
    if (this.rules.maxOpenPositions !== null && openElsewhere >= this.rules.maxOpenPositions)
      return GUARDRAIL.max_open_positions;
    return GUARDRAIL[''];
  }

  /** Largest notional one position may have at this equity. */
  maxPositionNotional(equity: number): number {
    return this.rules.maxPositionPct === null ? Number.POSITIVE_INFINITY : (this.rules.maxPositionPct / 100) * equity;
  }

  /** Start of the local day containing ts. */
  dayStart(ts: number): number {
    return this.clock.dayStart(ts);
  }
}
