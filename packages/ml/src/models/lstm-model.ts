import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { lstmSequence } from './lstm-kernel.js';
import { createWeight, weightNamed, type ModelBatch, type NamedWeight, type SequenceModel } from './sequence-model.js';

/** Shape and seed of the per-symbol LSTM: one LSTM layer, then a dense logit on its last state. */
export const LstmConfigSchema = z
  .object({
    features: z.number().int().min(1),
    window: z.number().int().min(1),
    units: z.number().int().min(1).max(1024).default(32),
    seed: z.number().int().default(42),
  })
  .strict();
export type LstmConfig = z.infer<typeof LstmConfigSchema>;

/**
 * Creates the LSTM model (weights seeded from `seed`, unit forget-gate bias as tfjs-layers does).
 * Its input is time-major: `batch.steps`, one [batch, features] tensor per step.
 * @example
 * const model = createLstmModel({ features: 16, window: 32, units: 32, seed: 1 });
 * const logits = model.logits({ steps }, false);
 */
export function createLstmModel(input: z.input<typeof LstmConfigSchema>): SequenceModel & { config: LstmConfig } {
  const config = LstmConfigSchema.parse(input);
  const { features, units, seed } = config;
  const forgetBias = new Float32Array(4 * units);
  forgetBias.fill(1, units, 2 * units);
  const weights: NamedWeight[] = [
    createWeight('lstm/kernel', [features, 4 * units], 'glorot', seed),
    createWeight('lstm/recurrent_kernel', [units, 4 * units], 'glorot', seed),
    createWeight('lstm/bias', [4 * units], forgetBias, seed),
    createWeight('head/kernel', [units, 1], 'glorot', seed),
    createWeight('head/bias', [1], 'zeros', seed),
  ];
  const kernel = weightNamed(weights, 'lstm/kernel') as tf.Variable<tf.Rank.R2>;
  const recurrentKernel = weightNamed(weights, 'lstm/recurrent_kernel') as tf.Variable<tf.Rank.R2>;
  const bias = weightNamed(weights, 'lstm/bias') as tf.Variable<tf.Rank.R1>;
  const headKernel = weightNamed(weights, 'head/kernel');
  const headBias = weightNamed(weights, 'head/bias');
  return {
    kind: 'lstm',
    layout: 'time-major',
    config,
    weights,
    logits(batch: ModelBatch, training: boolean): tf.Tensor1D {
      return tf.tidy(() => {
        if (batch.steps === undefined) throw new Error('the LSTM takes time-major batches (batch.steps)');
        const h = lstmSequence(batch.steps, { kernel, recurrentKernel, bias }, { training });
        return tf.reshape(tf.add(tf.matMul(h, headKernel), headBias), [-1]) as tf.Tensor1D;
      });
    },
    trainableVariables: () => weights.map((w) => w.variable),
    dispose: () => weights.forEach((w) => w.variable.dispose()),
  };
}
