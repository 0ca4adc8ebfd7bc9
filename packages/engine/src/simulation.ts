import type { Bars } from '@buff/core';
import { createBarWindow, type BarWindowControl } from './bar-window.js';
import type { Direction, StrategyContext } from './strategy.js';
import { ACTION, GUARDRAIL, type DecisionColumns, type EquityColumns } from './run-columns.js';
import { GuardrailMonitor } from './guardrail-monitor.js';
import { createTradeLog, type TradeLog } from './trade-log.js';
import { allocateDecisions, allocateEquity, mergeTimeline, truncateResult } from './simulation-columns.js';
import type { SimulationInput, SimulationResult } from './simulation-types.js';

const END_OF_RUN = 'end of run: position closed at the last close';
const BLOCK_REASONS: Record<number, string> = {
  [GUARDRAIL.max_daily_loss]:
    'guardrail max_daily_loss: equity fell below the day-start balance minus the daily limit; entries blocked until the next day',
  [GUARDRAIL.max_total_loss]:
    'guardrail max_total_loss: equity fell below the total loss floor; positions flattened and the run stopped',
  [GUARDRAIL.max_open_positions]: 'guardrail max_open_positions: the run already holds the maximum number of positions',
};

/** What the strategy asked for at one bar, and what the guardrails made of it. */
interface Choice {
  wanted: Direction;
  action: number;
  guardrail: number;
  reason: string;
}

/**
 * A backtest in stepping form: `step(index)` advances the simulation by one timeline step (fill the
 * orders placed at the previous bar, mark to market, decide for every symbol with a bar now, apply
 * the guardrails, record equity) and `finish()` hands out the columns. `simulate()` is the loop over
 * it; the dry run calls `step` as bars arrive. Bars may be buffers filled as a feed delivers them:
 * a step only reads bars up to its own time, and a symbol's last bar is the last slot of its buffer.
 * @example const sim = new Simulation(input); for (let s = 0; s < sim.timeline.length; s++) sim.step(s); sim.finish();
 */
export class Simulation {
  /** Sorted union of the symbols' bar times (the bars' own ts column for one symbol). */
  readonly timeline: Float64Array;
  readonly decisions: DecisionColumns;
  readonly equity: EquityColumns;
  /** Decision rows written so far. */
  rows = 0;
  /** Timeline steps done so far. */
  steps = 0;
  private readonly input: SimulationInput;
  private readonly k: number;
  private readonly feeRate: number;
  private readonly slip: number;
  private readonly single: Bars | undefined;
  private readonly trades: TradeLog;
  private readonly monitor: GuardrailMonitor;
  private readonly reasonIds = new Map<string, number>();
  private lastReason = '';
  private lastReasonId = -1;
  private readonly windows: BarWindowControl[];
  private readonly states: unknown[];
  private readonly inputs: Float64Array;
  private readonly context: StrategyContext<unknown>;
  private readonly cursor: Int32Array;
  private readonly position: Int8Array;
  private readonly target: Int8Array;
  private readonly quantity: Float64Array;
  private readonly entryPrice: Float64Array;
  private readonly orderNotional: Float64Array;
  private readonly orderDecisionTs: Float64Array;
  private readonly lastClose: Float64Array;
  private readonly days = {
    start: [] as number[],
    balance: [] as number[],
    dailyFloor: [] as number[],
    totalFloor: [] as number[],
    dailyBreached: [] as number[],
  };
  private balance: number;
  private peak: number;
  private marked = 0;
  private gross = 0;
  private open = 0;
  private tradingDays = 0;
  private lastTradingDay = Number.NaN;

