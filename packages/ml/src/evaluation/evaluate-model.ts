import { join } from 'node:path';
import {
  BuffError,
  readModelCard,
  silentLogger,
  type EvaluationRecord,
  type Gates,
  type Logger,
  type ModelCard,
} from '@buff/core';
import { selectBackend } from '../backend.js';
import { loadCheckpoint } from '../checkpoint.js';
import { predictLogits } from '../train-loop.js';
import {
  loadTrainingData,
  naiveBaselines,
  splitSamples,
  standardizedMatrices,
  type SymbolData,
} from '../training-data.js';
import { writeReliabilityDiagram } from '../reports/reliability-diagram.js';
import { reliabilityBins } from './calibration-error.js';
import { championProbabilities, type ChampionRef } from './champion-scores.js';
import { evaluateLogits } from './evaluate-logits.js';
import { writeEvaluationRecord } from './evaluation-file.js';
import { applyTemperature, sigmoidProbabilities } from './temperature.js';

export interface EvaluateModelOptions {
  dataRoot: string;
  gates?: Partial<Gates>;
  /** The current champion of the model's name (from the model registry): scored on the same test samples as a baseline. */
  champion?: ChampionRef;
  logger?: Logger;
}

/**
 * Re-scores a trained model folder on its held-out test split: reads the model card, finds the
 * datasets and feature tables it names by content id under `dataRoot` (refusing other data:
 * INVALID_INPUT rule DATASET_MISMATCH), rebuilds the test windows with the saved standardizer,
 * loads the checkpoint, applies the saved temperature (fitted on validation data at training),
 * scores the baselines (majority, persistence, and the champion when given and not this very
 * model) on the same samples, checks the gates, and records `evaluation.json` and `reports/training/reliability.svg` in the
 * model folder. The record says whether the gates passed; it does not throw on a failed gate.
 * @example
 * const record = await evaluateModel('models/lstm-BTC-USD-1m/0123abcd', { dataRoot: 'data', gates: { minAccuracy: 0.68 } });
 */
export async function evaluateModel(modelDir: string, options: EvaluateModelOptions): Promise<EvaluationRecord> {
  const logger = options.logger ?? silentLogger();
  const card = readModelCard(modelDir);
  const data = await loadTrainingData({
    dataRoot: options.dataRoot,
    symbols: card.symbols,
    timeframe: card.timeframe,
    featureOptions: card.features.options,
    featureNames: card.features.names,
    window: card.window,
    horizon: card.horizon,
    deadZone: card.deadZone,
    trainFrac: card.splitOptions.trainFrac,
    valFrac: card.splitOptions.valFrac,
    expected: card.datasets.map((d) => ({ contentId: d.contentId, featuresContentId: d.featuresContentId })),
  });
  checkSplits(card, data, modelDir);
  const matrices = standardizedMatrices(data, card.features.standardizer);
  const train = splitSamples(data, 'train', card.window);
  const test = splitSamples(data, 'test', card.window);
  // the card's backend first; any other is a loud fallback (logged, and in activeBackend().fallback)
  await selectBackend({ prefer: card.backend.name, fallback: true, logger });
  const model = await loadCheckpoint(modelDir);
  let logits: Float32Array;
  try {
    logits = predictLogits(model, matrices, test, card.window);
  } finally {
    model.dispose();
  }
  const champion =
    options.champion === undefined
      ? undefined
      : await championProbabilities(options.champion, card, options.dataRoot, test);
  const first = card.datasets[0]!.split;
  const record = evaluateLogits({
    modelId: card.modelId,
    datasets: card.datasets.map((d) => d.contentId),
    split: first,
    ...(card.datasets.length > 1 ? { splits: card.datasets.map((d) => ({ contentId: d.contentId, ...d.split })) } : {}),
    test: { logits, labels: test.labels },
    temperature: card.calibration.temperature,
    baselines: {
      ...naiveBaselines(data, train, test),
      ...(champion === undefined || champion.modelId === card.modelId ? {} : { champion }),
    },
    ...(options.gates ? { gates: options.gates } : {}),
  });
  writeEvaluationRecord(modelDir, record);
  const probUp = sigmoidProbabilities(applyTemperature(logits, record.calibration.temperature));
  writeReliabilityDiagram(
    join(modelDir, 'reports', 'training', 'reliability.svg'),
    reliabilityBins(probUp, test.labels),
    { title: `${card.name} test (calibrated)`, ece: record.metrics.ece },
  );
  logger.info(
    { modelDir, accuracy: record.metrics.accuracy, ece: record.metrics.ece, passed: record.passed },
    'model evaluated',
  );
  return record;
}

/** The rebuilt splits and sample counts must be the ones trained on; anything else is other data. */
function checkSplits(card: ModelCard, data: SymbolData[], modelDir: string): void {
  card.datasets.forEach((d, i) => {
    const got = data[i]!;
    const same = ['train', 'val', 'test'].every((k) => {
      const a = d.split[k as 'train'];
      const b = got.split[k as 'train'];
      return a[0] === b[0] && a[1] === b[1];
    });
    if (!same) {
      throw new BuffError(
        'INVALID_INPUT',
        `${d.symbol}/${d.timeframe}: the rebuilt split differs from the one in ${modelDir}/model-card.json`,
        {
          details: { file: join(modelDir, 'model-card.json'), key: 'datasets.split', rule: 'DATASET_MISMATCH' },
        },
      );
    }
  });
}
