import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '@buff/core';
import { evaluateLogits, writeEvaluationRecord } from '@buff/ml';
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
    const json = lastJson<{ ok: boolean; code: string; message: string; details: { failures: string[] } }>(result.stdout);
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