  constructor(input: SimulationInput) {
    const { symbols, bars, strategy, params } = input;
    const k = symbols.length;
    this.input = input;
    this.k = k;
    this.feeRate = input.feeBps / 10_000;
    this.slip = input.slippageBps / 10_000;
    this.timeline = mergeTimeline(bars);
    // One symbol: its bars are the timeline and the decision rows, so ts and close are its own columns.
    this.single = k === 1 ? (bars[0] as Bars) : undefined;
    const totalRows = bars.reduce((sum, b) => sum + b.ts.length, 0);
    this.decisions = allocateDecisions(totalRows, symbols, strategy.inputNames, this.single);
    this.equity = allocateEquity(this.timeline.length, this.single?.ts);
    this.trades = createTradeLog(symbols);
    this.monitor = new GuardrailMonitor(input.guardrails, input.initialCapital);
    this.windows = bars.map((b, i) => createBarWindow(b, symbols[i]));
    this.states = bars.map((_, i) => strategy.init?.(params, symbols[i] as string));
    this.inputs = new Float64Array(strategy.inputNames.length);
    this.context = { position: 0, state: undefined, inputs: this.inputs };
    this.cursor = new Int32Array(k);
    this.position = new Int8Array(k);
    this.target = new Int8Array(k);
    this.quantity = new Float64Array(k);
    this.entryPrice = new Float64Array(k);
    this.orderNotional = new Float64Array(k);
    this.orderDecisionTs = new Float64Array(k);
    this.lastClose = new Float64Array(k);
    this.balance = input.initialCapital;
    this.peak = input.initialCapital;
  }

  /** The strategy's private state for symbol i (the dry run hands a model-signal state its new model). */
  strategyState(i: number): unknown {
    return this.states[i];
  }

  /** True once a max-total-loss breach stopped the run. */
  get stopped(): boolean {
    return this.monitor.stopped;
  }

  /**
   * The guardrails as they stand after the last step: the local day's start, its start balance, the
   * daily and total loss floors (NaN when the rule is off), whether today's floor was crossed, and
   * the equity marked at the last step (the dry run shows the distance to the floor).
   * @example const g = simulation.guardrailState(); g.equity - g.dailyFloor // room left today
   */
  guardrailState(): GuardrailState {
    const { monitor } = this;
    const last = this.days.start.length - 1;
    return {
      dayStart: this.days.start[last] ?? Number.NaN,
      dayStartBalance: monitor.dayStartBalance,
      dailyFloor: monitor.dailyFloor,
      totalFloor: monitor.totalFloor,
      dailyBreached: monitor.dailyBreached,
      stopped: monitor.stopped,
      equity: this.steps === 0 ? this.input.initialCapital : (this.equity.equity[this.steps - 1] as number),
    };
  }

  /** Advances by timeline step `index` (steps must come in order, each once). */
  step(index: number): void {
    const ts = this.timeline[index] as number;
    this.startDay(ts);
    this.fillOrders(ts);
    this.markToMarket(ts);
    this.monitor.checkEquity(this.marked);
    if (this.monitor.dailyBreached) this.days.dailyBreached[this.days.dailyBreached.length - 1] = 1;
    let closedAtEnd = false;
    for (let i = 0; i < this.k; i++) {
      const b = this.input.bars[i] as Bars;
      const t = this.cursor[i] as number;
      if (t >= b.ts.length || b.ts[t] !== ts) continue;
      if (this.decide(i, t, ts)) closedAtEnd = true;
      this.cursor[i] = t + 1;
    }
    // Closing at the end of data changes the balance: re-mark so the last equity row agrees with the trades.
    if (closedAtEnd) this.mark();
    this.recordEquity(index, ts);
    this.steps = index + 1;
  }

  /** The run's columns so far (all of them once every step is done). */
  finish(): SimulationResult {
    const { days, monitor } = this;
    return truncateResult(
      {
        decisions: this.decisions,
        trades: this.trades.columns(),
        equity: this.equity,
        days: {
          length: days.start.length,
          start: new Float64Array(days.start),
          balance: new Float64Array(days.balance),
          dailyFloor: new Float64Array(days.dailyFloor),
          totalFloor: new Float64Array(days.totalFloor),
          dailyBreached: new Int8Array(days.dailyBreached),
        },
        status: monitor.stopped ? 'stopped' : 'completed',
        tradingDays: this.tradingDays,
        dailyLossBreachDays: monitor.dailyBreachDays,
      },
      this.rows,
      this.steps,
    );
  }

