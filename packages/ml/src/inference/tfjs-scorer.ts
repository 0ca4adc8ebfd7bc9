import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../backend.js';
import { loadCheckpoint } from '../checkpoint.js';
import type { ModelCard } from '@buff/core';
import type { WindowScorer } from './window-scorer.js';

/**
 * A TensorFlow.js scorer for models without a plain-JavaScript forward pass (the transformer):
 * the backend the model was trained on when it is available, else the best one there is.
 * @example const { scorer } = await loadTfjsScorer(dir, card);
 */
export async function loadTfjsScorer(
  dir: string,
  card: ModelCard,
): Promise<{ scorer: WindowScorer; backend: string; dispose: () => void }> {
  const choice = await selectBackend({ prefer: card.backend.name }).catch(() => selectBackend());
  const model = await loadCheckpoint(dir);
  const features = card.features.names.length;
  const scorer: WindowScorer = (rows, symbolIndex) => {
    const logits = tf.tidy(() => {
      const batch =
        model.layout === 'batch-major'
          ? { x: tf.tensor3d(rows, [1, card.window, features]) }
          : {
              steps: Array.from({ length: card.window }, (_, s) =>
                tf.tensor2d(rows.subarray(s * features, (s + 1) * features), [1, features]),
              ),
            };
      return model.logits({ ...batch, symbols: tf.tensor1d([symbolIndex], 'int32') }, false);
    });
    const value = logits.dataSync()[0] as number;
    logits.dispose();
    return value;
  };
  return { scorer, backend: choice.name, dispose: () => model.dispose() };
}
