import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isBuffError, readEvaluationRecord, sha256Hex } from '@buff/core';
import { evaluateLogits } from './evaluate-logits.js';
import { sigmoidProbabilities } from './temperature.js';
import { writeEvaluationRecord } from './evaluation-file.js';

const dir = mkdtempSync(join(tmpdir(), 'buff-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A model that is right 80% of the time but reports logits 3x too confident. */
function samples(n: number, seed: number): { logits: Float32Array; labels: Uint8Array } {
  let state = seed;
  const rand = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const logits = new Float32Array(n);
  const labels = new Uint8Array(n);
  const base = Math.log(0.8 / 0.2);
  for (let i = 0; i < n; i++) {
    const up = rand() < 0.5;
    const right = rand() < 0.8;
    labels[i] = up ? 1 : 0;
    logits[i] = (up === right ? 1 : -1) * base * 3;
  }
  return { logits, labels };
}

const split = {
  train: [0, 700] as [number, number],
  val: [710, 850] as [number, number],
  test: [860, 1000] as [number, number],
  gap: 10,
};
const datasets = [sha256Hex('dataset')];

/** Coin-flip baselines for a test set (majority says up at 0.5 + 1e-6; persistence alternates). */
function coinBaselines(n: number) {
  return {
    majority: new Float32Array(n).fill(0.500001),
    persistence: Float32Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 0.6 : 0.4)),
  };
}

describe('evaluateLogits', () => {
  it('calibrates on validation and passes honest gates', () => {
    const record = evaluateLogits({
      modelId: 'm1',
      datasets,
      split,
      val: samples(5000, 1),
      test: samples(5000, 2),
      baselines: coinBaselines(5000),
    });
    expect(record.calibration.temperature).toBeGreaterThan(2.7);
    expect(record.calibration.temperature).toBeLessThan(3.3);
    expect(record.uncalibratedMetrics?.ece).toBeGreaterThan(0.1);
    expect(record.metrics.ece).toBeLessThan(0.03);
    expect(record.metrics.accuracy).toBeGreaterThan(0.77);
    expect(record.passed).toBe(true);
    expect(record.gates).toEqual({
      minAccuracy: 0.68,
      maxCalibrationError: 0.05,
      beatBaselines: true,
      maxPValue: 0.05,
      confidence: 0.95,
    });
    expect(record.significance.map((t) => [t.against, t.beaten])).toEqual([
      ['majority', true],
      ['persistence', true],
    ]);
    expect(record.significance[0]?.pValue).toBeLessThan(1e-10);
    expect(record.accuracyInterval.lower).toBeGreaterThan(0.76);
    expect(record.calibration.scalingWorse).toBe(false);
    expect(record.calibration.eceAfter.value).toBeLessThan(record.calibration.eceBefore.lower);
  });

  it('fails the gates when asked for more than the model has', () => {
    const record = evaluateLogits({
      modelId: 'm1',
      datasets,
      split,
      val: samples(2000, 1),
      test: samples(2000, 2),
      baselines: coinBaselines(2000),
      gates: { minAccuracy: 0.9 },
    });
    expect(record.passed).toBe(false);
    expect(record.failures[0]).toMatch(/^accuracy 0\.\d{4} < minAccuracy 0.9$/);
  });

  it('a model no better than a baseline fails on that alone, naming the figures; and the Wilson bound on a small split', () => {
    const test = samples(5000, 2);
    // the "persistence" baseline here is the model itself, flipped on its first 40 hits and 40 misses: as accurate
    const hits = { right: 0, wrong: 0 };
    const twin = sigmoidProbabilities(test.logits).map((p, i) => {
      const right = (p >= 0.5 ? 1 : 0) === test.labels[i];
      const key = right ? 'right' : 'wrong';
      hits[key]++;
      return hits[key] <= 40 ? 1 - p : p;
    });
    const record = evaluateLogits({
      modelId: 'm1',
      datasets,
      split,
      val: samples(5000, 1),
      test,
      baselines: { majority: coinBaselines(5000).majority, persistence: twin },
    });
    expect(record.metrics.accuracy).toBeGreaterThan(0.77);
    expect(record.passed).toBe(false);
    expect(record.failures).toHaveLength(1);
    expect(record.failures[0]).toMatch(
      /^does not beat persistence: accuracy 0\.\d{4} vs 0\.\d{4}, McNemar p \d\.\d{4} \(model-only \d+, persistence-only \d+/,
    );
    const small = evaluateLogits({
      modelId: 'm1',
      datasets,
      split,
      val: samples(5000, 1),
      test: samples(30, 3),
      baselines: coinBaselines(30),
      gates: { beatBaselines: false },
    });
    expect(small.metrics.accuracy).toBeGreaterThanOrEqual(0.68);
    expect(small.accuracyInterval.lower).toBeLessThan(0.68);
    expect(
      small.failures.some((f) => /^accuracy lower bound 0\.\d{4} \(Wilson 95%\) < minAccuracy 0.68$/.test(f)),
    ).toBe(true);
  });

  it('uses a saved temperature when given', () => {
    const record = evaluateLogits({
      modelId: 'm1',
      datasets,
      split,
      val: samples(100, 1),
      test: samples(100, 2),
      baselines: coinBaselines(100),
      temperature: 1,
    });
    expect(record.calibration.temperature).toBe(1);
    expect(record.metrics).toEqual(record.uncalibratedMetrics);
  });

  it('rejects bad gates with INVALID_CONFIG', () => {
    let caught: unknown;
    try {
      evaluateLogits({
        modelId: 'm1',
        datasets,
        split,
        val: samples(10, 1),
        test: samples(10, 2),
        baselines: coinBaselines(10),
        gates: { minAccuracy: 2 },
      });
    } catch (err) {
      caught = err;
    }
    expect(isBuffError(caught, 'INVALID_CONFIG')).toBe(true);
  });
});

describe('evaluation.json', () => {
  it('round-trips and is canonical', async () => {
    const record = evaluateLogits({
      modelId: 'm1',
      datasets,
      split,
      val: samples(500, 1),
      test: samples(500, 2),
      baselines: coinBaselines(500),
    });
    const path = writeEvaluationRecord(dir, record);
    const first = readFileSync(path, 'utf8');
    writeEvaluationRecord(dir, record);
    expect(readFileSync(path, 'utf8')).toBe(first);
    expect(await readEvaluationRecord(dir)).toEqual(record);
  });

  it('missing or broken evaluation is a clear error', async () => {
    const empty = join(dir, 'none');
    await expect(readEvaluationRecord(empty)).rejects.toThrow(/has no recorded evaluation; run buff evaluate/);
    writeFileSync(join(dir, 'evaluation.json'), '{"modelId": "m1", "passed": true}');
    await expect(readEvaluationRecord(dir)).rejects.toThrow(/evaluation.json: datasets/);
  });
});