  /** A new local day (guardrail time zone) records its start balance and floors. */
  private startDay(ts: number): void {
    const { monitor, days } = this;
    if (!monitor.startBar(ts, this.balance)) return;
    days.start.push(monitor.dayStart(ts));
    days.balance.push(monitor.dayStartBalance);
    days.dailyFloor.push(monitor.dailyFloor);
    days.totalFloor.push(monitor.totalFloor);
    days.dailyBreached.push(0);
  }

  /** Fills the orders placed at each symbol's previous bar at this bar's open. */
  private fillOrders(ts: number): void {
    const { position, target, slip } = this;
    for (let i = 0; i < this.k; i++) {
      const b = this.input.bars[i] as Bars;
      const t = this.cursor[i] as number;
      if (t >= b.ts.length || b.ts[t] !== ts || target[i] === position[i]) continue;
      const open = b.open[t] as number;
      if (position[i] !== 0) this.closePosition(i, open, this.orderDecisionTs[i] as number, ts);
      const side = target[i] as Direction;
      if (side === 0) continue;
      const fill = open * (1 + side * slip);
      const notional = this.orderNotional[i] as number;
      const fee = notional * this.feeRate;
      this.balance -= fee;
      this.quantity[i] = (side * notional) / fill;
      this.entryPrice[i] = fill;
      position[i] = side;
      this.trades.open(i, {
        side,
        entryDecisionTs: this.orderDecisionTs[i] as number,
        entryTs: ts,
        entryPrice: fill,
        quantity: notional / fill,
        entryFee: fee,
      });
      this.countTradingDay(ts);
    }
  }

  private closePosition(i: number, price: number, exitDecisionTs: number, exitTs: number): void {
    const side = this.position[i] as Direction;
    const fill = price * (1 - side * this.slip);
    const quantity = this.quantity[i] as number;
    const fee = Math.abs(quantity) * fill * this.feeRate;
    const gross = quantity * (fill - (this.entryPrice[i] as number));
    this.balance += gross - fee;
    this.trades.close(i, { exitDecisionTs, exitTs, exitPrice: fill, exitFee: fee, gross });
    this.countTradingDay(exitTs);
    this.position[i] = 0;
    this.quantity[i] = 0;
  }

  private countTradingDay(ts: number): void {
    const day = this.monitor.dayStart(ts);
    if (day !== this.lastTradingDay) {
      this.tradingDays++;
      this.lastTradingDay = day;
    }
  }

  /** Takes the closes of the symbols with a bar now, then marks the open positions to the last closes. */
  private markToMarket(ts: number): void {
    for (let i = 0; i < this.k; i++) {
      const b = this.input.bars[i] as Bars;
      const t = this.cursor[i] as number;
      if (t < b.ts.length && b.ts[t] === ts) this.lastClose[i] = b.close[t] as number;
    }
    this.mark();
  }

  /** Equity = balance plus open positions marked to the last closes; gross exposure and open count with it. */
  private mark(): void {
    let marked = this.balance;
    let gross = 0;
    let open = 0;
    for (let i = 0; i < this.k; i++) {
      if (this.position[i] === 0) continue;
      const quantity = this.quantity[i] as number;
      const close = this.lastClose[i] as number;
      marked += quantity * (close - (this.entryPrice[i] as number));
      gross += Math.abs(quantity * close);
      open++;
    }
    this.marked = marked;
    this.gross = gross;
    this.open = open;
  }

  /** Decides for symbol i at its bar t, records the decision; true when it closed a position at the end of data. */
  private decide(i: number, t: number, ts: number): boolean {
    const b = this.input.bars[i] as Bars;
    const choice = this.chooseAction(i, t);
    const lastBar = t === b.ts.length - 1;
    const current = this.position[i] as Direction;
    if (lastBar && choice.wanted !== 0 && !this.monitor.stopped) {
      choice.action = current !== 0 ? ACTION.exit : ACTION.hold;
      choice.reason = END_OF_RUN;
      choice.wanted = 0;
    }
    this.target[i] = choice.wanted;
    this.orderDecisionTs[i] = ts;
    this.recordDecision(i, t, ts, choice);
    if (lastBar && current !== 0) {
      this.closePosition(i, b.close[t] as number, ts, ts);
      return true;
    }
    return false;
  }

