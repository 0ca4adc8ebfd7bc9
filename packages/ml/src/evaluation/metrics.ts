import type { EvaluationMetrics } from '@buff/core';
import { checkPairs, expectedCalibrationError } from './calibration-error.js';

/** Probabilities are clipped to [EPS, 1 - EPS] in the log loss, so a confident miss costs ~27.6, not infinity. */
const EPS = 1e-12;

/**
 * Accuracy, balanced accuracy (mean recall over the classes present), log loss, Brier score,
 * ECE (15 equal-width bins) and the confusion matrix.
 * @example
 * evaluateProbabilities([0.9, 0.3], [1, 1]) // { accuracy: 0.5, brier: 0.25, ... }
 */
export function evaluateProbabilities(probUp: ArrayLike<number>, labels: ArrayLike<number>): EvaluationMetrics {
  const n = checkPairs(probUp, labels);
  const confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  let logLoss = 0;
  let brier = 0;
  for (let i = 0; i < n; i++) {
    const p = probUp[i] as number;
    const y = (labels[i] as number) === 1 ? 1 : 0;
    const up = p >= 0.5;
    if (up && y === 1) confusion.tp++;
    else if (up) confusion.fp++;
    else if (y === 1) confusion.fn++;
    else confusion.tn++;
    const clipped = Math.min(Math.max(p, EPS), 1 - EPS);
    logLoss -= y === 1 ? Math.log(clipped) : Math.log(1 - clipped);
    brier += (p - y) * (p - y);
  }
  const recalls: number[] = [];
  if (confusion.tp + confusion.fn > 0) recalls.push(confusion.tp / (confusion.tp + confusion.fn));
  if (confusion.tn + confusion.fp > 0) recalls.push(confusion.tn / (confusion.tn + confusion.fp));
  return {
    count: n,
    accuracy: (confusion.tp + confusion.tn) / n,
    balancedAccuracy: recalls.reduce((a, b) => a + b, 0) / recalls.length,
    logLoss: logLoss / n,
    brier: brier / n,
    ece: expectedCalibrationError(probUp, labels, 15),
    confusion,
  };
}
