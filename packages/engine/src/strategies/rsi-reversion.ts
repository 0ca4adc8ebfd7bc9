import { z } from 'zod';
import { WARMUP, type StrategyDecision, type StrategyDef } from '../strategy.js';

const RsiParamsSchema = z
  .object({
    period: z.number().int().min(2).max(1000).default(14).describe('bars of the Wilder RSI'),
    oversold: z.number().gt(0).lt(100).default(30).describe('enter long when RSI is below this'),
    overbought: z.number().gt(0).lt(100).default(70).describe('enter short (when allowed) when RSI is above this'),
    exitLevel: z.number().gt(0).lt(100).default(50).describe('leave the position when RSI crosses this'),
  })
  .strict()
  .refine((p) => p.oversold < p.exitLevel && p.exitLevel < p.overbought, {
    message: 'need oversold < exitLevel < overbought',
    path: ['exitLevel'],
  });
type RsiParams = z.infer<typeof RsiParamsSchema>;

/** Wilder smoothing state, advanced one bar per call. */
interface RsiState {
  avgGain: number;
  avgLoss: number;
}

const ENTER_LONG: StrategyDecision = Object.freeze({ target: 1, reason: 'RSI below oversold' });
const EXIT_LONG: StrategyDecision = Object.freeze({ target: 0, reason: 'RSI above exit level' });
const HOLD_LONG: StrategyDecision = Object.freeze({ target: 1, reason: 'long until RSI above exit level' });
const ENTER_SHORT: StrategyDecision = Object.freeze({ target: -1, reason: 'RSI above overbought' });
const EXIT_SHORT: StrategyDecision = Object.freeze({ target: 0, reason: 'RSI below exit level' });
const HOLD_SHORT: StrategyDecision = Object.freeze({ target: -1, reason: 'short until RSI below exit level' });
const STAY_FLAT: StrategyDecision = Object.freeze({ target: 0, reason: 'RSI between oversold and overbought' });

/**
 * RSI mean reversion with Wilder's RSI: enter long when RSI < oversold, exit when RSI > exit
 * level; mirrored for shorts (enter above overbought, exit below the exit level) when allowed.
 * @example getStrategy('rsi-reversion') // params { period: 14, oversold: 30, overbought: 70, exitLevel: 50 }
 */
export const rsiReversion: StrategyDef<RsiParams, RsiState> = {
  description:
    'Wilder RSI mean reversion: long below oversold until above the exit level (short above overbought when allowed).',
  paramsSchema: RsiParamsSchema,
  inputNames: ['rsi'],
  warmup: (params) => params.period + 1,
  init: () => ({ avgGain: 0, avgLoss: 0 }),
  decide(window, params, { position, state, inputs }) {
    const t = window.t;
    if (t === 0) return WARMUP;
    const change = window.close(t) - window.close(t - 1);
    const gain = change > 0 ? change : 0;
    const loss = change < 0 ? -change : 0;
    const n = params.period;
    if (t <= n) {
      state.avgGain += gain / n;
      state.avgLoss += loss / n;
      if (t < n) return WARMUP;
    } else {
      state.avgGain = (state.avgGain * (n - 1) + gain) / n;
      state.avgLoss = (state.avgLoss * (n - 1) + loss) / n;
    }
    // No gain and no loss (a flat market) is neither overbought nor oversold: RSI 50, not 100.
    const rsi =
      state.avgLoss === 0 ? (state.avgGain === 0 ? 50 : 100) : 100 - 100 / (1 + state.avgGain / state.avgLoss);
    inputs[0] = rsi;
    if (position === 1) return rsi > params.exitLevel ? EXIT_LONG : HOLD_LONG;
    if (position === -1) return rsi < params.exitLevel ? EXIT_SHORT : HOLD_SHORT;
    return rsi < params.oversold ? ENTER_LONG : rsi > params.overbought ? ENTER_SHORT : STAY_FLAT;
  },
};
