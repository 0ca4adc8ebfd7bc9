import { synthesizeBars } from '@buff/ingest';
import { simulate, smaCross, GUARDRAIL_PRESETS } from './src/index.js';
const bars = synthesizeBars({ days: 1e6 / 1440, seed: 11, symbol: 'B' });
const FLAT = { target: 0 as const, reason: 'x' };
const flat2 = { description: '', paramsSchema: smaCross.paramsSchema, inputNames: ['a','b'], warmup: () => 1, decide: () => FLAT };
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  simulate({ symbols: ['B'], bars: [bars], weights: [1], strategy: flat2 as any, params: {}, initialCapital: 1e5, feeBps: 10, slippageBps: 2, sizingFraction: 1, allowShort: false, guardrails: GUARDRAIL_PRESETS.none });
  console.log((performance.now() - t0).toFixed(0));
}
