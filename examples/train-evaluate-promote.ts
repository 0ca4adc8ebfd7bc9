// Train a small LSTM on seeded synthetic candles, re-evaluate it on held-out data, and promote it
// through the model registry (which refuses any model whose evaluation failed its gates).
// CI-sized (2 features, window 16, 10 days of 1m bars): 10-50 s on two cores.
// Usage: npx tsx examples/train-evaluate-promote.ts [work-dir]   (default: ./)
import { join } from 'node:path';
import { synthesizeBars, writeDataset } from '@buff/ingest';
import { evaluateModel, trainModel } from '@buff/ml';
import { openModelRegistry } from '@buff/registry';

const work = process.argv[2] ?? '.';
const dataRoot = join(work, 'data');
const modelsRoot = join(work, 'models');

// `signal: 1` plants a pattern a model can learn (best next-bar accuracy about 0.8).
const bars = synthesizeBars({ symbol: 'SIG-BTC', days: 10, seed: 1, signal: 1 });
await writeDataset(dataRoot, { symbol: 'SIG-BTC', timeframe: '1m', bars, source: { kind: 'synthetic' } });

const trained = await trainModel({
  dataRoot,
  modelsRoot,
  model: 'lstm',
  symbols: ['SIG-BTC'],
  features: ['ret_1', 'ret_5'],
  window: 16,
  units: 16,
  epochs: 12,
  batchSize: 128,
  learningRate: 0.02,
  patience: 3,
  trainFrac: 0.5,
  valFrac: 0.2,
});
const { metrics } = trained.evaluation;
console.log(`trained ${trained.modelDir}: accuracy ${metrics.accuracy.toFixed(3)}, ECE ${metrics.ece.toFixed(3)}`);

// Re-scoring reads only the model folder and the datasets its card names (by content id).
const evaluation = await evaluateModel(trained.modelDir, {
  dataRoot,
  gates: { minAccuracy: 0.68, maxCalibrationError: 0.05 },
});
console.log(`evaluation: ${evaluation.passed ? 'passed' : 'failed'} its gates`);

const registry = await openModelRegistry({ modelsRoot });
try {
  const promotion = await registry.promoteFolder(trained.modelDir, { actor: 'example' });
  const champion = await registry.resolve(promotion.name, 'champion');
  console.log(
    JSON.stringify({
      accuracy: evaluation.metrics.accuracy,
      ece: evaluation.metrics.ece,
      passed: evaluation.passed,
      champion: champion?.version,
      name: champion?.name,
    }),
  );
} finally {
  await registry.close();
}