  /** Asks the strategy for its target at bar t, then applies the guardrails to it. */
  private chooseAction(i: number, t: number): Choice {
    const context = this.context;
    const control = this.windows[i] as BarWindowControl;
    control.advanceTo(t);
    this.inputs.fill(Number.NaN);
    context.position = this.position[i] as Direction;
    context.state = this.states[i];
    const decision = this.input.strategy.decide(control.window, this.input.params, context);
    const wanted: Direction = decision.target === -1 && !this.input.allowShort ? 0 : decision.target;
    return this.applyGuardrails(i, { wanted, action: ACTION.hold, guardrail: GUARDRAIL[''], reason: decision.reason });
  }

  /** A stopped run flattens; a new entry passes the guardrails (or is blocked) and gets its size. */
  private applyGuardrails(i: number, choice: Choice): Choice {
    const { monitor } = this;
    const current = this.position[i] as Direction;
    const { wanted } = choice;
    if (monitor.stopped) {
      choice.guardrail = GUARDRAIL.max_total_loss;
      choice.reason = BLOCK_REASONS[choice.guardrail] as string;
      choice.action = current !== 0 ? ACTION.flatten : wanted !== 0 ? ACTION.blocked : ACTION.stopped;
      choice.wanted = 0;
    } else if (wanted !== current && wanted !== 0) {
      let openElsewhere = 0;
      for (let j = 0; j < this.k; j++) if (j !== i && this.target[j] !== 0) openElsewhere++;
      const block = monitor.blockEntry(openElsewhere);
      if (block !== GUARDRAIL['']) {
        choice.guardrail = block;
        choice.reason = BLOCK_REASONS[block] as string;
        choice.action = current !== 0 ? ACTION.exit : ACTION.blocked;
        choice.wanted = 0;
      } else {
        choice.action = entryAction(current, wanted);
        const share = this.input.sizingFraction * (this.input.weights[i] as number) * this.marked;
        const cap = monitor.maxPositionNotional(this.marked);
        this.orderNotional[i] = Math.min(share, cap);
        if (cap < share) choice.guardrail = GUARDRAIL.max_position;
      }
    } else if (wanted !== current) {
      choice.action = ACTION.exit;
    }
    return choice;
  }

  private recordDecision(i: number, t: number, ts: number, choice: Choice): void {
    const d = this.decisions;
    const row = this.rows;
    if (this.single === undefined) {
      d.ts[row] = ts;
      d.close[row] = (this.input.bars[i] as Bars).close[t] as number;
    }
    d.symbol[row] = i;
    d.action[row] = choice.action;
    d.reason[row] = this.internReason(choice.reason);
    d.guardrail[row] = choice.guardrail;
    d.position[row] = choice.wanted;
    const { inputs } = this;
    for (let m = 0; m < inputs.length; m++) (d.inputs[m] as Float64Array)[row] = inputs[m] as number;
    this.rows = row + 1;
  }

  private internReason(reason: string): number {
    if (reason === this.lastReason) return this.lastReasonId;
    let id = this.reasonIds.get(reason);
    if (id === undefined) {
      id = this.decisions.reasons.length;
      this.decisions.reasons.push(reason);
      this.reasonIds.set(reason, id);
    }
    this.lastReason = reason;
    this.lastReasonId = id;
    return id;
  }

  private recordEquity(step: number, ts: number): void {
    const { marked, equity: e } = this;
    if (marked > this.peak) this.peak = marked;
    if (this.single === undefined) e.ts[step] = ts;
    e.equity[step] = marked;
    e.balance[step] = this.balance;
    e.drawdown[step] = marked / this.peak - 1;
    e.exposure[step] = marked > 0 ? this.gross / marked : 0;
    e.openPositions[step] = this.open;
  }
}

/** What `Simulation.guardrailState()` returns. */
export interface GuardrailState {
  dayStart: number;
  dayStartBalance: number;
  dailyFloor: number;
  totalFloor: number;
  dailyBreached: boolean;
  stopped: boolean;
  equity: number;
}

function entryAction(current: Direction, wanted: Direction): number {
  if (current === 0) return wanted === 1 ? ACTION.enter_long : ACTION.enter_short;
  return wanted === 1 ? ACTION.reverse_to_long : ACTION.reverse_to_short;
}
