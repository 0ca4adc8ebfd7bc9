import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend.js';
import { lstmSequence } from './lstm-kernel.js';
import { glorotUniform, seededRandom } from './seeded-random.js';

const [T, B, F, H] = [7, 5, 3, 4];

function randomTensor(shape: [number, number], stream: string, scale = 1): tf.Tensor2D {
  return tf.mul(tf.tensor2d(glorotUniform(shape, seededRandom(11, stream)), shape), scale) as tf.Tensor2D;
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}

describe('lstmSequence vs tf.layers.lstm', () => {
  beforeAll(async () => {
    await selectBackend();
  });

  it('gives the same output and gradients (kernel, recurrent kernel, bias, input) within 1e-4', () => {
    const kernel = randomTensor([F, 4 * H], 'k', 3);
    const recurrentKernel = randomTensor([H, 4 * H], 'r', 3);
    const bias = tf.reshape(randomTensor([1, 4 * H], 'b'), [4 * H]) as tf.Tensor1D;
    const x = tf.reshape(randomTensor([B * T, F], 'x', 2), [B, T, F]) as tf.Tensor3D;
    const probe = randomTensor([B, H], 'probe');

    const layer = tf.layers.lstm({ units: H, recurrentActivation: 'sigmoid', returnSequences: false });
    layer.apply(tf.input({ shape: [T, F] }));
    layer.setWeights([kernel, recurrentKernel, bias]);
    const stockOut = layer.apply(x) as tf.Tensor2D;
    const stockVars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const stockGrads = tf.variableGrads(
      () => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, probe)) as tf.Scalar,
      stockVars,
    );
    const stockDx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input) as tf.Tensor, probe)))(x);

    const steps = tf.unstack(tf.transpose(x, [1, 0, 2])) as tf.Tensor2D[];
    const mine = lstmSequence(steps, { kernel, recurrentKernel, bias });
    const loss = (...args: tf.Tensor[]): tf.Tensor => {
      const [k, r, b] = args.slice(T) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
      return tf.sum(
        tf.mul(
          lstmSequence(
            args.slice(0, T) as tf.Tensor2D[],
            { kernel: k, recurrentKernel: r, bias: b },
            { training: true, inputGradient: true },
          ),
          probe,
        ),
      );
    };
    const grads = tf.grads(loss)([...steps, kernel, recurrentKernel, bias]);
    const [dk, dr, db] = grads.slice(T);
    const dx = tf.stack(grads.slice(0, T));

    expect(maxAbsDiff(mine, stockOut)).toBeLessThan(1e-4);
    expect(maxAbsDiff(dk!, stockGrads.grads[stockVars[0]!.name]!)).toBeLessThan(1e-4);
    expect(maxAbsDiff(dr!, stockGrads.grads[stockVars[1]!.name]!)).toBeLessThan(1e-4);
    expect(maxAbsDiff(db!, stockGrads.grads[stockVars[2]!.name]!)).toBeLessThan(1e-4);
    expect(maxAbsDiff(tf.transpose(dx, [1, 0, 2]), stockDx)).toBeLessThan(1e-4);
    // the gradients are not trivially zero
    expect(tf.max(tf.abs(dr!)).dataSync()[0]).toBeGreaterThan(1e-3);
  });

  it('training mode gives the same output as inference mode and leaks no tensors', () => {
    const kernel = randomTensor([F, 4 * H], 'k2');
    const recurrentKernel = randomTensor([H, 4 * H], 'r2');
    const bias = tf.zeros([4 * H]) as tf.Tensor1D;
    const xt = tf.unstack(tf.reshape(randomTensor([T * B, F], 'x2'), [T, B, F])) as tf.Tensor2D[];
    const before = tf.memory().numTensors;
    const a = lstmSequence(xt, { kernel, recurrentKernel, bias });
    const b = tf.tidy(() => lstmSequence(xt, { kernel, recurrentKernel, bias }, { training: true }));
    expect(maxAbsDiff(a, b)).toBe(0);
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
