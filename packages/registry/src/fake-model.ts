import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type EvaluationRecord, type ModelCard, modelIdOf, sha256Hex } from '@buff/core';

/** The champion a challenger's evaluation was compared with, and whether it beat it (default yes). */
export interface ComparedChampion {
  version: number;
  modelId: string;
  beaten?: boolean;
}

/**
 * A valid model card of a tiny LSTM named `lstm BTC-USD 1m` (registered as `lstm_BTC-USD_1m`);
 * `seed` makes the card, and so the model id, differ.
 * @example const card = fakeModelCard(1); card.modelId // sha256 of the card's content
 */
export function fakeModelCard(seed: number): ModelCard {
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

/**
 * An evaluation of model `modelId`: passing its gates (accuracy 0.8, both baselines beaten) unless
 * `passed` is false; with `champion`, a comparison with it that the model won unless `beaten` is false.
 * @example fakeEvaluation(card.modelId, { champion: { version: 1, modelId: championId } }).passed // true
 */
export function fakeEvaluation(
  modelId: string,
  options: { passed?: boolean; champion?: ComparedChampion | undefined } = {},
): EvaluationRecord {
  const passed = options.passed ?? true;
  const { champion } = options;
  const metrics = {
    ...{ count: 10, accuracy: passed ? 0.8 : 0.5, balancedAccuracy: 0.5, logLoss: 0.6, brier: 0.2, ece: 0.01 },
    confusion: { tp: 4, fp: 1, tn: 4, fn: 1 },
  };
  const coin = { ...metrics, accuracy: 0.5 };
  const ece = { value: 0.01, lower: 0.005, upper: 0.02 };
  const test = (against: 'majority' | 'persistence' | 'champion', beaten: boolean) => ({
    ...{ against, pValue: beaten ? 0.001 : 0.4, modelOnly: beaten ? 30 : 10, baselineOnly: beaten ? 5 : 8, beaten },
  });
  const compared = champion
    ? { ...metrics, accuracy: 0.79, name: 'lstm_BTC-USD_1m', version: champion.version, modelId: champion.modelId }
    : undefined;
  const championBeaten = champion?.beaten ?? true;
  return {
    schemaVersion: 2,
    modelId,
    datasets: [sha256Hex('bars')],
    split: { train: [0, 70], val: [71, 85], test: [86, 100] },
    metrics,
    calibration: { temperature: 1, eceBefore: ece, eceAfter: ece, scalingWorse: false, gateEce: 0.01 },
    baselines: { majority: coin, persistence: coin, ...(compared ? { champion: compared } : {}) },
    significance: [
      test('majority', passed),
      test('persistence', passed),
      ...(champion ? [test('champion', championBeaten)] : []),
    ],
    accuracyInterval: { confidence: 0.95, lower: 0.7, upper: 0.88 },
    gates: { minAccuracy: 0.68, maxCalibrationError: 0.05, beatBaselines: true, maxPValue: 0.05, confidence: 0.95 },
    passed: passed && championBeaten,
    failures: passed ? [] : ['accuracy 0.5000 < minAccuracy 0.68'],
  };
}

/**
 * Writes a promotable model folder under `dir`: {@link fakeModelCard}(`seed`) and a passing
 * {@link fakeEvaluation} (with `champion`: compared with it, and won).
 * @example const { dir, modelId } = writePromotableFolder(join(tmp, 'a'), 1);
 */
export function writePromotableFolder(
  dir: string,
  seed: number,
  champion?: ComparedChampion,
): { dir: string; modelId: string } {
  const card = fakeModelCard(seed);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model-card.json'), JSON.stringify(card));
  writeFileSync(join(dir, 'evaluation.json'), JSON.stringify(fakeEvaluation(card.modelId, { champion })));
  return { dir, modelId: card.modelId };
}
