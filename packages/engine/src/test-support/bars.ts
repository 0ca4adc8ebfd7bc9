import { allocateBars, type Bars } from '@buff/core';
import { z } from 'zod';
import type { Direction, StrategyDef } from '../strategy.js';
import { GUARDRAIL_PRESETS } from '../guardrails-config.js';
import type { SimulationInput } from '../simulation-types.js';

export const HOUR = 3_600_000;

/** Bars from explicit opens and closes (high/low spanning them), hourly from `start`. */
export function makeBars(
  opens: number[],
  closes: number[],
  start = Date.parse('2024-01-01T00:00:00Z'),
  stepMs = HOUR,
): Bars {
  const bars = allocateBars(closes.length);
  closes.forEach((close, i) => {
    const open = opens[i] as number;
    bars.ts[i] = start + i * stepMs;
    bars.open[i] = open;
    bars.close[i] = close;
    bars.high[i] = Math.max(open, close);
    bars.low[i] = Math.min(open, close);
    bars.volume[i] = 1;
  });
  return bars;
}

/**
 * A test strategy that follows a script: `targets[symbolIndex](ts)` gives the wanted direction.
 * Symbols are told apart by the order `init` is called (once per symbol, in config order).
 */
export function scriptedStrategy(
  targets: Array<(ts: number) => Direction>,
): StrategyDef<Record<string, never>, { symbol: number }> {
  let next = 0;
  return {
    description: 'test script',
    paramsSchema: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
    inputNames: [],
    warmup: () => 1,
    init: () => ({ symbol: next++ % targets.length }),
    decide(window, _params, { state }) {
      const target = (targets[state.symbol] as (ts: number) => Direction)(window.ts(window.t));
      return { target, reason: `script says ${target}` };
    },
  };
}

/** A simulation input with neutral defaults (no fees, no guardrails, one symbol). */
export function simulationInput(
  overrides: Partial<SimulationInput> & Pick<SimulationInput, 'bars' | 'strategy'>,
): SimulationInput {
  return {
    symbols: overrides.bars.map((_, i) => `SYM${i}`),
    weights: overrides.bars.map(() => 1 / overrides.bars.length),
    params: {},
    initialCapital: 10_000,
    feeBps: 0,
    slippageBps: 0,
    sizingFraction: 1,
    allowShort: false,
    guardrails: GUARDRAIL_PRESETS.none,
    ...overrides,
  };
}
