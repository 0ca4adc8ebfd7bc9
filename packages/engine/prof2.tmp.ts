import { synthesizeBars } from '@buff/ingest';
import { simulate, smaCross, GUARDRAIL_PRESETS, decisionsToIpc, equityToIpc } from './src/index.js';
const bars = synthesizeBars({ days: 1e6 / 1440, seed: 11, symbol: 'B' });
for (let i = 0; i < 3; i++) {
  let t0 = performance.now();
  const r = simulate({ symbols: ['B'], bars: [bars], weights: [1], strategy: smaCross, params: { fast: 10, slow: 30 }, initialCapital: 1e5, feeBps: 10, slippageBps: 2, sizingFraction: 1, allowShort: false, guardrails: GUARDRAIL_PRESETS['ftmo-2step'] });
  const t1 = performance.now();
  const d = decisionsToIpc(r.decisions); const e = equityToIpc(r.equity);
  console.log('sim', (t1 - t0).toFixed(0), 'ipc', (performance.now() - t1).toFixed(0), d.length, e.length, r.trades.length);
}
