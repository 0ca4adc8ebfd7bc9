import type { Bars } from '@buff/core';
import type { DayClock } from '../day-clock.js';
import { GuardrailMonitor } from '../guardrail-monitor.js';
import type { SimulationInput } from '../simulation-types.js';

/**
 * The equity curve of a one-symbol backtest from its targets, and nothing else: the simulator's
 * arithmetic (fills at the next open with slippage and fees, sizing, marking, guardrails, the close
 * at the last bar) in the same order on the same floats, without decisions, trades or days. A sweep
 * cell not kept needs only its equity; the cell kept is built by the run builder itself.
 * `targets[t]` is the strategy's target at bar t (before shorts and guardrails). Writes `out[t]`.
 * @example simulateEquity(simulationInputOf(prepared, [bars]), targets, new Float64Array(bars.ts.length));
 */
export function simulateEquity(
  input: SimulationInput,
  targets: Int8Array,
  out: Float64Array,
  /** Day boundaries shared across cells (barDayClock); the guardrails' zone by default. */
  clock?: DayClock,
): void {
  const bars = input.bars[0] as Bars;
  const { ts, open, close } = bars;
  const n = ts.length;
  const feeRate = input.feeBps / 10_000;
  const slip = input.slippageBps / 10_000;
  const sizing = input.sizingFraction * (input.weights[0] as number);
  const monitor = new GuardrailMonitor(input.guardrails, input.initialCapital, clock);
  const allowShort = input.allowShort;
  let balance = input.initialCapital;
  let position = 0;
  let target = 0;
  let quantity = 0;
  let entry = 0;
  let notional = 0;
  for (let t = 0; t < n; t++) {
    monitor.startBar(ts[t] as number, balance);
    if (target !== position) {
      const price = open[t] as number;
      if (position !== 0) {
        balance += closedValue(position, quantity, entry, price, slip, feeRate);
        position = 0;
        quantity = 0;
      }
      if (target !== 0) {
        const fill = price * (1 + target * slip);
        balance -= notional * feeRate;
        quantity = (target * notional) / fill;
        entry = fill;
        position = target;
      }
    }
    const last = close[t] as number;
    let marked = balance;
    if (position !== 0) marked += quantity * (last - entry);
    monitor.checkEquity(marked);
    let wanted = targets[t] as number;
    if (wanted === -1 && !allowShort) wanted = 0;
    if (monitor.stopped) wanted = 0;
    else if (wanted !== position && wanted !== 0) {
      if (monitor.blockEntry(0) !== 0) wanted = 0;
      else notional = Math.min(sizing * marked, monitor.maxPositionNotional(marked));
    }
    if (t === n - 1) {
      wanted = 0;
      if (position !== 0) {
        balance += closedValue(position, quantity, entry, last, slip, feeRate);
        position = 0;
        quantity = 0;
        marked = balance;
      }
    }
    target = wanted;
    out[t] = marked;
  }
}

/** What closing a position at `price` adds to the balance: gross P&L less the exit fee. */
function closedValue(side: number, quantity: number, entry: number, price: number, slip: number, feeRate: number) {
  const fill = price * (1 - side * slip);
  const fee = Math.abs(quantity) * fill * feeRate;
  const gross = quantity * (fill - entry);
  return gross - fee;
}
