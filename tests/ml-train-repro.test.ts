import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { synthesizeBars, writeDataset } from '@buff/ingest';
import { readModelCard, trainModel, type TrainOptionsInput } from '@buff/ml';
import { makeTempDir } from './helpers/tmp.js';

// Reproducibility: the same seed, data and backend give the same metrics (to 1e-6) and the same
// model id; another seed gives another model.
const tmp = makeTempDir('buff-ml-repro-');
afterAll(() => tmp.cleanup());

describe('training is repeatable', () => {
  it('same seed + data + backend -> same metrics and model id; another seed differs', async () => {
    const dataRoot = join(tmp.dir, 'data');
    await writeDataset(dataRoot, {
      symbol: 'REP-A',
      timeframe: '1m',
      bars: synthesizeBars({ days: 3, seed: 9, signal: 1, symbol: 'REP-A' }),
      source: { kind: 'synthetic' },
    });
    const options = (seed: number, modelsRoot: string): TrainOptionsInput => ({
      dataRoot,
      modelsRoot: join(tmp.dir, modelsRoot),
      model: 'lstm',
      symbols: ['REP-A'],
      epochs: 2,
      window: 16,
      units: 8,
      features: ['ret_1', 'ret_5'],
      seed,
    });
    const a = await trainModel(options(7, 'models-a'));
    const b = await trainModel(options(7, 'models-b'));
    const c = await trainModel(options(8, 'models-c'));
    for (const key of ['accuracy', 'logLoss', 'brier', 'ece'] as const) {
      expect(Math.abs(a.evaluation.metrics[key] - b.evaluation.metrics[key])).toBeLessThanOrEqual(1e-6);
    }
    expect(a.modelId).toBe(b.modelId);
    expect(a.card.training.history).toEqual(b.card.training.history);
    expect(c.modelId).not.toBe(a.modelId);
    expect(c.evaluation.metrics.logLoss).not.toBe(a.evaluation.metrics.logLoss);
    // the card on disk is the one returned, names its datasets by content id, and holds no wall clock
    const card = readModelCard(a.modelDir);
    expect(card).toEqual(a.card);
    expect(card.datasets[0]?.contentId).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(card)).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  }, 120_000);
});
