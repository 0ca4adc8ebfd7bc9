/**
 * `@buff/ml/inference`: load a trained model and score bars with it, without the training code
 * (the engine's `model-signal` strategy and the dry-run runtime import only this entry).
 */
export { loadInferenceModel, createInferenceModel } from './inference-model.js';
export type { InferenceModel } from './inference-model.js';
export type { WindowScorer } from './window-scorer.js';
export { lstmLogit } from './lstm-forward.js';
export type { LstmArrays } from './lstm-forward.js';
export { readCheckpointArrays } from './checkpoint-arrays.js';
export type { CheckpointArrays } from './checkpoint-arrays.js';
