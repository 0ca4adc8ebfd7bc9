import { z } from 'zod';
import type { BarWindow } from '../bar-window.js';
import { WARMUP, type StrategyDecision, type StrategyDef } from '../strategy.js';

const DonchianParamsSchema = z
  .object({
    entry: z.number().int().min(1).max(10_000).default(20).describe('bars of the entry channel (prior high)'),
    exit: z.number().int().min(1).max(10_000).default(10).describe('bars of the exit channel (prior low)'),
  })
  .strict();
type DonchianParams = z.infer<typeof DonchianParamsSchema>;

const ENTER_LONG: StrategyDecision = Object.freeze({ target: 1, reason: 'close above prior entry-channel high' });
const EXIT_LONG: StrategyDecision = Object.freeze({ target: 0, reason: 'close below prior exit-channel low' });
const HOLD_LONG: StrategyDecision = Object.freeze({ target: 1, reason: 'long inside exit channel' });
const ENTER_SHORT: StrategyDecision = Object.freeze({ target: -1, reason: 'close below prior entry-channel low' });
const EXIT_SHORT: StrategyDecision = Object.freeze({ target: 0, reason: 'close above prior exit-channel high' });
const HOLD_SHORT: StrategyDecision = Object.freeze({ target: -1, reason: 'short inside exit channel' });
const STAY_FLAT: StrategyDecision = Object.freeze({ target: 0, reason: 'close inside entry channel' });

/** Highest high and lowest low of the `period` bars before t (t excluded). */
function priorChannel(window: BarWindow, period: number): [high: number, low: number] {
  let high = -Infinity;
  let low = Infinity;
  const t = window.t;
  for (let i = t - period; i < t; i++) {
    high = Math.max(high, window.high(i));
    low = Math.min(low, window.low(i));
  }
  return [high, low];
}

/**
 * Donchian channel breakout (turtle style): enter long on a close above the prior N-bar high,
 * exit on a close below the prior M-bar low; mirrored for shorts when allowed.
 * @example getStrategy('donchian-breakout') // params { entry: 20, exit: 10 }
 */
export const donchianBreakout: StrategyDef<DonchianParams> = {
  description:
    'Donchian breakout: long on a close above the prior N-bar high, exit on a close below the prior M-bar low.',
  paramsSchema: DonchianParamsSchema,
  inputNames: ['entryHigh', 'entryLow', 'exitHigh', 'exitLow'],
  warmup: (params) => Math.max(params.entry, params.exit) + 1,
  decide(window, params, { position, inputs }) {
    if (window.t < Math.max(params.entry, params.exit)) return WARMUP;
    const [entryHigh, entryLow] = priorChannel(window, params.entry);
    const [exitHigh, exitLow] = priorChannel(window, params.exit);
    inputs[0] = entryHigh;
    inputs[1] = entryLow;
    inputs[2] = exitHigh;
    inputs[3] = exitLow;
    const close = window.close(window.t);
    if (position === 1) return close < exitLow ? EXIT_LONG : HOLD_LONG;
    if (position === -1) return close > exitHigh ? EXIT_SHORT : HOLD_SHORT;
    return close > entryHigh ? ENTER_LONG : close < entryLow ? ENTER_SHORT : STAY_FLAT;
  },
};
