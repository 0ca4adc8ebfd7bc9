import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { createWeight, weightNamed, type ModelBatch, type NamedWeight, type SequenceModel } from './sequence-model.js';
import { seededRandom } from './seeded-random.js';

/** Shape and seed of the transformer over all symbols. */
export const TransformerConfigSchema = z
  .object({
    features: z.number().int().min(1),
    window: z.number().int().min(1),
    /** Number of symbols (rows of the symbol embedding). */
    symbols: z.number().int().min(1),
    dModel: z.number().int().min(4).max(512).default(32),
    heads: z.number().int().min(1).max(16).default(4),
    blocks: z.number().int().min(1).max(12).default(2),
    ffUnits: z.number().int().min(1).max(4096).default(64),
    seed: z.number().int().default(42),
  })
  .strict()
  .refine((c) => c.dModel % c.heads === 0, { message: 'dModel must be a multiple of heads', path: ['heads'] });
export type TransformerConfig = z.infer<typeof TransformerConfigSchema>;

/** Sinusoidal positional encoding [window, dModel] (Vaswani et al. 2017). */
export function positionalEncoding(window: number, dModel: number): Float32Array {
  const out = new Float32Array(window * dModel);
  for (let pos = 0; pos < window; pos++) {
    for (let i = 0; i < dModel; i++) {
      const angle = pos / 10_000 ** ((2 * Math.floor(i / 2)) / dModel);
      out[pos * dModel + i] = i % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return out;
}

/**
 * Creates the transformer: input projection + sinusoidal positional encoding + a learned symbol
 * embedding, then `blocks` pre-norm encoder blocks (multi-head self-attention, feed-forward,
 * residuals, layer norms) and a logit from the last position. tfjs-layers has no attention
 * layer, so the model is plain tf ops over seeded tf.Variables, differentiated by tf.variableGrads.
 * Input is batch-major: `batch.x` [batch, window, features] and `batch.symbols` int32 [batch].
 * @example
 * const model = createTransformerModel({ features: 8, window: 32, symbols: 2, seed: 1 });
 */
export function createTransformerModel(
  input: z.input<typeof TransformerConfigSchema>,
): SequenceModel & { config: TransformerConfig } {
  const config = TransformerConfigSchema.parse(input);
  const { features, window, dModel, blocks } = config;
  const weights = transformerWeights(config);
  const w = (name: string): tf.Variable => weightNamed(weights, name);
  const positions = tf.keep(tf.tensor2d(positionalEncoding(window, dModel), [window, dModel]));
  const { layerNorm, encoderBlock } = transformerLayers(config, w);

  return {
    kind: 'transformer',
    layout: 'batch-major',
    config,
    weights,
    logits(batch: ModelBatch): tf.Tensor1D {
      if (batch.x === undefined || batch.symbols === undefined)
        throw new Error('the transformer takes batch-major batches with symbols');
      const x = batch.x;
      const symbols = batch.symbols;
      return tf.tidy(() => {
        const size = x.shape[0];
        const projected = tf.add(
          tf.matMul(tf.reshape(x, [size * window, features]), w('input/kernel')),
          w('input/bias'),
        );
        // one-hot · embedding rather than gather: gather's gradient kernel is missing on WASM
        const symbol = tf.expandDims(
          tf.matMul(tf.cast(tf.oneHot(symbols, config.symbols), 'float32'), w('symbol_embedding')),
          1,
        );
        let h = tf.reshape(tf.add(tf.add(tf.reshape(projected, [size, window, dModel]), positions), symbol), [
          size * window,
          dModel,
        ]) as tf.Tensor2D;
        for (let b = 0; b < blocks; b++) h = encoderBlock(h, size, `block${b}/`);
        const last = tf.reshape(
          tf.slice(tf.reshape(h, [size, window, dModel]), [0, window - 1, 0], [size, 1, dModel]),
          [size, dModel],
        ) as tf.Tensor2D;
        const out = tf.add(tf.matMul(layerNorm(last, 'final_ln'), w('head/kernel')), w('head/bias'));
        return tf.reshape(out, [size]) as tf.Tensor1D;
      });
    },
    trainableVariables: () => weights.map((x) => x.variable),
    dispose: () => {
      weights.forEach((x) => x.variable.dispose());
      positions.dispose();
    },
  };
}

/** The model's seeded weights, in checkpoint order: input projection, symbol embedding, blocks, head. */
function transformerWeights(config: TransformerConfig): NamedWeight[] {
  const { features, dModel, blocks, ffUnits, seed } = config;
  const embedding = new Float32Array(config.symbols * dModel);
  const rng = seededRandom(seed, 'symbol_embedding');
  for (let i = 0; i < embedding.length; i++) embedding[i] = (rng.next() * 2 - 1) * 0.05;
  const weights: NamedWeight[] = [
    createWeight('input/kernel', [features, dModel], 'glorot', seed),
    createWeight('input/bias', [dModel], 'zeros', seed),
    createWeight('symbol_embedding', [config.symbols, dModel], embedding, seed),
  ];
  for (let b = 0; b < blocks; b++) {
    const p = `block${b}/`;
    weights.push(
      createWeight(`${p}ln1/gamma`, [dModel], 'ones', seed),
      createWeight(`${p}ln1/beta`, [dModel], 'zeros', seed),
      createWeight(`${p}query`, [dModel, dModel], 'glorot', seed),
      createWeight(`${p}key`, [dModel, dModel], 'glorot', seed),
      createWeight(`${p}value`, [dModel, dModel], 'glorot', seed),
      createWeight(`${p}output`, [dModel, dModel], 'glorot', seed),
      createWeight(`${p}ln2/gamma`, [dModel], 'ones', seed),
      createWeight(`${p}ln2/beta`, [dModel], 'zeros', seed),
      createWeight(`${p}ff1/kernel`, [dModel, ffUnits], 'glorot', seed),
      createWeight(`${p}ff1/bias`, [ffUnits], 'zeros', seed),
      createWeight(`${p}ff2/kernel`, [ffUnits, dModel], 'glorot', seed),
      createWeight(`${p}ff2/bias`, [dModel], 'zeros', seed),
    );
  }
  weights.push(
    createWeight('final_ln/gamma', [dModel], 'ones', seed),
    createWeight('final_ln/beta', [dModel], 'zeros', seed),
    createWeight('head/kernel', [dModel, 1], 'glorot', seed),
    createWeight('head/bias', [1], 'zeros', seed),
  );
  return weights;
}

/** The layer norm and the pre-norm encoder block over the weights `w` names. */
function transformerLayers(config: TransformerConfig, w: (name: string) => tf.Variable) {
  const { window, dModel, heads } = config;
  const headSize = dModel / heads;
  const layerNorm = (x: tf.Tensor2D, prefix: string): tf.Tensor2D => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(
      tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), w(`${prefix}/gamma`)),
      w(`${prefix}/beta`),
    );
  };
  /** [batch * window, dModel] -> [batch, heads, window, headSize] */
  const splitHeads = (x: tf.Tensor2D, batch: number, perm: number[]): tf.Tensor4D =>
    tf.transpose(tf.reshape(x, [batch, window, heads, headSize]), perm);

  const encoderBlock = (h: tf.Tensor2D, batch: number, p: string): tf.Tensor2D => {
    const a = layerNorm(h, `${p}ln1`);
    const q = splitHeads(tf.matMul(a, w(`${p}query`)), batch, [0, 2, 1, 3]);
    const kT = splitHeads(tf.matMul(a, w(`${p}key`)), batch, [0, 2, 3, 1]);
    const v = splitHeads(tf.matMul(a, w(`${p}value`)), batch, [0, 2, 1, 3]);
    const attention = tf.softmax(tf.mul(tf.matMul(q, kT), 1 / Math.sqrt(headSize)));
    const context = tf.reshape(tf.transpose(tf.matMul(attention, v), [0, 2, 1, 3]), [batch * window, dModel]);
    const h1 = tf.add(h, tf.matMul(context, w(`${p}output`))) as tf.Tensor2D;
    const f = tf.relu(tf.add(tf.matMul(layerNorm(h1, `${p}ln2`), w(`${p}ff1/kernel`)), w(`${p}ff1/bias`)));
    return tf.add(h1, tf.add(tf.matMul(f, w(`${p}ff2/kernel`)), w(`${p}ff2/bias`))) as tf.Tensor2D;
  };
  return { layerNorm, encoderBlock };
}
