/** Indicators on typed arrays (causal: value t uses inputs [0..t] only). */
export { sma, ema, wilderSmooth, rollingStd } from './features/moving-averages.js';
export { rsi, macdSeries, atr, bollinger } from './features/oscillators.js';
export type { MacdSeries, BollingerSeries } from './features/oscillators.js';
export { logReturns, rollingVolatility, volumeZScore } from './features/returns.js';
export { calendarFeatures } from './features/calendar.js';
export type { CalendarSeries } from './features/calendar.js';

/** Feature tables: computation without look-ahead, train-only standardization, storage, checks. */
export {
  computeFeatures,
  featureWarmup,
  parseFeatureOptions,
  FeatureOptionsSchema,
} from './features/compute-features.js';
export type { FeatureTable, FeatureOptions, FeatureOptionsInput } from './features/compute-features.js';
export { fitStandardizer, applyStandardizer } from './features/standardizer.js';
export type { Standardizer } from './features/standardizer.js';
export {
  buildFeatureTable,
  loadFeatureTable,
  readFeatureTable,
  writeFeatureTable,
  featureTableToIpc,
  ipcToFeatureTable,
  FeatureTableEntrySchema,
  FeatureManifestSchema,
  FEATURES_DIR,
  FEATURES_MANIFEST,
} from './feature-store.js';
export type { FeatureTableEntry, FeatureManifest } from './feature-store.js';
export { checkFeatures } from './feature-check.js';
export type { FeatureCheckReport, FeatureCheckOptions, FeatureColumnStats, FeatureProblem } from './feature-check.js';

/** Labels and the chronological split. */
export { makeLabels } from './labels.js';
export type { LabelSet, LabelOptions } from './labels.js';
export { chronologicalSplit } from './split.js';
export type { ChronologicalSplit, SplitOptions, RowRange } from './split.js';

/** Evaluation: metrics, calibration error, temperature scaling, gates, the evaluation record. */
export { evaluateProbabilities } from './evaluation/metrics.js';
export { expectedCalibrationError, reliabilityBins } from './evaluation/calibration-error.js';
export type { ReliabilityBin } from './evaluation/calibration-error.js';
export { fitTemperature, applyTemperature, sigmoidProbabilities, binaryNll } from './evaluation/temperature.js';
export { checkGates, parseGates, formatP, DEFAULT_GATES } from './evaluation/gates.js';
export type { GateResult, GateEvidence } from './evaluation/gates.js';
export { evaluateLogits } from './evaluation/evaluate-logits.js';
export type { EvaluateLogitsInput, LabelledLogits, ChampionProbabilities } from './evaluation/evaluate-logits.js';

/** Baselines and how sure the gates are: naive baselines, McNemar's exact test, the Wilson interval, the ECE bootstrap. */
export { baselineProbabilities, sampleLastUp, lastBarUp } from './evaluation/baselines.js';
export type { BaselineProbabilities, BaselineView } from './evaluation/baselines.js';
export { mcnemarExact, binomialHalfCdf, wilsonInterval, WILSON_Z } from './evaluation/significance.js';
export type { McNemarResult, WilsonConfidence } from './evaluation/significance.js';
export { bootstrapEce, checkCalibration } from './evaluation/calibration-check.js';
export type { EceInterval } from './evaluation/calibration-check.js';
export { championProbabilities } from './evaluation/champion-scores.js';
export type { ChampionRef } from './evaluation/champion-scores.js';
export { writeEvaluationRecord } from './evaluation/evaluation-file.js';
export { evaluateModel } from './evaluation/evaluate-model.js';
export type { EvaluateModelOptions } from './evaluation/evaluate-model.js';

/** Reports: reliability diagram and training curves as SVG. */
export { renderReliabilityDiagram, writeReliabilityDiagram } from './reports/reliability-diagram.js';
export { renderTrainingCurves, writeTrainingCurves } from './reports/training-curves.js';
export type { EpochRecord } from './reports/training-curves.js';
export { writeModelReports, renderEvaluationSummary } from './reports/model-reports.js';
export type { ModelReportPaths } from './reports/model-reports.js';

/** Models and training (TensorFlow.js): backend choice, the LSTM and transformer, windows, training, checkpoints, model cards. */
export { selectBackend, activeBackend, tfjsVersion } from './backend.js';
export type { BackendChoice, BackendName, BackendOptions } from './backend.js';
export { lstmSequence } from './models/lstm-kernel.js';
export type { LstmWeights, LstmSequenceOptions } from './models/lstm-kernel.js';
export { createLstmModel, LstmConfigSchema } from './models/lstm-model.js';
export type { LstmConfig } from './models/lstm-model.js';
export type { SequenceModel, ModelBatch, NamedWeight } from './models/sequence-model.js';
export { seededRandom, glorotUniform, shuffledIndices } from './models/seeded-random.js';
export type { SeededRandom } from './models/seeded-random.js';
export { createTransformerModel, TransformerConfigSchema, positionalEncoding } from './models/transformer-model.js';
export type { TransformerConfig } from './models/transformer-model.js';
export { toFeatureMatrix, windowEnds, mergeSamples, windowBatch } from './windows.js';
export type { FeatureMatrix, SampleSet } from './windows.js';
export { trainLoop, predictLogits } from './train-loop.js';
export type { EpochFigures, TrainLoopOptions, TrainLoopResult } from './train-loop.js';
export { trainModel, parseTrainOptions, TrainOptionsSchema } from './train.js';
export type { TrainOptions, TrainOptionsInput, TrainHooks, TrainResult } from './train.js';
export {
  loadTrainingData,
  fitPooledStandardizer,
  standardizedMatrices,
  splitSamples,
  naiveBaselines,
} from './training-data.js';
export type { SymbolData, DataSpec } from './training-data.js';
export {
  saveCheckpoint,
  loadCheckpoint,
  fileSaveHandler,
  fileLoadHandler,
  CHECKPOINT_MODEL_FILE,
  CHECKPOINT_WEIGHTS_FILE,
} from './checkpoint.js';

/**
 * The model folder's records (model card, evaluation record, their schemas) live in @buff/core, where the registry's
 * promotion policy reads them too; re-exported here so ml's callers keep one import.
 */
export {
  ConfusionSchema,
  EVALUATION_FILE,
  EvaluationMetricsSchema,
  EvaluationRecordSchema,
  GatesSchema,
  MODEL_CARD_FILE,
  ModelCardSchema,
  ModelDatasetSchema,
  modelIdOf,
  parseEvaluationRecord,
  readEvaluationRecord,
  readModelCard,
} from '@buff/core';
export type {
  Baselines,
  Calibration,
  ChampionBaseline,
  Confusion,
  Significance,
  EvaluationMetrics,
  EvaluationRecord,
  EvaluationRecordInput,
  Gates,
  ModelCard,
} from '@buff/core';
