import { describe, expect, it } from 'vitest';
import { simulate } from './simulate.js';
import { getStrategy, listStrategies } from './strategy-registry.js';
import { makeBars, simulationInput } from './test-support/bars.js';

// Issue 16: rolling indicators give exact ties on exact inputs; a flat market is flat for every pack.
const reasonsOf = (r: ReturnType<typeof simulate>) => Array.from(r.decisions.reason, (i) => r.decisions.reasons[i]);

/** A decimal walk for `moving` bars, then `flat` bars at one price. */
function trendThenFlat(moving: number, flat: number, level: number): number[] {
  const closes: number[] = [];
  let price = 100.1;
  for (let i = 0; i < moving; i++) {
    price = Math.round((price + Math.sin(i * 1.7) * 0.37 + 0.11) * 100) / 100;
    closes.push(price);
  }
  for (let i = 0; i < flat; i++) closes.push(level);
  return closes;
}

describe('flat stretches', () => {
  it('sma-cross sees equal averages once both windows are flat, after any history (shorts allowed)', () => {
    for (const level of [101.3, 0.1, 47_123.37]) {
      const closes = trendThenFlat(300, 120, level);
      const result = simulate(
        simulationInput({
          bars: [makeBars(closes, closes)],
          strategy: getStrategy('sma-cross'),
          params: { fast: 7, slow: 30 },
          allowShort: true,
        }),
      );
      const tail = 300 + 30; // from here the slow window holds flat closes only
      expect(reasonsOf(result).slice(tail), String(level)).toEqual(
        new Array(closes.length - tail).fill('fast SMA equals slow SMA'),
      );
      expect(Array.from(result.decisions.position.slice(tail + 1))).toEqual(
        new Array(closes.length - tail - 1).fill(0),
      );
      expect(result.decisions.inputs[0]?.[tail]).toBe(level);
      expect(result.decisions.inputs[1]?.[tail]).toBe(level);
    }
  });

  // model-signal decides from a promoted model's outputs (no rolling indicator of its own); its
  // flat-market behaviour is the model's, tested with the runtime. Named here, never skipped silently.
  const NEEDS_A_MODEL = ['model-signal'];
  it('names only registered packs as needing a model', () => {
    const names = listStrategies().map((s) => s.name);
    for (const name of NEEDS_A_MODEL) expect(names).toContain(name);
  });

  it.each(
    listStrategies()
      .map((s) => s.name)
      .filter((name) => !NEEDS_A_MODEL.includes(name)),
  )('%s takes no position in a market flat from the start', (name) => {
    const closes = new Array(400).fill(0.3);
    const result = simulate(
      simulationInput({
        bars: [makeBars(closes, closes)],
        strategy: getStrategy(name),
        params: getStrategy(name).paramsSchema.parse({}) as Record<string, unknown>,
        allowShort: true,
      }),
    );
    expect(Array.from(result.decisions.position)).toEqual(new Array(400).fill(0));
  });

  it('rsi-reversion reads a flat market as RSI 50, not 100', () => {
    const closes = new Array(40).fill(12.5);
    const result = simulate(
      simulationInput({
        bars: [makeBars(closes, closes)],
        strategy: getStrategy('rsi-reversion'),
        params: getStrategy('rsi-reversion').paramsSchema.parse({}) as Record<string, unknown>,
        allowShort: true,
      }),
    );
    expect(result.decisions.inputs[0]?.[20]).toBe(50);
    expect(reasonsOf(result)[20]).toBe('RSI between oversold and overbought');
  });
});
