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

/** Simple moving average of close over the `period` bars ending at t (inclusive). */
function smaOfClose(window: BarWindow, period: number): number {
  let sum = 0;
  for (let i = window.t - period + 1; i <= window.t; i++) sum += window.close(i);
  return sum / period;
}

/**
 * Moving-average cross: long while the fast SMA of close is above the slow SMA, flat otherwise
 * (short while below when the run allows shorts).
 * @example getStrategy('sma-cross') // params { fast: 10, slow: 30 }
 */
export const smaCross: StrategyDef<SmaCrossParams> = {
  description: 'Fast/slow simple moving average cross of close: long when fast > slow, flat (or short when allowed) when below.',
  paramsSchema: SmaCrossParamsSchema,
  inputNames: ['fastSma', 'slowSma'],
  warmup: (params) => params.slow,
  decide(window, params, { inputs }) {
    if (window.length < params.slow) return WARMUP;
    const fast = smaOfClose(window, params.fast);
    const slow = smaOfClose(window, params.slow);
    inputs[0] = fast;
    inputs[1] = slow;
    return fast > slow ? ABOVE : fast < slow ? BELOW : EQUAL;
  },
};
