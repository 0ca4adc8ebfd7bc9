import { sharedArray, type Bars } from '@buff/core';
import { createBarWindow, type BarWindowControl } from './bar-window.js';
import type { Direction, StrategyContext, StrategyDef } from './strategy.js';
import {
  ACTION,
  GUARDRAIL,
  type DayColumns,
  type DecisionColumns,
  type EquityColumns,
  type TradeColumns,
} from './run-columns.js';
import type { ResolvedGuardrails } from './guardrails-config.js';
import { GuardrailMonitor } from './guardrail-monitor.js';
import { createTradeLog } from './trade-log.js';

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

const END_OF_RUN = 'end of run: position closed at the last close';
const BLOCK_REASONS: Record<number, string> = {
  [GUARDRAIL.max_daily_loss]:
    'guardrail max_daily_loss: equity fell below the day-start balance minus the daily limit; entries blocked until the next day',
  [GUARDRAIL.max_total_loss]:
    'guardrail max_total_loss: equity fell below the total loss floor; positions flattened and the run stopped',
  [GUARDRAIL.max_open_positions]: 'guardrail max_open_positions: the run already holds the maximum number of positions',
};

/**
 * Runs a strategy over one or more symbols bar by bar. At each bar the strategy sees bars [0..t]
 * only (a {@link BarWindow}); the order it implies fills at that symbol's next bar open with
 * slippage and fees. Equity is marked to the closes on the union timeline and guardrails are
 * checked there. Positions still open at a symbol's last bar are closed at its last close.
 * @example const result = simulate({ symbols: ['BTC-USD'], bars: [bars], weights: [1], strategy, params, ... });
 */
