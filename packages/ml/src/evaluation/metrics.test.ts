import { describe, expect, it } from 'vitest';
import { expectedCalibrationError, reliabilityBins } from './calibration-error.js';
import { checkGates } from './gates.js';
import { evaluateProbabilities } from './metrics.js';

describe('evaluateProbabilities (hand-computed)', () => {
  // p:      0.9  0.6  0.3  0.2  0.8
  // label:  1    0    1    0    1
  // pred:   1    1    0    0    1   -> tp 2, fp 1, fn 1, tn 1
  const p = [0.9, 0.6, 0.3, 0.2, 0.8];
  const y = [1, 0, 1, 0, 1];
  const m = evaluateProbabilities(p, y);

  it('accuracy, balanced accuracy and confusion', () => {
    expect(m.confusion).toEqual({ tp: 2, fp: 1, tn: 1, fn: 1 });
    expect(m.accuracy).toBeCloseTo(3 / 5, 12);
    // recall up 2/3, recall down 1/2
    expect(m.balancedAccuracy).toBeCloseTo((2 / 3 + 1 / 2) / 2, 12);
    expect(m.count).toBe(5);
  });

  it('log loss and Brier', () => {
    const ll = -(Math.log(0.9) + Math.log(0.4) + Math.log(0.3) + Math.log(0.8) + Math.log(0.8)) / 5;
    expect(m.logLoss).toBeCloseTo(ll, 12);
    const brier = (0.01 + 0.36 + 0.49 + 0.04 + 0.04) / 5;
    expect(m.brier).toBeCloseTo(brier, 12);
  });

  it('ECE over 15 bins of the top-label confidence', () => {
    // confidences 0.9 (bin 13, correct), 0.6 (bin 9, wrong), 0.7 (bin 10, wrong), 0.8 (bins 12: 0.8 and 0.8, both correct)
    const ece =
      (1 / 5) * Math.abs(1 - 0.9) +
      (1 / 5) * Math.abs(0 - 0.6) +
      (1 / 5) * Math.abs(0 - 0.7) +
      (2 / 5) * Math.abs(1 - 0.8);
    expect(m.ece).toBeCloseTo(ece, 12);
    expect(expectedCalibrationError(p, y, 15)).toBeCloseTo(ece, 12);
    const bins = reliabilityBins(p, y, 15);
    expect(bins).toHaveLength(15);
    expect(bins[12]?.count).toBe(2);
    expect(bins[14]?.upper).toBe(1);
  });

  it('a perfectly calibrated coin has ECE 0 and a confident miss has ECE ~1', () => {
    expect(expectedCalibrationError([0.5, 0.5], [1, 0])).toBeCloseTo(0, 12);
    expect(expectedCalibrationError([1, 0], [0, 1])).toBeCloseTo(1, 12);
  });

  it('rejects mismatched lengths and probabilities outside [0, 1]', () => {
    expect(() => evaluateProbabilities([0.5], [1, 0])).toThrow(/1 probabilities but 2 labels/);
    expect(() => evaluateProbabilities([1.5], [1])).toThrow(/outside/);
    expect(() => evaluateProbabilities([], [])).toThrow(/no samples/);
  });
});

describe('checkGates', () => {
  const gates = { minAccuracy: 0.68, maxCalibrationError: 0.05 };
  it('passes only when both gates pass', () => {
    expect(checkGates({ accuracy: 0.7, ece: 0.03 }, gates)).toEqual({ passed: true, failures: [] });
    const failed = checkGates({ accuracy: 0.51, ece: 0.08 }, gates);
    expect(failed.passed).toBe(false);
    expect(failed.failures).toEqual(['accuracy 0.5100 < minAccuracy 0.68', 'ece 0.0800 > maxCalibrationError 0.05']);
    expect(checkGates({ accuracy: Number.NaN, ece: 0 }, gates).passed).toBe(false);
  });
});
