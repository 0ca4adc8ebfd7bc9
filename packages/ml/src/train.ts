import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import {
  BuffError,
  GatesSchema,
  MODEL_CARD_FILE,
  TimeframeSchema,
  canonicalJsonPretty,
  publishFolder,
  modelIdOf,
  parseOrThrow,
  packageInfo,
  silentLogger,
  type EvaluationRecord,
  type Logger,
  type ModelCard,
} from '@buff/core';
import { selectBackend, type BackendChoice, type BackendName } from './backend.js';
import { saveCheckpoint } from './checkpoint.js';
import { DEFAULT_GATES } from './evaluation/gates.js';
import { evaluateLogits } from './evaluation/evaluate-logits.js';
import { reliabilityBins } from './evaluation/calibration-error.js';
import { applyTemperature, fitTemperature, sigmoidProbabilities } from './evaluation/temperature.js';
import { createLstmModel } from './models/lstm-model.js';
import type { SequenceModel } from './models/sequence-model.js';
import { createTransformerModel } from './models/transformer-model.js';
import { writeReliabilityDiagram } from './reports/reliability-diagram.js';
import { writeTrainingCurves } from './reports/training-curves.js';
import {
  fitPooledStandardizer,
  loadTrainingData,
  naiveBaselines,
  splitSamples,
  standardizedMatrices,
  type SymbolData,
} from './training-data.js';
import { predictLogits, trainLoop, type EpochFigures, type TrainLoopResult } from './train-loop.js';
import type { SampleSet } from './windows.js';

/** Options of `trainModel` (strict: unknown keys are rejected). */
export const TrainOptionsSchema = z
  .object({
    dataRoot: z.string().min(1),
    modelsRoot: z.string().min(1),
    model: z.enum(['lstm', 'transformer']),
    symbols: z.array(z.string().min(1)).min(1),
    timeframe: TimeframeSchema.default('1m'),
    /** Model name (folder under MODELS_ROOT); default `<kind>-<symbols>-<timeframe>`. */
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)
      .optional(),
    epochs: z.number().int().min(1).max(1000).default(10),
    batchSize: z.number().int().min(1).max(8192).default(128),
    learningRate: z.number().positive().max(1).default(0.002),
    patience: z.number().int().min(1).default(3),
    seed: z.number().int().default(42),
    window: z.number().int().min(1).max(1024).default(32),
    horizon: z.number().int().min(1).default(1),
    deadZone: z.number().min(0).default(0),
    /** Feature columns to train on (all of the table when omitted). */
    features: z.array(z.string().min(1)).min(1).optional(),
    featureOptions: z.record(z.string(), z.unknown()).default({}),
    trainFrac: z.number().gt(0).lt(1).default(0.7),
    valFrac: z.number().gt(0).lt(1).default(0.15),
    units: z.number().int().min(1).max(1024).default(32),
    transformer: z
      .object({
        dModel: z.number().int().optional(),
        heads: z.number().int().optional(),
        blocks: z.number().int().optional(),
        ffUnits: z.number().int().optional(),
      })
      .strict()
      .default({}),
    gates: GatesSchema.default(DEFAULT_GATES),
    backend: z.enum(['tensorflow', 'wasm', 'cpu']).optional(),
  })
  .strict();
export type TrainOptions = z.infer<typeof TrainOptionsSchema>;
export type TrainOptionsInput = z.input<typeof TrainOptionsSchema>;

export interface TrainHooks {
  onEpoch?: (figures: EpochFigures) => void;
  logger?: Logger;
}

export interface TrainResult {
  modelDir: string;
  modelId: string;
  card: ModelCard;
  evaluation: EvaluationRecord;
  /** False when an identical model (same card) already existed and was kept. */
  created: boolean;
  /** The TensorFlow.js backend trained on, what was skipped, and any fallback (warn the user). */
  backend: BackendChoice;
}

/**
 * Trains a model end to end: bars -> features -> train-only standardizer -> windows -> labels ->
 * chronological split -> seeded Adam training with early stopping -> checkpoint -> temperature
 * fitted on validation logits -> calibrated test metrics and gates. Writes the model folder
 * `<modelsRoot>/<name>/<modelId>/` atomically: model.json, weights.bin, model-card.json,
 * evaluation.json, reports/training/{training-curves,reliability}.svg.
 * @example
 * const { modelDir, evaluation } = await trainModel({ dataRoot: 'data', modelsRoot: 'models', model: 'lstm', symbols: ['BTC-USD'] });
 */