export function simulate(input: SimulationInput): SimulationResult {
  const { symbols, bars, weights, strategy, params, initialCapital, allowShort } = input;
  const k = symbols.length;
  const feeRate = input.feeBps / 10_000;
  const slip = input.slippageBps / 10_000;
  const totalRows = bars.reduce((sum, b) => sum + b.ts.length, 0);
  const timeline = mergeTimeline(bars);
  // One symbol: its bars are the timeline and the decision rows, so ts and close are its own columns.
  const single = k === 1 ? (bars[0] as Bars) : undefined;
  const decisions = allocateDecisions(totalRows, symbols, strategy.inputNames, single);
  const equity = allocateEquity(timeline.length, single?.ts);
  const trades = createTradeLog(symbols);
  const monitor = new GuardrailMonitor(input.guardrails, initialCapital);
  const reasonIds = new Map<string, number>();
  let lastReason = '';
  let lastReasonId = -1;
  const internReason = (reason: string): number => {
    if (reason === lastReason) return lastReasonId;
    let id = reasonIds.get(reason);
    if (id === undefined) {
      id = decisions.reasons.length;
      decisions.reasons.push(reason);
      reasonIds.set(reason, id);
    }
    lastReason = reason;
    lastReasonId = id;
    return id;
  };

  const windows: BarWindowControl[] = bars.map((b, i) => createBarWindow(b, symbols[i]));
  const states = bars.map(() => strategy.init?.(params));
  const inputs = new Float64Array(strategy.inputNames.length);
  const context: StrategyContext<unknown> = { position: 0, state: undefined, inputs };
  const cursor = new Int32Array(k);
  const position = new Int8Array(k);
  const target = new Int8Array(k);
  const quantity = new Float64Array(k);
  const entryPrice = new Float64Array(k);
  const orderNotional = new Float64Array(k);
  const orderDecisionTs = new Float64Array(k);
  const lastClose = new Float64Array(k);
  const {
    ts: dTs,
    symbol: dSymbol,
    action: dAction,
    reason: dReason,
    guardrail: dGuardrail,
    position: dPosition,
    close: dClose,
    inputs: dInputs,
  } = decisions;
  const {
    ts: eTs,
    equity: eEquity,
    balance: eBalance,
    drawdown: eDrawdown,
    exposure: eExposure,
    openPositions: eOpen,
  } = equity;
  const days = {
    start: [] as number[],
    balance: [] as number[],
    dailyFloor: [] as number[],
    totalFloor: [] as number[],
    dailyBreached: [] as number[],
  };
  const inputCount = inputs.length;
  let closedAtEnd = false;
  let balance = initialCapital;
  let peak = initialCapital;
  let row = 0;
  let tradingDays = 0;
  let lastTradingDay = Number.NaN;
  const countTradingDay = (ts: number): void => {
    const day = monitor.dayStart(ts);
    if (day !== lastTradingDay) {
      tradingDays++;
      lastTradingDay = day;
    }
  };
  const closePosition = (i: number, price: number, exitDecisionTs: number, exitTs: number): void => {
    const side = position[i] as Direction;
    const fill = price * (1 - side * slip);
    const fee = Math.abs(quantity[i] as number) * fill * feeRate;
    const gross = (quantity[i] as number) * (fill - (entryPrice[i] as number));
    balance += gross - fee;
    trades.close(i, { exitDecisionTs, exitTs, exitPrice: fill, exitFee: fee, gross });
    countTradingDay(exitTs);
    position[i] = 0;
    quantity[i] = 0;
  };

  for (let step = 0; step < timeline.length; step++) {
    const ts = timeline[step] as number;
    if (monitor.startBar(ts, balance)) {
      days.start.push(monitor.dayStart(ts));
      days.balance.push(monitor.dayStartBalance);
      days.dailyFloor.push(monitor.dailyFloor);
      days.totalFloor.push(monitor.totalFloor);
      days.dailyBreached.push(0);
    }

    // 1. Fill the orders placed at each symbol's previous bar at this bar's open.
    for (let i = 0; i < k; i++) {
      const b = bars[i] as Bars;
      const t = cursor[i] as number;
      if (t >= b.ts.length || b.ts[t] !== ts || target[i] === position[i]) continue;
      const open = b.open[t] as number;
      if (position[i] !== 0) closePosition(i, open, orderDecisionTs[i] as number, ts);
      const side = target[i] as Direction;
      if (side !== 0) {
        const fill = open * (1 + side * slip);
        const notional = orderNotional[i] as number;
        const fee = notional * feeRate;
        balance -= fee;
        quantity[i] = (side * notional) / fill;
        entryPrice[i] = fill;
        position[i] = side;
        trades.open(i, {
          side,
          entryDecisionTs: orderDecisionTs[i] as number,
          entryTs: ts,
          entryPrice: fill,
          quantity: notional / fill,
          entryFee: fee,
        });
        countTradingDay(ts);
      }
    }

    // 2. Mark to the closes and check the guardrails.
    for (let i = 0; i < k; i++) {
      const b = bars[i] as Bars;
      const t = cursor[i] as number;
      if (t < b.ts.length && b.ts[t] === ts) lastClose[i] = b.close[t] as number;
    }
    let marked = balance;
    let gross = 0;
    let open = 0;
    for (let i = 0; i < k; i++) {
      if (position[i] === 0) continue;
      marked += (quantity[i] as number) * ((lastClose[i] as number) - (entryPrice[i] as number));
      gross += Math.abs((quantity[i] as number) * (lastClose[i] as number));
      open++;
    }
    monitor.checkEquity(marked);
    if (monitor.dailyBreached) days.dailyBreached[days.dailyBreached.length - 1] = 1;

    // 3. Decide for each symbol that has a bar now.
    for (let i = 0; i < k; i++) {
      const b = bars[i] as Bars;
      const t = cursor[i] as number;
      if (t >= b.ts.length || b.ts[t] !== ts) continue;
      const control = windows[i] as BarWindowControl;
      control.advanceTo(t);
      for (let m = 0; m < inputCount; m++) inputs[m] = Number.NaN;
      context.position = position[i] as Direction;
      context.state = states[i];
      const decision = strategy.decide(control.window, params, context);
      let wanted: Direction = decision.target === -1 && !allowShort ? 0 : decision.target;
      let action: number = ACTION.hold;
      let guardrail: number = GUARDRAIL[''];
      let reason = decision.reason;
      const current = position[i] as Direction;
      const lastBar = t === b.ts.length - 1;
      if (monitor.stopped) {
        guardrail = GUARDRAIL.max_total_loss;
        reason = BLOCK_REASONS[guardrail] as string;
        action = current !== 0 ? ACTION.flatten : wanted !== 0 ? ACTION.blocked : ACTION.stopped;
        wanted = 0;
      } else if (wanted !== current && wanted !== 0) {
        let openElsewhere = 0;
        for (let j = 0; j < k; j++) if (j !== i && target[j] !== 0) openElsewhere++;
        const block = monitor.blockEntry(openElsewhere);
        if (block !== GUARDRAIL['']) {
          guardrail = block;
          reason = BLOCK_REASONS[block] as string;
          action = current !== 0 ? ACTION.exit : ACTION.blocked;
          wanted = 0;
        } else {
          action =
            current === 0
              ? wanted === 1
                ? ACTION.enter_long
                : ACTION.enter_short
              : wanted === 1
                ? ACTION.reverse_to_long
                : ACTION.reverse_to_short;
          const share = input.sizingFraction * (weights[i] as number) * marked;
          const cap = monitor.maxPositionNotional(marked);
          orderNotional[i] = Math.min(share, cap);
          if (cap < share) guardrail = GUARDRAIL.max_position;
        }
      } else if (wanted !== current) {
        action = ACTION.exit;
      }
      if (lastBar && wanted !== 0 && !monitor.stopped) {
        action = current !== 0 ? ACTION.exit : ACTION.hold;
        reason = END_OF_RUN;
        wanted = 0;
      }
      target[i] = wanted;
      orderDecisionTs[i] = ts;
      if (single === undefined) {
        dTs[row] = ts;
        dClose[row] = b.close[t] as number;
      }
      dSymbol[row] = i;
      dAction[row] = action;
      dReason[row] = internReason(reason);
      dGuardrail[row] = guardrail;
      dPosition[row] = wanted;
      for (let m = 0; m < inputCount; m++) (dInputs[m] as Float64Array)[row] = inputs[m] as number;
      row++;
      if (lastBar && position[i] !== 0) {
        closePosition(i, b.close[t] as number, ts, ts);
        closedAtEnd = true;
      }
      cursor[i] = t + 1;
    }

    if (closedAtEnd) {
      // Closing at the end of data changes the balance: re-mark so the last equity row agrees with the trades.
      closedAtEnd = false;
      marked = balance;
      gross = 0;
      open = 0;
      for (let i = 0; i < k; i++) {
        if (position[i] === 0) continue;
        marked += (quantity[i] as number) * ((lastClose[i] as number) - (entryPrice[i] as number));
        gross += Math.abs((quantity[i] as number) * (lastClose[i] as number));
        open++;
      }
    }
    if (marked > peak) peak = marked;
    if (single === undefined) eTs[step] = ts;
    eEquity[step] = marked;
    eBalance[step] = balance;
    eDrawdown[step] = marked / peak - 1;
    eExposure[step] = marked > 0 ? gross / marked : 0;
    eOpen[step] = open;
  }

  return {
    decisions,
    trades: trades.columns(),
    equity,
    days: {
      length: days.start.length,
      start: new Float64Array(days.start),
      balance: new Float64Array(days.balance),
      dailyFloor: new Float64Array(days.dailyFloor),
      totalFloor: new Float64Array(days.totalFloor),
      dailyBreached: new Int8Array(days.dailyBreached),
    },
    status: monitor.stopped ? 'stopped' : 'completed',
    tradingDays,
    dailyLossBreachDays: monitor.dailyBreachDays,
  };
}

