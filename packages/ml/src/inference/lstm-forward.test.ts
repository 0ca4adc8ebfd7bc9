import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBuffError } from '@buff/core';
import { selectBackend } from '../backend.js';
import { saveCheckpoint } from '../checkpoint.js';
import { createLstmModel } from '../models/lstm-model.js';
import { seededRandom } from '../models/seeded-random.js';
import { readCheckpointArrays } from './checkpoint-arrays.js';
import { lstmLogit } from './lstm-forward.js';

const dir = mkdtempSync(join(tmpdir(), 'buff-infer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await selectBackend({ prefer: 'cpu' });
});

describe('the plain-JavaScript LSTM forward pass', () => {
  it('gives the logits of the TensorFlow.js model it was saved from (to float32 precision)', async () => {
    const [features, window, units] = [3, 7, 5];
    const model = createLstmModel({ features, window, units, seed: 11 });
    // Non-zero biases so every weight matters.
    const head = model.weights.find((w) => w.name === 'head/bias')!.variable;
    head.assign(tf.tensor1d([0.3]));
    const ckpt = join(dir, 'lstm');
    await saveCheckpoint(ckpt, model);
    const arrays = readCheckpointArrays(ckpt);
    expect(arrays.kind).toBe('lstm');
    const rng = seededRandom(5);
    const batch = 4;
    const rows = Array.from({ length: batch }, () =>
      Float32Array.from({ length: window * features }, () => rng.next() * 4 - 2),
    );
    const steps = Array.from({ length: window }, (_, s) =>
      tf.tensor2d(
        rows.flatMap((r) => Array.from(r.subarray(s * features, (s + 1) * features))),
        [batch, features],
      ),
    );
    const expected = Array.from(model.logits({ steps }, false).dataSync());
    const w = (name: string) => arrays.weights.get(name)!.values;
    const lstm = {
      features,
      units,
      kernel: w('lstm/kernel'),
      recurrentKernel: w('lstm/recurrent_kernel'),
      bias: w('lstm/bias'),
      headKernel: w('head/kernel'),
      headBias: w('head/bias'),
    };
    const got = rows.map((r) => lstmLogit(lstm, r, window));
    got.forEach((logit, i) => expect(logit).toBeCloseTo(expected[i] as number, 5));
    expect(new Set(got.map((x) => x.toFixed(4))).size).toBe(batch);
  });

  it('refuses weights that do not match the sha256 in model.json', () => {
    const ckpt = join(dir, 'lstm');
    writeFileSync(join(ckpt, 'weights.bin'), Buffer.alloc(16));
    try {
      readCheckpointArrays(ckpt);
      expect.unreachable();
    } catch (err) {
      expect(isBuffError(err, 'CORRUPT_ARTIFACT')).toBe(true);
    }
  });
});
