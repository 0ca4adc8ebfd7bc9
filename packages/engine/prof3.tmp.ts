import { synthesizeBars } from '@buff/ingest';
import { simulate, smaCross, GUARDRAIL_PRESETS } from './src/index.js';
const bars = synthesizeBars({ days: 1e6 / 1440, seed: 11, symbol: 'B' });
const flat = { description: '', paramsSchema: smaCross.paramsSchema, inputNames: ['a','b'], warmup: () => 1, decide: () => ({ target: 0 as const, reason: 'x' }) };
const FLAT = { target: 0 as const, reason: 'x' };
const flat2 = { ...flat, decide: () => FLAT };
for (const [name, strat, g] of [['sma none', smaCross, 'none'], ['sma ftmo', smaCross, 'ftmo-2step'], ['flat-alloc', flat, 'none'], ['flat-const', flat2, 'none']] as const) {
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    const r = simulate({ symbols: ['B'], bars: [bars], weights: [1], strategy: strat as any, params: { fast: 10, slow: 30 }, initialCapital: 1e5, feeBps: 10, slippageBps: 2, sizingFraction: 1, allowShort: false, guardrails: GUARDRAIL_PRESETS[g] });
    console.log(name, (performance.now() - t0).toFixed(0), r.trades.length);
  }
}
