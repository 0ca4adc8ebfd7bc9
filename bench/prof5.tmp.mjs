const ingest = await import('/work/main/packages/ingest/dist/index.js');
const engine = await import('/work/main/packages/engine/dist/index.js');
const bars = ingest.synthesizeBars({ days: 1e6 / 1440, seed: 11, symbol: 'B' });
for (let i = 0; i < 4; i++) {
  const t0 = performance.now();
  engine.simulate({ symbols: ['B'], bars: [bars], weights: [1], strategy: engine.smaCross, params: { fast: 10, slow: 30 }, initialCapital: 1e5, feeBps: 10, slippageBps: 2, sizingFraction: 1, allowShort: false, guardrails: engine.GUARDRAIL_PRESETS['ftmo-2step'] });
  console.log((performance.now() - t0).toFixed(0));
}
