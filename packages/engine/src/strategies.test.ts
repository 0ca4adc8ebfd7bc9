import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RSI, SMA } from 'technicalindicators';
import { isBuffError } from '@buff/core';
import { getStrategy, listStrategies, registerStrategy, resolveStrategy } from './strategy-registry.js';
import { simulate } from './simulate.js';
import { ACTIONS } from './run-columns.js';
import { makeBars, simulationInput } from './test-support/bars.js';
import type { StrategyDef } from './strategy.js';

const actionsOf = (r: ReturnType<typeof simulate>) => Array.from(r.decisions.action, (a) => ACTIONS[a]);
const errorOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
};

describe('strategy registry', () => {
  const dummy: StrategyDef = {
    description: 'd',
    paramsSchema: z.object({}).strict(),
    inputNames: [],
    warmup: () => 1,
    decide: () => ({ target: 0, reason: 'x' }),
  };

  it('ships the three textbook packs', () => {
    expect(listStrategies().map((s) => s.name)).toEqual(
      expect.arrayContaining(['donchian-breakout', 'rsi-reversion', 'sma-cross']),
    );
    expect(resolveStrategy({ name: 'sma-cross', params: {} }).params).toEqual({ fast: 10, slow: 30 });
    expect(resolveStrategy({ name: 'rsi-reversion', params: {} }).params).toEqual({
      period: 14,
      oversold: 30,
      overbought: 70,
      exitLevel: 50,
    });
    expect(resolveStrategy({ name: 'donchian-breakout', params: {} }).params).toEqual({ entry: 20, exit: 10 });
  });

  it('refuses duplicates unless told to override', () => {
    registerStrategy('test-dummy', dummy);
    expect(
      isBuffError(
        errorOf(() => registerStrategy('test-dummy', dummy)),
        'DUPLICATE_REGISTRATION',
      ),
    ).toBe(true);
    expect(
      isBuffError(
        errorOf(() => registerStrategy('sma-cross', dummy)),
        'DUPLICATE_REGISTRATION',
      ),
    ).toBe(true);
    const replacement = { ...dummy, description: 'replaced' };
    registerStrategy('test-dummy', replacement, { override: true });
    expect(getStrategy('test-dummy').description).toBe('replaced');
    expect(
      isBuffError(
        errorOf(() => registerStrategy('Bad Name', dummy)),
        'INVALID_INPUT',
      ),
    ).toBe(true);
  });

  it('unknown strategies and bad params name the key', () => {
    const unknown = errorOf(() => getStrategy('nope'));
    expect(isBuffError(unknown, 'UNKNOWN_STRATEGY') && unknown.details.key).toBe('strategy.name');
    const bad = errorOf(() => resolveStrategy({ name: 'rsi-reversion', params: { oversold: 60 } }));
    expect(isBuffError(bad, 'INVALID_CONFIG') && bad.details.key).toBe('strategy.params.exitLevel');
  });
});

describe('indicator values match technicalindicators', () => {
  // Wilder's classic RSI example series (StockCharts); technicalindicators rounds to 2 decimals.
  const closes = [
    44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.1, 45.42, 45.84, 46.08, 45.89, 46.03, 45.61, 46.28, 46.28, 46.0, 46.03,
    46.41, 46.22, 45.64,
  ];

  it('rsi-reversion records Wilder RSI(14)', () => {
    const r = simulate(
      simulationInput({
        bars: [makeBars(closes, closes)],
        strategy: getStrategy('rsi-reversion'),
        params: resolveStrategy({ name: 'rsi-reversion', params: {} }).params,
      }),
    );
    const ours = Array.from(r.decisions.inputs[0] as Float64Array);
    expect(ours.slice(0, 14).every(Number.isNaN)).toBe(true);
    const reference = RSI.calculate({ values: closes, period: 14 });
    expect(reference.length).toBe(6);
    reference.forEach((value, i) => expect(ours[14 + i]).toBeCloseTo(value, 1));
  });

  it('sma-cross records SMA(fast) and SMA(slow) of close', () => {
    const r = simulate(
      simulationInput({
        bars: [makeBars(closes, closes)],
        strategy: getStrategy('sma-cross'),
        params: { fast: 3, slow: 7 },
      }),
    );
    const fast = SMA.calculate({ values: closes, period: 3 });
    const slow = SMA.calculate({ values: closes, period: 7 });
    for (let t = 6; t < closes.length; t++) {
      expect(r.decisions.inputs[0]?.[t]).toBeCloseTo(fast[t - 2] as number, 9);
      expect(r.decisions.inputs[1]?.[t]).toBeCloseTo(slow[t - 6] as number, 9);
    }
  });
});

describe('rsi-reversion decisions', () => {
  it('enters below oversold and exits above the exit level', () => {
    const closes = [100, 99, 98, 97, 96, 95, 94, 97, 100, 103, 106, 106];
    const r = simulate(
      simulationInput({
        bars: [makeBars(closes, closes)],
        strategy: getStrategy('rsi-reversion'),
        params: { period: 3, oversold: 30, overbought: 70, exitLevel: 50 },
      }),
    );
    // t=3: avg gain 0, avg loss 1 -> RSI 0 < 30 -> enter (fills t=4 open 96)
    // t=7: +3: avg gain (0*2+3)/3 = 1, avg loss (1*2+0)/3 = 2/3 -> RSI 60 > 50 -> exit (fills t=8 open 100)
    expect(actionsOf(r)).toEqual([
      'hold',
      'hold',
      'hold',
      'enter_long',
      'hold',
      'hold',
      'hold',
      'exit',
      'hold',
      'hold',
      'hold',
      'hold',
    ]);
    expect(r.decisions.inputs[0]?.[7]).toBeCloseTo(60, 12);
    expect(r.trades.length).toBe(1);
    expect(r.trades.entryPrice[0]).toBe(96);
    expect(r.trades.exitPrice[0]).toBe(100);
  });
});

describe('donchian-breakout decisions', () => {
  it('enters on a close above the prior N-bar high and exits below the prior M-bar low', () => {
    const closes = [10, 10, 10, 12, 13, 12.5, 11, 11];
    const r = simulate(
      simulationInput({
        bars: [makeBars(closes, closes)],
        strategy: getStrategy('donchian-breakout'),
        params: { entry: 3, exit: 2 },
      }),
    );
    expect(actionsOf(r)).toEqual(['hold', 'hold', 'hold', 'enter_long', 'hold', 'hold', 'exit', 'hold']);
    expect(Array.from(r.decisions.inputs, (column) => column[3])).toEqual([10, 10, 10, 10]);
    expect(r.decisions.inputs[3]?.[6]).toBe(12.5); // prior 2-bar low at t=6: min(13, 12.5)
    expect(r.trades.entryPrice[0]).toBe(13);
    expect(r.trades.exitPrice[0]).toBe(11);
  });
});
