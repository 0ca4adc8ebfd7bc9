import { describe, expect, it } from 'vitest';
import { baselineProbabilities, lastBarUp, sampleLastUp } from './baselines.js';
import { bootstrapEce, checkCalibration } from './calibration-check.js';
import { expectedCalibrationError } from './calibration-error.js';

describe('naive baselines', () => {
  it('majority: the training majority with its rate; persistence: the last direction with its training rate', () => {
    // train: labels 1 1 1 0 (up rate 0.75); last bar up 1 1 0 0 -> persisted on samples 0, 1, 3 (rate 0.75)
    const train = { labels: [1, 1, 1, 0], lastUp: [1, 1, 0, 0] };
    const test = { labels: [0, 1, 1], lastUp: [0, 1, 0] };
    const { majority, persistence } = baselineProbabilities(train, test);
    expect(Array.from(majority)).toEqual([0.75, 0.75, 0.75]);
    expect(Array.from(persistence)).toEqual([0.25, 0.75, 0.25]);
  });

  it('always makes a call: a 50/50 training rate becomes just above 1/2 (up), never a tie', () => {
    const { majority, persistence } = baselineProbabilities(
      { labels: [1, 0], lastUp: [0, 0] },
      { labels: [1, 0], lastUp: [1, 0] },
    );
    expect(majority[0]).toBeGreaterThan(0.5);
    expect(persistence[0]).toBeGreaterThan(0.5);
    expect(persistence[1]).toBeLessThan(0.5);
  });

  it('lastBarUp follows the labels (flat is not up) and sampleLastUp picks rows per symbol', () => {
    expect(Array.from(lastBarUp([1, 2, 2, 1, 3]))).toEqual([0, 1, 0, 0, 1]);
    const samples = { source: Int32Array.of(0, 1), end: Int32Array.of(1, 0), labels: Uint8Array.of(0, 0) };
    expect(Array.from(sampleLastUp([Uint8Array.of(0, 1), Uint8Array.of(1, 0)], samples))).toEqual([1, 1]);
  });
});

describe('calibration check', () => {
  /** Labels from a fixed pattern; probabilities that are right about them at confidence `conf`. */
  function set(n: number, conf: number): { probUp: Float64Array; labels: Uint8Array } {
    const labels = Uint8Array.from({ length: n }, (_, i) => ((i * 7919) % 10 < 8 ? 1 : 0));
    const probUp = new Float64Array(n).fill(conf);
    return { probUp, labels };
  }

  it('bootstrap interval holds the ECE, is seeded (same bytes twice) and narrows with n', () => {
    const { probUp, labels } = set(2000, 0.7);
    const a = bootstrapEce(probUp, labels);
    expect(a.value).toBeCloseTo(expectedCalibrationError(probUp, labels), 12);
    expect(a.lower).toBeLessThanOrEqual(a.value);
    expect(a.upper).toBeGreaterThanOrEqual(a.value);
    expect(bootstrapEce(probUp, labels)).toEqual(a);
    const small = set(200, 0.7);
    const b = bootstrapEce(small.probUp, small.labels);
    expect(b.upper - b.lower).toBeGreaterThan(a.upper - a.lower);
  });

  it('scaling that makes the ECE worse beyond the interval is flagged and the gate uses the better figure', () => {
    const { probUp: good, labels } = set(2000, 0.8); // calibrated: 80% up
    const worse = new Float64Array(2000).fill(0.99);
    const check = checkCalibration(good, worse, labels, 0.2);
    expect(check.scalingWorse).toBe(true);
    expect(check.eceAfter.value).toBeGreaterThan(check.eceBefore.upper);
    expect(check.gateEce).toBe(check.eceBefore.value);
    const fine = checkCalibration(worse, good, labels, 5);
    expect(fine.scalingWorse).toBe(false);
    expect(fine.gateEce).toBe(fine.eceAfter.value);
  });
});