/** Sorted union of the symbols' bar times. */
function mergeTimeline(bars: readonly Bars[]): Float64Array {
  if (bars.length === 1) return (bars[0] as Bars).ts;
  const all = new Float64Array(bars.reduce((sum, b) => sum + b.ts.length, 0));
  let offset = 0;
  for (const b of bars) {
    all.set(b.ts, offset);
    offset += b.ts.length;
  }
  all.sort();
  let n = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[n - 1]) all[n++] = all[i] as number;
  return all.slice(0, n);
}

/** Columns in shared memory (see sharedArray); ts and close are those of `bars` when given (one symbol). */
function allocateDecisions(
  n: number,
  symbols: readonly string[],
  inputNames: readonly string[],
  bars?: Bars,
): DecisionColumns {
  return {
    length: n,
    ts: bars?.ts ?? sharedArray(Float64Array, n),
    symbol: sharedArray(Int8Array, n),
    symbols,
    action: sharedArray(Int8Array, n),
    reason: sharedArray(Int32Array, n),
    reasons: [],
    guardrail: sharedArray(Int8Array, n),
    position: sharedArray(Int8Array, n),
    close: bars?.close ?? sharedArray(Float64Array, n),
    inputNames,
    inputs: inputNames.map(() => sharedArray(Float64Array, n)),
  };
}

function allocateEquity(n: number, timeline?: Float64Array): EquityColumns {
  return {
    length: n,
    ts: timeline ?? sharedArray(Float64Array, n),
    equity: sharedArray(Float64Array, n),
    balance: sharedArray(Float64Array, n),
    drawdown: sharedArray(Float32Array, n),
    exposure: sharedArray(Float32Array, n),
    openPositions: sharedArray(Int8Array, n),
  };
}
