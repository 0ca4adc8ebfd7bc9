import {
  BuffError,
  parseEvaluationRecord,
  type Baselines,
  type EvaluationMetrics,
  type EvaluationRecord,
  type Gates,
  type Significance,
} from '@buff/core';
import type { BaselineProbabilities } from './baselines.js';
import { checkCalibration } from './calibration-check.js';
import { checkGates, parseGates, type GateEvidence } from './gates.js';
import { evaluateProbabilities } from './metrics.js';
import { mcnemarExact, wilsonInterval } from './significance.js';
import { applyTemperature, fitTemperature, sigmoidProbabilities } from './temperature.js';
import type { RowRange } from '../split.js';

/** Logits of "up" and the true labels (1 up, 0 down) of one split's samples. */
export interface LabelledLogits {
  logits: ArrayLike<number>;
  labels: ArrayLike<number>;
}

export interface EvaluateLogitsInput {
  modelId: string;
  /** Content ids of the datasets the samples come from. */
  datasets: string[];
  split: { train: RowRange; val: RowRange; test: RowRange; gap?: number };
  /** Every dataset's split, when there are several (the transformer trains over all symbols). */
  splits?: Array<{ contentId: string; train: RowRange; val: RowRange; test: RowRange; gap?: number }>;
  /** Validation samples: the temperature is fitted on these; needed unless `temperature` is given. */
  val?: LabelledLogits;
  /** Held-out test samples: the metrics and gates are computed on these. */
  test: LabelledLogits;
  /** A temperature saved with the model (fitted on the same validation data); refitted when absent. */
  temperature?: number;
  /** Up-probabilities of the baselines on the same test samples (majority, persistence, and the champion when there is one). */
  baselines: BaselineProbabilities & { champion?: ChampionProbabilities };
  gates?: Partial<Gates>;
}

/** The current champion's calibrated up-probabilities on the same test samples. */
export interface ChampionProbabilities {
  name: string;
  version: number;
  modelId: string;
  probUp: ArrayLike<number>;
}

/**
 * The whole evaluation of a binary direction model from its raw logits: temperature scaling fitted
 * on validation logits (with the test ECE before and after, bootstrap intervals), calibrated test
 * metrics (accuracy, balanced accuracy, log loss, Brier, ECE with 15 bins, confusion), the same
 * metrics for every baseline, McNemar's exact test against each, the Wilson interval of the
 * accuracy, and the gates. Returns the record `buff evaluate` stores.
 * @example
 * const record = evaluateLogits({ modelId, datasets: [contentId], split, val, test, baselines, gates: { minAccuracy: 0.68 } });
 * record.passed // true only when the test figures pass every gate
 */
export function evaluateLogits(input: EvaluateLogitsInput): EvaluationRecord {
  const gates = parseGates(input.gates);
  const labels = input.test.labels;
  const temperature = input.temperature ?? fitOnValidation(input.val);
  const rawProbUp = sigmoidProbabilities(input.test.logits);
  const probUp = sigmoidProbabilities(applyTemperature(input.test.logits, temperature));
  const uncalibratedMetrics = evaluateProbabilities(rawProbUp, labels);
  const metrics = evaluateProbabilities(probUp, labels);
  const calibration = checkCalibration(rawProbUp, probUp, labels, temperature);
  const { baselines, significance, evidence } = compareWithBaselines(probUp, labels, metrics, input.baselines, gates);
  const interval = wilsonInterval(metrics.confusion.tp + metrics.confusion.tn, metrics.count, gates.confidence);
  const { passed, failures } = checkGates(
    { accuracy: metrics.accuracy, ece: calibration.gateEce, accuracyLower: interval.lower, significance: evidence },
    gates,
  );
  return parseEvaluationRecord({
    schemaVersion: 2,
    modelId: input.modelId,
    datasets: input.datasets,
    split: input.split,
    ...(input.splits === undefined ? {} : { splits: input.splits }),
    metrics,
    uncalibratedMetrics,
    calibration,
    baselines,
    significance,
    accuracyInterval: { confidence: gates.confidence, ...interval },
    gates,
    passed,
    failures,
  });
}

/** Each baseline's metrics and McNemar's exact test of the model against it. */
function compareWithBaselines(
  probUp: Float32Array,
  labels: ArrayLike<number>,
  metrics: EvaluationMetrics,
  given: EvaluateLogitsInput['baselines'],
  gates: Gates,
): { baselines: Baselines; significance: Significance[]; evidence: NonNullable<GateEvidence['significance']> } {
  const modelCorrect = correctness(probUp, labels);
  const entries: Array<[Significance['against'], ArrayLike<number>, string]> = [
    ['majority', given.majority, 'majority'],
    ['persistence', given.persistence, 'persistence'],
  ];
  const champion = given.champion;
  if (champion)
    entries.push([
      'champion',
      champion.probUp,
      `champion ${champion.name} v${champion.version} (model ${champion.modelId})`,
    ]);
  const scored: Partial<Record<Significance['against'], EvaluationMetrics>> = {};
  const significance: Significance[] = [];
  const evidence: NonNullable<GateEvidence['significance']> = [];
  for (const [against, baselineProbUp, label] of entries) {
    const baselineMetrics = evaluateProbabilities(baselineProbUp, labels);
    scored[against] = baselineMetrics;
    const test = mcnemarExact(modelCorrect, correctness(baselineProbUp, labels));
    const beaten = metrics.accuracy > baselineMetrics.accuracy && test.pValue < gates.maxPValue;
    const entry: Significance = { against, ...test, beaten };
    significance.push(entry);
    evidence.push({ ...entry, baselineAccuracy: baselineMetrics.accuracy, label });
  }
  const baselines: Baselines = {
    majority: scored.majority as EvaluationMetrics,
    persistence: scored.persistence as EvaluationMetrics,
    ...(champion
      ? {
          champion: {
            ...(scored.champion as EvaluationMetrics),
            name: champion.name,
            version: champion.version,
            modelId: champion.modelId,
          },
        }
      : {}),
  };
  return { baselines, significance, evidence };
}

/** 1 where the call (up when p >= 0.5) matches the label. */
function correctness(probUp: ArrayLike<number>, labels: ArrayLike<number>): Uint8Array {
  return Uint8Array.from({ length: labels.length }, (_, i) =>
    ((probUp[i] as number) >= 0.5 ? 1 : 0) === (labels[i] as number) ? 1 : 0,
  );
}

function fitOnValidation(val: LabelledLogits | undefined): number {
  if (val === undefined)
    throw new BuffError(
      'INVALID_INPUT',
      'evaluation: give validation logits to fit the temperature on, or a saved temperature',
      { details: { key: 'val' } },
    );
  return fitTemperature(val.logits, val.labels);
}
