import { synthesizeBars, writeDataset } from './packages/ingest/src/index.ts';
const ml = await import('./packages/ml/src/index.ts');
import { rmSync } from 'node:fs';
const root = '/tmp/mlm-dev'; rmSync(root, { recursive: true, force: true });
const days = Number(process.env.DAYS ?? 10), signal = Number(process.env.SIGNAL ?? 1);
for (const symbol of ['BTC-USD', 'ETH-USD']) {
  const bars = synthesizeBars({ days, seed: symbol === 'BTC-USD' ? 1 : 2, signal, symbol });
  await writeDataset(`${root}/data`, { symbol, timeframe: '1m', bars, source: { kind: 'synthetic', params: { days, signal } } });
}
const kind = process.env.KIND ?? 'lstm';
const t0 = performance.now();
const r = await ml.trainModel({ dataRoot: `${root}/data`, modelsRoot: `${root}/models`, model: kind, symbols: kind === 'lstm' ? ['BTC-USD'] : ['BTC-USD', 'ETH-USD'],
  epochs: Number(process.env.EPOCHS ?? 2), window: Number(process.env.WINDOW ?? 16), units: 16, features: (process.env.FEATURES ?? 'ret_1,ret_5').split(','),
  trainFrac: 0.5, valFrac: 0.2, batchSize: 128, learningRate: Number(process.env.LR ?? 0.002), transformer: { dModel: 16, heads: 2, blocks: 1, ffUnits: 32 } },
  { onEpoch: (e) => console.log(JSON.stringify(e), ((performance.now()-t0)/1000).toFixed(1)+'s') });
console.log(r.modelDir, JSON.stringify(r.evaluation.metrics), r.evaluation.calibration, r.evaluation.passed, r.card.datasets.map(d=>d.samples));
console.log('total', ((performance.now()-t0)/1000).toFixed(1), 's');
