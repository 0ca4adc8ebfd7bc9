import { BuffError, parseEvaluationRecord, type EvaluationRecord, type Gates } from '@buff/core';
import { checkGates, parseGates } from './gates.js';
import { evaluateProbabilities } from './metrics.js';
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
  gates?: Partial<Gates>;
}

/**
 * The whole evaluation of a binary direction model from its raw logits: temperature scaling fitted
 * on validation logits, calibrated test metrics (accuracy, balanced accuracy, log loss, Brier,
 * ECE with 15 bins, confusion) and the gates. Returns the record `buff evaluate` stores.
 * @example
 * const record = evaluateLogits({ modelId, datasets: [contentId], split, val, test, gates: { minAccuracy: 0.68 } });
 * record.passed // true only when the calibrated test metrics pass every gate
 */
export function evaluateLogits(input: EvaluateLogitsInput): EvaluationRecord {
  const gates = parseGates(input.gates);
  const temperature = input.temperature ?? fitOnValidation(input.val);
  const uncalibratedMetrics = evaluateProbabilities(sigmoidProbabilities(input.test.logits), input.test.labels);
  const metrics = evaluateProbabilities(
    sigmoidProbabilities(applyTemperature(input.test.logits, temperature)),
    input.test.labels,
  );
  const { passed, failures } = checkGates(metrics, gates);
  return parseEvaluationRecord({
    schemaVersion: 1,
    modelId: input.modelId,
    datasets: input.datasets,
    split: input.split,
    ...(input.splits === undefined ? {} : { splits: input.splits }),
    metrics,
    uncalibratedMetrics,
    calibration: { temperature },
    gates,
    passed,
    failures,
  });
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
