import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type EvaluationRecord, type ModelCard, modelIdOf, sha256Hex } from '@buff/core';

/** The champion a challenger's evaluation was compared with (and beat). */
export interface ComparedChampion {
  version: number;
  modelId: string;
}

/**
 * Writes a promotable model folder (a valid model card of a tiny LSTM named `lstm BTC-USD 1m` and
 * a passing evaluation) under `dir`; `seed` makes the card, and so the model id, differ. With
 * `champion` the evaluation records a comparison with it that the folder's model won.
 * @example const { dir, modelId } = writePromotableFolder(join(tmp, 'a'), 1);
 */
export function writePromotableFolder(
  dir: string,
  seed: number,
  champion?: ComparedChampion,
): { dir: string; modelId: string } {
  const card = cardOf(seed);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model-card.json'), JSON.stringify(card));
  writeFileSync(join(dir, 'evaluation.json'), JSON.stringify(passingEvaluation(card.modelId, champion)));
  return { dir, modelId: card.modelId };
}

function cardOf(seed: number): ModelCard {
  const id = sha256Hex(`bars ${seed}`);
  const content: Omit<ModelCard, 'modelId'> = {
    schemaVersion: 1,
    name: 'lstm BTC-USD 1m',
    kind: 'lstm',
    symbols: ['BTC-USD'],
    timeframe: '1m',
    datasets: [
      {
        symbol: 'BTC-USD',
        timeframe: '1m',
        contentId: id,
        source1mContentId: id,
        featuresContentId: id,
        split: { train: [0, 70], val: [71, 85], test: [86, 100], gap: 1 },
        samples: { train: 60, val: 10, test: 10 },
      },
    ],
    features: { names: ['ret_1'], options: {}, standardizer: { mean: [0], std: [1] } },
    window: 8,
    horizon: 1,
    deadZone: 0,
    seed,
    model: {},
    backend: { name: 'cpu' },
    training: {
      ...{ epochs: 1, epochsRun: 1, batchSize: 8, learningRate: 0.01, patience: 1, bestEpoch: 1 },
      ...{ bestValLoss: 0.69, stoppedEarly: false, history: [] },
    },
    calibration: { temperature: 1 },
    splitOptions: { trainFrac: 0.7, valFrac: 0.15 },
    packages: {},
  };
  return { ...content, modelId: modelIdOf(content) };
}

function passingEvaluation(modelId: string, champion?: ComparedChampion): EvaluationRecord {
  const metrics = {
    ...{ count: 10, accuracy: 0.8, balancedAccuracy: 0.5, logLoss: 0.6, brier: 0.2, ece: 0.01 },
    confusion: { tp: 4, fp: 1, tn: 4, fn: 1 },
  };
  const coin = { ...metrics, accuracy: 0.5 };
  const ece = { value: 0.01, lower: 0.005, upper: 0.02 };
  const won = (against: 'majority' | 'persistence' | 'champion') => ({
    ...{ against, pValue: 0.001, modelOnly: 30, baselineOnly: 5, beaten: true },
  });
  const compared = champion ? { ...metrics, accuracy: 0.79, name: 'lstm_BTC-USD_1m', ...champion } : undefined;
  return {
    schemaVersion: 2,
    modelId,
    datasets: [sha256Hex('bars')],
    split: { train: [0, 70], val: [71, 85], test: [86, 100] },
    metrics,
    calibration: { temperature: 1, eceBefore: ece, eceAfter: ece, scalingWorse: false, gateEce: 0.01 },
    baselines: { majority: coin, persistence: coin, ...(compared ? { champion: compared } : {}) },
    significance: [won('majority'), won('persistence'), ...(champion ? [won('champion')] : [])],
    accuracyInterval: { confidence: 0.95, lower: 0.7, upper: 0.88 },
    gates: { minAccuracy: 0.68, maxCalibrationError: 0.05, beatBaselines: true, maxPValue: 0.05, confidence: 0.95 },
    passed: true,
    failures: [],
  };
}