export async function trainModel(input: TrainOptionsInput, hooks: TrainHooks = {}): Promise<TrainResult> {
  const options = parseTrainOptions(input);
  assertOneSymbolPerLstm(options);
  const logger = hooks.logger ?? silentLogger();
  const backend = await selectBackend({
    ...(options.backend ? { prefer: options.backend as BackendName } : {}),
    logger,
  });
  const sets = await loadTrainingSets(options);
  const { data, matrices, train, val, test } = sets;
  const features = data[0]!.table.names;
  const model = createModel(options, features.length);
  try {
    const result = trainLoop(model, {
      matrices,
      train,
      val,
      window: options.window,
      epochs: options.epochs,
      batchSize: options.batchSize,
      learningRate: options.learningRate,
      patience: options.patience,
      seed: options.seed,
      ...(hooks.onEpoch ? { onEpoch: hooks.onEpoch } : {}),
    });
    const temperature = fitTemperature(predictLogits(model, matrices, val, options.window), val.labels);
    const testLogits = predictLogits(model, matrices, test, options.window);
    const probUp = sigmoidProbabilities(applyTemperature(testLogits, temperature));
    const name = options.name ?? `${options.model}-${options.symbols.join('+')}-${options.timeframe}`;
    const card = describeTrainedModel({ ...sets, name, options, model, backend, result, temperature });
    const { modelId } = card;
    const first = data[0]!.split;
    const evaluation = evaluateLogits({
      modelId,
      datasets: data.map((d) => d.contentId),
      split: { train: first.train, val: first.val, test: first.test, gap: first.gap },
      test: { logits: testLogits, labels: test.labels },
      temperature,
      baselines: naiveBaselines(data, train, test),
      gates: options.gates,
    });
    const { metrics } = evaluation;
    const modelDir = join(options.modelsRoot, name, modelId);
    const created = await publishModelFolder(options.modelsRoot, modelDir, (staging) =>
      writeModelFiles(staging, { model, card, evaluation, history: result.history, probUp, labels: test.labels }),
    );
    logger.info({ modelDir, accuracy: metrics.accuracy, ece: metrics.ece, passed: evaluation.passed }, 'model trained');
    return { modelDir, modelId, card, evaluation, created, backend };
  } finally {
    model.dispose();
  }
}

/**
 * The symbols' features and labels, standardized with statistics of the training part only,
 * cut into chronological train, validation and test windows.
 */
async function loadTrainingSets(options: TrainOptions) {
  const data = await loadTrainingData({
    dataRoot: options.dataRoot,
    symbols: options.symbols,
    timeframe: options.timeframe,
    featureOptions: options.featureOptions,
    featureNames: options.features,
    window: options.window,
    horizon: options.horizon,
    deadZone: options.deadZone,
    trainFrac: options.trainFrac,
    valFrac: options.valFrac,
  });
  const standardizer = fitPooledStandardizer(data);
  const matrices = standardizedMatrices(data, standardizer);
  const train = splitSamples(data, 'train', options.window);
  const val = splitSamples(data, 'val', options.window);
  const test = splitSamples(data, 'test', options.window);
  return { data, standardizer, matrices, train, val, test };
}

/** An LSTM models one symbol; several need the transformer (INVALID_CONFIG naming `symbols`). */
function assertOneSymbolPerLstm(options: TrainOptions): void {
  if (options.model === 'lstm' && options.symbols.length !== 1) {
    throw new BuffError(
      'INVALID_CONFIG',
      `an LSTM is trained per symbol; got ${options.symbols.length} symbols (use --model transformer for several)`,
      { details: { key: 'symbols' } },
    );
  }
}

/** A model with the config its card and checkpoint record. */
type ConfiguredModel = SequenceModel & { config: unknown };

/** What a trained model's card is made of. */
interface TrainedModelParts {
  name: string;
  options: TrainOptions;
  data: SymbolData[];
  train: SampleSet;
  val: SampleSet;
  test: SampleSet;
  standardizer: { mean: number[]; std: number[] };
  model: ConfiguredModel;
  backend: BackendChoice;
  result: TrainLoopResult;
  temperature: number;
}

