import { z } from 'zod';
import type { BarWindow } from '../bar-window.js';
import { WARMUP, type StrategyDecision, type StrategyDef } from '../strategy.js';

const SmaCrossParamsSchema = z
  .object({
    fast: z.number().int().min(1).max(10_000).default(10).describe('bars of the fast SMA of close'),
    slow: z.number().int().min(2).max(10_000).default(30).describe('bars of the slow SMA of close (more than fast)'),
  })
  .strict()
  .refine((p) => p.fast < p.slow, { message: 'fast must be shorter than slow', path: ['fast'] });
type SmaCrossParams = z.infer<typeof SmaCrossParamsSchema>;

const ABOVE: StrategyDecision = Object.freeze({ target: 1, reason: 'fast SMA above slow SMA' });
const BELOW: StrategyDecision = Object.freeze({ target: -1, reason: 'fast SMA below slow SMA' });
const EQUAL: StrategyDecision = Object.freeze({ target: 0, reason: 'fast SMA equals slow SMA' });

/**
 * Rolling sums of the last `fast` and `slow` closes; `next` is the bar they are ready for;
 * `flatSince` the first bar of the current run of equal closes.
 */
interface SmaState {
  next: number;
  fastSum: number;
  slowSum: number;
  flatSince: number;
}

/** Sum of close over the `period` bars ending at t (inclusive). */
function sumOfClose(window: BarWindow, t: number, period: number): number {
  let sum = 0;
  for (let i = t - period + 1; i <= t; i++) sum += window.close(i);
  return sum;
}

/** The sum over `period` closes ending at t: rolled on from t-1 (add close t, drop close t-period) when in order. */
function rolledSum(window: BarWindow, t: number, period: number, previous: number, inOrder: boolean): number {
  if (t + 1 < period) return Number.NaN;
  if (!inOrder || t + 1 === period) return sumOfClose(window, t, period);
  return previous + window.close(t) - window.close(t - period);
}

/** Advances the rolling sums to bar t; a call out of order sums the windows afresh. */
function advance(window: BarWindow, params: SmaCrossParams, state: SmaState): void {
  const t = window.t;
  const inOrder = state.next === t;
  state.fastSum = rolledSum(window, t, params.fast, state.fastSum, inOrder);
  state.slowSum = rolledSum(window, t, params.slow, state.slowSum, inOrder);
  if (!inOrder) state.flatSince = flatRunStart(window, t, params.slow);
  else if (t === 0 || window.close(t) !== window.close(t - 1)) state.flatSince = t;
  state.next = t + 1;
}

/** The first bar of the run of closes equal to close t, looking back at most `limit` bars. */
function flatRunStart(window: BarWindow, t: number, limit: number): number {
  let start = t;
  while (start > 0 && t - start < limit && window.close(start - 1) === window.close(t)) start--;
  return start;
}

/**
 * The mean of the `period` closes ending at t: exactly close t when they are all equal (a rolled
 * sum carries rounding from the bars it dropped, so two flat means would differ by ~1e-13).
 */
function meanOf(window: BarWindow, state: SmaState, sum: number, period: number): number {
  const t = window.t;
  return t - state.flatSince + 1 >= period ? window.close(t) : sum / period;
}

/**
 * Moving-average cross: long while the fast SMA of close is above the slow SMA, flat otherwise
 * (short while below when the run allows shorts). The SMAs are kept as rolling sums (one add
 * and one drop per bar), so a bar costs the same whatever the periods.
 * @example getStrategy('sma-cross') // params { fast: 10, slow: 30 }
 */
export const smaCross: StrategyDef<SmaCrossParams, SmaState> = {
  description:
    'Fast/slow simple moving average cross of close: long when fast > slow, flat (or short when allowed) when below.',
  paramsSchema: SmaCrossParamsSchema,
  inputNames: ['fastSma', 'slowSma'],
  warmup: (params) => params.slow,
  init: () => ({ next: 0, fastSum: Number.NaN, slowSum: Number.NaN, flatSince: 0 }),
  decide(window, params, { inputs, state }) {
    advance(window, params, state);
    if (window.length < params.slow) return WARMUP;
    const fast = meanOf(window, state, state.fastSum, params.fast);
    const slow = meanOf(window, state, state.slowSum, params.slow);
    inputs[0] = fast;
    inputs[1] = slow;
    return fast > slow ? ABOVE : fast < slow ? BELOW : EQUAL;
  },
};
