import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBuffError } from '@buff/core';
import { selectBackend } from './backend.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { createLstmModel } from './models/lstm-model.js';
import { createTransformerModel } from './models/transformer-model.js';

const dir = mkdtempSync(join(tmpdir(), 'buff-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await selectBackend();
});

function steps(window: number, batch: number, features: number): tf.Tensor2D[] {
  return Array.from({ length: window }, (_, t) => tf.fill([batch, features], Math.sin(t + 1)) as tf.Tensor2D);
}

describe('checkpoints', () => {
  it('round-trips the LSTM and the transformer (same logits after load)', async () => {
    const lstm = createLstmModel({ features: 3, window: 5, units: 4, seed: 3 });
    await saveCheckpoint(join(dir, 'lstm'), lstm);
    const loaded = await loadCheckpoint(join(dir, 'lstm'));
    const input = { steps: steps(5, 2, 3) };
    expect(Array.from(loaded.logits(input, false).dataSync())).toEqual(
      Array.from(lstm.logits(input, false).dataSync()),
    );

    const transformer = createTransformerModel({
      features: 3,
      window: 5,
      symbols: 2,
      dModel: 8,
      heads: 2,
      blocks: 1,
      ffUnits: 8,
      seed: 4,
    });
    await saveCheckpoint(join(dir, 'transformer'), transformer);
    const loadedT = await loadCheckpoint(join(dir, 'transformer'));
    const batch = {
      x: tf.randomUniform([2, 5, 3], -1, 1, 'float32', 5) as tf.Tensor3D,
      symbols: tf.tensor1d([0, 1], 'int32'),
    };
    expect(Array.from(loadedT.logits(batch, false).dataSync())).toEqual(
      Array.from(transformer.logits(batch, false).dataSync()),
    );
  });

  it('a corrupted checkpoint is a CORRUPT_ARTIFACT naming the file', async () => {
    const model = createLstmModel({ features: 2, window: 3, units: 2, seed: 1 });
    const target = join(dir, 'corrupt');
    await saveCheckpoint(target, model);
    const weights = readFileSync(join(target, 'weights.bin'));
    weights[0] = (weights[0] ?? 0) ^ 0xff;
    writeFileSync(join(target, 'weights.bin'), weights);
    const err = await loadCheckpoint(target).catch((e: unknown) => e);
    expect(isBuffError(err, 'CORRUPT_ARTIFACT')).toBe(true);
    expect((err as Error).message).toMatch(/weights\.bin/);
    writeFileSync(join(target, 'model.json'), '{"format": "buff-seq');
    const err2 = await loadCheckpoint(target).catch((e: unknown) => e);
    expect(isBuffError(err2, 'CORRUPT_ARTIFACT')).toBe(true);
    expect((err2 as Error).message).toMatch(/model\.json/);
  });
});