/** The model card: data, splits and sample counts per symbol, features, model, training and calibration; its id is its content id. */
function describeTrainedModel(parts: TrainedModelParts): ModelCard {
  const { name, options, data, train, val, test, standardizer, model, backend, result, temperature } = parts;
  const features = data[0]!.table.names;
  const cardContent: Omit<ModelCard, 'modelId'> = {
    schemaVersion: 1,
    name,
    kind: options.model,
    symbols: options.symbols,
    timeframe: options.timeframe,
    datasets: data.map((d, i) => ({
      symbol: d.symbol,
      timeframe: options.timeframe,
      contentId: d.contentId,
      source1mContentId: d.source1mContentId,
      featuresContentId: d.featuresContentId,
      split: { train: d.split.train, val: d.split.val, test: d.split.test, gap: d.split.gap },
      samples: { train: countOf(train.source, i), val: countOf(val.source, i), test: countOf(test.source, i) },
    })),
    features: { names: features, options: options.featureOptions, standardizer },
    window: options.window,
    horizon: options.horizon,
    deadZone: options.deadZone,
    seed: options.seed,
    model: model.config as Record<string, unknown>,
    backend: { name: backend.name },
    training: {
      epochs: options.epochs,
      batchSize: options.batchSize,
      learningRate: options.learningRate,
      patience: options.patience,
      ...result,
    },
    calibration: { temperature },
    splitOptions: { trainFrac: options.trainFrac, valFrac: options.valFrac },
    packages: { '@buff/ml': ML_VERSION, '@tensorflow/tfjs': tf.version.tfjs },
  };
  return { ...cardContent, modelId: modelIdOf(cardContent) };
}

/** Writes a model folder's files: checkpoint, model card, evaluation, training curves and the test reliability diagram. */
async function writeModelFiles(
  staging: string,
  files: {
    model: ConfiguredModel;
    card: ModelCard;
    evaluation: EvaluationRecord;
    history: EpochFigures[];
    probUp: ArrayLike<number>;
    labels: ArrayLike<number>;
  },
): Promise<void> {
  const { model, card, evaluation } = files;
  await saveCheckpoint(staging, model);
  writeFileSync(join(staging, MODEL_CARD_FILE), canonicalJsonPretty(card));
  writeFileSync(join(staging, 'evaluation.json'), canonicalJsonPretty(evaluation));
  writeTrainingCurves(join(staging, 'reports', 'training', 'training-curves.svg'), files.history, {
    title: `${card.name} ${card.modelId}`,
  });
  writeReliabilityDiagram(
    join(staging, 'reports', 'training', 'reliability.svg'),
    reliabilityBins(files.probUp, files.labels),
    { title: `${card.name} test (calibrated)`, ece: evaluation.metrics.ece },
  );
}

/** @buff/ml's own version, from its package.json (src/ and dist/ both sit one folder below it). */
const ML_VERSION = packageInfo('@buff/ml', new URL('../package.json', import.meta.url)).version;

/** Parses train options (INVALID_CONFIG naming the key). */
export function parseTrainOptions(input: TrainOptionsInput): TrainOptions {
  return parseOrThrow(TrainOptionsSchema, input, 'INVALID_CONFIG', 'train options');
}

function createModel(options: TrainOptions, features: number): ConfiguredModel {
  if (options.model === 'lstm')
    return createLstmModel({ features, window: options.window, units: options.units, seed: options.seed });
  return createTransformerModel({
    features,
    window: options.window,
    symbols: options.symbols.length,
    seed: options.seed,
    ...options.transformer,
  });
}

function countOf(source: Int32Array, index: number): number {
  let n = 0;
  for (const s of source) if (s === index) n++;
  return n;
}

/**
 * Writes a model folder in `<modelsRoot>/.staging/` and publishes it (every file fsynced, renamed into place, the
 * parent fsynced); an identical existing folder is kept.
 */
async function publishModelFolder(
  modelsRoot: string,
  modelDir: string,
  write: (staging: string) => Promise<void>,
): Promise<boolean> {
  const staging = join(modelsRoot, '.staging', `train-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(staging, { recursive: true });
  try {
    await write(staging);
    return await publishFolder(staging, modelDir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
