import type { Calibration } from '@buff/core';
import { seededRandom } from '../models/seeded-random.js';
import { expectedCalibrationError } from './calibration-error.js';

/** Bootstrap resamples of the ECE interval (seeded: same inputs, same interval). */
const RESAMPLES = 200;

/** An ECE with its bootstrap 95% interval. */
export interface EceInterval {
  value: number;
  lower: number;
  upper: number;
}

/**
 * The ECE (15 bins) of `probUp` with a percentile bootstrap 95% interval over `resamples`
 * resamples of the samples, drawn with a fixed seed.
 * @example bootstrapEce(probUp, labels) // { value: 0.021, lower: 0.012, upper: 0.034 }
 */
export function bootstrapEce(
  probUp: ArrayLike<number>,
  labels: ArrayLike<number>,
  resamples = RESAMPLES,
  seed = 1,
): EceInterval {
  const n = probUp.length;
  const value = expectedCalibrationError(probUp, labels);
  const rng = seededRandom(seed, 'ece-bootstrap');
  const p = new Float64Array(n);
  const y = new Uint8Array(n);
  const draws: number[] = [];
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) {
      const j = rng.int(n);
      p[i] = probUp[j] as number;
      y[i] = labels[j] as number;
    }
    draws.push(expectedCalibrationError(p, y));
  }
  draws.sort((a, b) => a - b);
  const at = (q: number) => draws[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))] as number;
  return { value, lower: at(0.025), upper: at(0.975) };
}

/**
 * What temperature scaling did to the test ECE: before and after with bootstrap intervals (the
 * same resamples for both). Scaling that makes the ECE worse beyond the uncalibrated interval is
 * flagged, and the ECE gate then uses the better (uncalibrated) figure.
 * @example const calibration = checkCalibration(rawProbUp, scaledProbUp, labels, 1.4);
 */
export function checkCalibration(
  before: ArrayLike<number>,
  after: ArrayLike<number>,
  labels: ArrayLike<number>,
  temperature: number,
): Calibration {
  const eceBefore = bootstrapEce(before, labels);
  const eceAfter = bootstrapEce(after, labels);
  const scalingWorse = eceAfter.value > eceBefore.upper;
  return {
    temperature,
    eceBefore,
    eceAfter,
    scalingWorse,
    gateEce: scalingWorse ? Math.min(eceBefore.value, eceAfter.value) : eceAfter.value,
  };
}
