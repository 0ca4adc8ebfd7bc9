import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '@buff/core';
import { synthesizeBars, writeDataset } from '@buff/ingest';
import { evaluateLogits, trainModel, writeEvaluationRecord, type TrainResult } from '@buff/ml';
import { lastJson, runBuff } from './helpers/cli.js';
import { makeTempDir } from './helpers/tmp.js';

const tmp = makeTempDir('buff-ml-gates-');
const modelsRoot = join(tmp.dir, 'models');
afterAll(() => tmp.cleanup());

function modelDir(name: string): string {
  const dir = join(tmp.dir, 'trained', name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A coin-flip model's record: accuracy ~0.5, so it fails the default gates. */
function failingRecord() {
  const n = 400;
  const logits = Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0.4 : -0.4));
  const labels = Uint8Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0));
  return evaluateLogits({
    modelId: 'coin',
    datasets: [sha256Hex('random walk')],
    split: { train: [0, 700], val: [710, 850], test: [860, 1000] },
    val: { logits, labels },
    test: { logits, labels },
    baselines: {
      majority: new Float32Array(n).fill(0.500001),
      persistence: Float32Array.from({ length: n }, (_, i) => (i % 4 < 2 ? 0.6 : 0.4)),
    },
  });
}

describe('buff promote refuses models that did not earn it', () => {
  it('a model with no recorded evaluation: exit 3, PROMOTION_REFUSED, nothing registered', async () => {
    const dir = modelDir('unevaluated');
    writeFileSync(join(dir, 'model-card.json'), '{}');
    const result = await runBuff(['promote', '--model', dir, '--models-root', modelsRoot]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/PROMOTION_REFUSED.*no recorded evaluation; run buff evaluate/);
    expect(result.stderr).toContain(`MODELS_ROOT=${modelsRoot}`);
    expect(existsSync(join(modelsRoot, 'unevaluated'))).toBe(false);
  });

  it('a model whose evaluation failed the gates: exit 3 with the failures, in JSON too', async () => {
    const dir = modelDir('coin');
    const record = failingRecord();
    expect(record.passed).toBe(false);
    writeEvaluationRecord(dir, record);
    const result = await runBuff(['promote', '--model', dir, '--models-root', modelsRoot, '--json']);
    expect(result.code).toBe(3);
    const json = lastJson<{ ok: boolean; code: string; message: string; details: { failures: string[] } }>(
      result.stdout,
    );
    expect(json).toMatchObject({ ok: false, code: 'PROMOTION_REFUSED' });
    expect(json.message).toMatch(/failed the gates \(accuracy 0\.\d+ < minAccuracy 0.68/);
    expect(json.details.failures.length).toBeGreaterThan(0);
  });

  it('a tampered evaluation (passed: true without its metrics) is refused', async () => {
    const dir = modelDir('tampered');
    writeFileSync(join(dir, 'evaluation.json'), JSON.stringify({ modelId: 'x', passed: true, failures: [] }));
    const result = await runBuff(['promote', '--model', dir, '--models-root', modelsRoot]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/PROMOTION_REFUSED.*evaluation.json: datasets/);
  });

  it('there is no override flag', async () => {
    const dir = modelDir('coin');
    const result = await runBuff(['promote', '--model', dir, '--models-root', modelsRoot, '--force']);
    expect(result.code).toBe(2);
  });
});

describe('buff evaluate, promote, models list/rollback on a small trained model', () => {
  const dataRoot = join(tmp.dir, 'data');
  const trainedRoot = join(tmp.dir, 'trained-models');
  const registryRoot = join(tmp.dir, 'registry');
  const reportsRoot = join(tmp.dir, 'reports');
  let first: TrainResult;
  let second: TrainResult;

  const train = (seed: number) =>
    trainModel({
      dataRoot,
      modelsRoot: trainedRoot,
      model: 'lstm',
      symbols: ['BTC-USD'],
      epochs: 2,
      window: 8,
      units: 8,
      batchSize: 256,
      seed,
      features: ['ret_1', 'ret_5', 'vol_20', 'rsi_14'],
    });

  it('trains two tiny models (setup)', async () => {
    const bars = synthesizeBars({ days: 2, seed: 5, signal: 1, symbol: 'BTC-USD' });
    await writeDataset(dataRoot, {
      symbol: 'BTC-USD',
      timeframe: '1m',
      bars,
      source: { kind: 'synthetic', params: { days: 2, seed: 5, signal: 1 } },
    });
    first = await train(1);
    second = await train(2);
    expect(first.modelId).not.toBe(second.modelId);
  }, 240_000);

  it('evaluate exits 0 when the gates pass and records evaluation.json (same metrics as training, to 1e-6)', async () => {
    const result = await runBuff([
      'evaluate',
      '--model',
      first.modelDir,
      '--data-root',
      dataRoot,
      '--min-accuracy',
      '0',
      '--max-calibration-error',
      '1',
      '--no-beat-baselines',
      '--reports-root',
      reportsRoot,
      '--json',
    ]);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const json = lastJson<{
      evaluation: { passed: boolean; metrics: { accuracy: number; logLoss: number; ece: number; count: number } };
    }>(result.stdout);
    expect(json.evaluation.passed).toBe(true);
    expect(json.evaluation.metrics.count).toBe(first.evaluation.metrics.count);
    expect(Math.abs(json.evaluation.metrics.accuracy - first.evaluation.metrics.accuracy)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(json.evaluation.metrics.logLoss - first.evaluation.metrics.logLoss)).toBeLessThanOrEqual(1e-6);
    const stored = JSON.parse(readFileSync(join(first.modelDir, 'evaluation.json'), 'utf8'));
    expect(stored.gates).toEqual({
      minAccuracy: 0,
      maxCalibrationError: 1,
      beatBaselines: false,
      maxPValue: 0.05,
      confidence: 0.95,
    });
    expect(Object.keys(stored.baselines)).toEqual(['majority', 'persistence']);
    expect(existsSync(join(first.modelDir, 'reports', 'training', 'reliability.svg'))).toBe(true);
  }, 240_000);

  it('evaluate exits 3 when the gates fail, records the failure, and promote then refuses', async () => {
    const result = await runBuff([
      'evaluate',
      '--model',
      first.modelDir,
      '--data-root',
      dataRoot,
      '--min-accuracy',
      '0.99',
      '--reports-root',
      reportsRoot,
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/GATE_FAILED.*accuracy 0\.\d{4} < minAccuracy 0.99/);
    expect(JSON.parse(readFileSync(join(first.modelDir, 'evaluation.json'), 'utf8')).passed).toBe(false);
    const promote = await runBuff(['promote', '--model', first.modelDir, '--models-root', registryRoot]);
    expect(promote.code).toBe(3);
    expect(promote.stderr).toContain('PROMOTION_REFUSED');
  }, 240_000);

  it('promote, models list and models rollback once evaluations pass', async () => {
    for (const model of [first, second]) {
      const evaluated = await runBuff([
        'evaluate',
        '--model',
        model.modelDir,
        '--data-root',
        dataRoot,
        '--min-accuracy',
        '0',
        '--max-calibration-error',
        '1',
        '--no-beat-baselines',
        '--models-root',
        registryRoot,
        '--reports-root',
        reportsRoot,
      ]);
      expect(evaluated.code, evaluated.stderr).toBe(0);
      const promoted = await runBuff([
        'promote',
        '--model',
        model.modelDir,
        '--models-root',
        registryRoot,
        '--actor',
        'test',
        '--json',
      ]);
      expect(promoted.code, promoted.stderr + promoted.stdout).toBe(0);
      expect(lastJson<{ modelId: string }>(promoted.stdout).modelId).toBe(model.modelId);
    }
    const listed = await runBuff(['models', 'list', '--models-root', registryRoot]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/lstm-BTC-USD-1m\s+2 version\(s\), latest v2\s+champion=v2/);
    const rolled = await runBuff([
      'models',
      'rollback',
      '--name',
      'lstm-BTC-USD-1m',
      '--models-root',
      registryRoot,
      '--actor',
      'test',
      '--json',
    ]);
    expect(rolled.code, rolled.stderr + rolled.stdout).toBe(0);
    expect(lastJson<{ version: number; modelId: string }>(rolled.stdout)).toMatchObject({
      version: 1,
      modelId: first.modelId,
    });
    const versions = await runBuff(['models', 'list', '--name', 'lstm-BTC-USD-1m', '--models-root', registryRoot]);
    expect(versions.stdout).toContain(`v1 model ${first.modelId} evaluation passed`);
  }, 240_000);

  it('evaluate refuses a model whose dataset changed (exit 3, DATASET_MISMATCH) and a broken card', async () => {
    const other = synthesizeBars({ days: 2, seed: 6, signal: 0, symbol: 'BTC-USD' });
    await writeDataset(dataRoot, { symbol: 'BTC-USD', timeframe: '1m', bars: other, source: { kind: 'synthetic' } });
    const result = await runBuff([
      'evaluate',
      '--model',
      first.modelDir,
      '--data-root',
      dataRoot,
      '--reports-root',
      reportsRoot,
      '--json',
    ]);
    expect(result.code).toBe(3);
    expect(lastJson<{ details: { rule: string } }>(result.stdout).details.rule).toBe('DATASET_MISMATCH');
    writeFileSync(join(second.modelDir, 'model-card.json'), '{"broken": ');
    const broken = await runBuff([
      'evaluate',
      '--model',
      second.modelDir,
      '--data-root',
      dataRoot,
      '--reports-root',
      reportsRoot,
    ]);
    expect(broken.code).toBe(3);
    expect(broken.stderr).toMatch(/CORRUPT_ARTIFACT.*model-card.json/);
  }, 240_000);
});
