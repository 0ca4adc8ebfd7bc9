import { z } from 'zod';
import type { BarWindow } from '../bar-window.js';
import { WARMUP, type StrategyDecision, type StrategyDef } from '../strategy.js';

const SmaCrossParamsSchema = z
  .object({ fast: z.number().int().min(1).max(10_000).default(10), slow: z.number().int().min(2).max(10_000).default(30) })
  .strict()
  .refine((p) => p.fast < p.slow, { message: 'fast must be shorter than slow', path: ['fast'] });
type SmaCrossParams = z.infer<typeof SmaCrossParamsSchema>;

const ABOVE: StrategyDecision = Object.freeze({ target: 1, reason: 'fast SMA above slow SMA' });
const BELOW: StrategyDecision = Object.freeze({ target: -1, reason: 'fast SMA below slow SMA' });
const EQUAL: StrategyDecision = Object.freeze({ target: 0, reason: 'fast SMA equals slow SMA' });

/** Rolling sums of the last `fast` and `slow` closes; `next` is the bar they are ready for. */
interface SmaState {
  next: number;
  fastSum: number;
  slowSum: number;
}

/** Sum of close over the `period` bars ending at t (inclusive). */
function sumOfClose(window: BarWindow, t: number, period: number): number {
  let sum = 0;
  for (let i = t - period + 1; i <= t; i++) sum += window.close(i);
  return sum;
}

/**
 * Advances the rolling sums to bar t (adds close t, drops the close that left each window).
 * Calls out of order fall back to summing the windows afresh.
 */
function advance(window: BarWindow, params: SmaCrossParams, state: SmaState): void {
  const t = window.t;
  if (state.next !== t) {
    state.fastSum = t + 1 >= params.fast ? sumOfClose(window, t, params.fast) : Number.NaN;
    state.slowSum = t + 1 >= params.slow ? sumOfClose(window, t, params.slow) : Number.NaN;
    state.next = t + 1;
    return;
  }
  const close = window.close(t);
  state.fastSum = t + 1 === params.fast ? sumOfClose(window, t, params.fast) : state.fastSum + close - (t >= params.fast ? window.close(t - params.fast) : 0);
  state.slowSum = t + 1 === params.slow ? sumOfClose(window, t, params.slow) : state.slowSum + close - (t >= params.slow ? window.close(t - params.slow) : 0);
  state.next = t + 1;
}

/**
 * Moving-average cross (SMAs kept as rolling sums, one add and one drop per bar): long while the fast SMA of close is above the slow SMA, flat otherwise
 * (short while below when the run allows shorts).
 * @example getStrategy('sma-cross') // params { fast: 10, slow: 30 }
 */
export const smaCross: StrategyDef<SmaCrossParams, SmaState> = {
  description: 'Fast/slow simple moving average cross of close: long when fast > slow, flat (or short when allowed) when below.',
  paramsSchema: SmaCrossParamsSchema,
  inputNames: ['fastSma', 'slowSma'],
  warmup: (params) => params.slow,
  init: () => ({ next: 0, fastSum: Number.NaN, slowSum: Number.NaN }),
  decide(window, params, { inputs, state }) {
    advance(window, params, state);
    if (window.length < params.slow) return WARMUP;
    const fast = state.fastSum / params.fast;
    const slow = state.slowSum / params.slow;
    inputs[0] = fast;
    inputs[1] = slow;
    return fast > slow ? ABOVE : fast < slow ? BELOW : EQUAL;
  },
};
