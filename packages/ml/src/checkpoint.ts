import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BuffError, parseOrThrow, sha256Hex, writeFileAtomic, type ParseSource } from '@buff/core';
import { createLstmModel, LstmConfigSchema } from './models/lstm-model.js';
import type { SequenceModel } from './models/sequence-model.js';
import { createTransformerModel, TransformerConfigSchema } from './models/transformer-model.js';

export const CHECKPOINT_MODEL_FILE = 'model.json';
export const CHECKPOINT_WEIGHTS_FILE = 'weights.bin';
const FORMAT = 'buff-sequence-model';

/**
 * A tfjs IO handler that saves `model.json` (topology + weights manifest + sha256 of the weights)
 * and `weights.bin` into `dir`, each file atomically (weights first, so a model.json never names
 * weights that are not there). Usable with `LayersModel.save(handler)` too.
 * @example await fileSaveHandler('models/lstm/abc').save(artifacts);
 */
export function fileSaveHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const weights = new Uint8Array(
        tf.io.concatenateArrayBuffers(artifacts.weightData === undefined ? [] : [artifacts.weightData].flat()),
      );
      writeFileAtomic(join(dir, CHECKPOINT_WEIGHTS_FILE), weights);
      const modelJson = {
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [CHECKPOINT_WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
        userDefinedMetadata: { ...(artifacts.userDefinedMetadata ?? {}), weightsSha256: sha256Hex(weights) },
      };
      const text = `${JSON.stringify(modelJson, null, 2)}\n`;
      writeFileAtomic(join(dir, CHECKPOINT_MODEL_FILE), text);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(0),
          modelTopologyType: 'JSON',
          modelTopologyBytes: text.length,
          weightDataBytes: weights.byteLength,
        },
      };
    },
  };
}

/**
 * The matching load handler: reads and verifies `model.json` + `weights.bin` (CORRUPT_ARTIFACT
 * naming the file when either is missing, unparsable or does not match its sha256).
 * @example const artifacts = await fileLoadHandler('models/lstm/abc').load();
 */
export function fileLoadHandler(dir: string): tf.io.IOHandler {
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      const modelPath = join(dir, CHECKPOINT_MODEL_FILE);
      const weightsPath = join(dir, CHECKPOINT_WEIGHTS_FILE);
      let modelJson: tf.io.ModelJSON;
      try {
        modelJson = JSON.parse(readFileSync(modelPath, 'utf8')) as tf.io.ModelJSON;
      } catch (err) {
        throw corrupt(modelPath, `checkpoint ${modelPath} is missing or not valid JSON`, err);
      }
      const manifest = modelJson.weightsManifest?.[0];
      if (modelJson.modelTopology === undefined || manifest === undefined)
        throw corrupt(modelPath, `checkpoint ${modelPath} has no modelTopology or weightsManifest`);
      let weights: Buffer;
      try {
        weights = readFileSync(weightsPath);
      } catch (err) {
        throw corrupt(weightsPath, `checkpoint weights ${weightsPath} are missing`, err);
      }
      const expected = (modelJson.userDefinedMetadata as { weightsSha256?: string } | undefined)?.weightsSha256;
      const actual = sha256Hex(weights);
      if (expected !== actual)
        throw corrupt(
          weightsPath,
          `checkpoint weights ${weightsPath} have sha256 ${actual.slice(0, 12)}, model.json expects ${String(expected).slice(0, 12)}`,
        );
      return {
        modelTopology: modelJson.modelTopology,
        format: modelJson.format,
        generatedBy: modelJson.generatedBy,
        weightSpecs: manifest.weights,
        weightData: new Uint8Array(weights).buffer,
        userDefinedMetadata: modelJson.userDefinedMetadata,
      };
    },
  };
}

/**
 * Saves a model's weights and its kind/config as a checkpoint folder.
 * @example await saveCheckpoint('models/lstm-BTC-USD-1m/0123abcd', model);
 */
export async function saveCheckpoint(dir: string, model: SequenceModel & { config: unknown }): Promise<void> {
  const named: tf.NamedTensorMap = {};
  for (const w of model.weights) named[w.name] = w.variable;
  const { data, specs } = await tf.io.encodeWeights(named);
  await fileSaveHandler(dir).save!({
    format: FORMAT,
    generatedBy: `@tensorflow/tfjs ${tf.version.tfjs}`,
    modelTopology: { kind: model.kind, config: model.config } as unknown as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: specs,
    weightData: data,
  });
}

/**
 * Loads a checkpoint folder into a fresh model (CORRUPT_ARTIFACT when the files are damaged or
 * do not fit the model they describe).
 * @example const model = await loadCheckpoint('models/lstm-BTC-USD-1m/0123abcd');
 */
export async function loadCheckpoint(dir: string): Promise<SequenceModel & { config: unknown }> {
  const artifacts = await fileLoadHandler(dir).load!();
  const modelPath = join(dir, CHECKPOINT_MODEL_FILE);
  const topology = artifacts.modelTopology as { kind?: string; config?: unknown } | undefined;
  if (artifacts.format !== FORMAT || topology === undefined)
    throw corrupt(modelPath, `checkpoint ${modelPath} is not a ${FORMAT}`);
  let model: SequenceModel & { config: unknown };
  if (topology.kind === 'lstm') {
    model = createLstmModel(parseOrThrow(LstmConfigSchema, topology.config, 'CORRUPT_ARTIFACT', configOf(modelPath)));
  } else if (topology.kind === 'transformer') {
    model = createTransformerModel(
      parseOrThrow(TransformerConfigSchema, topology.config, 'CORRUPT_ARTIFACT', configOf(modelPath)),
    );
  } else {
    throw corrupt(modelPath, `checkpoint ${modelPath}: unknown model kind ${String(topology.kind)}`);
  }
  let tensors: tf.NamedTensorMap;
  try {
    tensors = tf.io.decodeWeights(artifacts.weightData as ArrayBuffer, artifacts.weightSpecs ?? []);
  } catch (err) {
    model.dispose();
    throw corrupt(
      join(dir, CHECKPOINT_WEIGHTS_FILE),
      `checkpoint weights do not decode: ${(err as Error).message}`,
      err,
    );
  }
  try {
    for (const w of model.weights) {
      const t = tensors[w.name];
      if (t === undefined || t.shape.join('x') !== w.variable.shape.join('x')) {
        throw corrupt(
          modelPath,
          `checkpoint ${modelPath}: weight ${w.name} is ${t === undefined ? 'missing' : `shaped ${t.shape.join('x')}`}, the model needs ${w.variable.shape.join('x')}`,
        );
      }
      w.variable.assign(t);
    }
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    Object.values(tensors).forEach((t) => t.dispose());
  }
  return model;
}

/** Where a checkpoint's model config is, for parseOrThrow. */
function configOf(modelPath: string): ParseSource {
  return { what: `checkpoint ${modelPath}: model config`, file: modelPath, rule: 'CHECKPOINT', path: ['config'] };
}

function corrupt(file: string, message: string, cause?: unknown): BuffError {
  return new BuffError('CORRUPT_ARTIFACT', message, { cause, details: { file, rule: 'CHECKPOINT' } });
}
