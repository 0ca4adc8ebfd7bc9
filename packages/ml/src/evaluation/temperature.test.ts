import { describe, expect, it } from 'vitest';
import { applyTemperature, binaryNll, fitTemperature, sigmoidProbabilities } from './temperature.js';
import { expectedCalibrationError } from './calibration-error.js';

/** Labels drawn from sigmoid(trueLogit) with a seeded generator; the model reports trueLogit * T. */
function toySet(n: number, temperature: number): { logits: Float32Array; labels: Uint8Array } {
  let state = 12345;
  const rand = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  const logits = new Float32Array(n);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const trueLogit = (rand() - 0.5) * 6;
    labels[i] = rand() < 1 / (1 + Math.exp(-trueLogit)) ? 1 : 0;
    logits[i] = trueLogit * temperature;
  }
  return { logits, labels };
}

describe('temperature scaling', () => {
  it('recovers a known temperature and reduces NLL on an overconfident set', () => {
    const { logits, labels } = toySet(40_000, 2.5);
    const T = fitTemperature(logits, labels);
    expect(T).toBeGreaterThan(2.35);
    expect(T).toBeLessThan(2.65);
    expect(binaryNll(logits, labels, T)).toBeLessThan(binaryNll(logits, labels, 1) - 0.05);
    const before = expectedCalibrationError(sigmoidProbabilities(logits), labels);
    const after = expectedCalibrationError(sigmoidProbabilities(applyTemperature(logits, T)), labels);
    expect(after).toBeLessThan(before);
    expect(after).toBeLessThan(0.02);
  });

  it('leaves a calibrated set near T = 1 and sharpens an underconfident one (T < 1)', () => {
    const calibrated = toySet(40_000, 1);
    expect(Math.abs(fitTemperature(calibrated.logits, calibrated.labels) - 1)).toBeLessThan(0.08);
    const under = toySet(40_000, 0.5);
    expect(fitTemperature(under.logits, under.labels)).toBeLessThan(0.6);
  });

  it('applyTemperature divides logits; sigmoid maps 0 to 0.5', () => {
    expect(Array.from(applyTemperature([2, -4], 2))).toEqual([1, -2]);
    expect(sigmoidProbabilities([0])[0]).toBe(0.5);
    expect(() => applyTemperature([1], 0)).toThrow(/temperature/);
  });
});
