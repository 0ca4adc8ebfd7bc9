import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BuffError, sha256Hex } from '@buff/core';

/** A checkpoint read without TensorFlow.js: its topology and every weight as a Float32Array by name. */
export interface CheckpointArrays {
  kind: string;
  config: Record<string, unknown>;
  weights: Map<string, { shape: number[]; values: Float32Array }>;
}

interface ModelJson {
  format?: string;
  modelTopology?: { kind?: string; config?: Record<string, unknown> };
  weightsManifest?: Array<{ weights: Array<{ name: string; shape: number[]; dtype: string }> }>;
  userDefinedMetadata?: { weightsSha256?: string };
}

/**
 * Reads `model.json` and `weights.bin` of a checkpoint folder (as `saveCheckpoint` writes them),
 * checking the weights' sha256; CORRUPT_ARTIFACT naming the file otherwise.
 * @example const { kind, weights } = readCheckpointArrays('models/lstm/v1');
 */
export function readCheckpointArrays(dir: string): CheckpointArrays {
  const modelPath = join(dir, 'model.json');
  const weightsPath = join(dir, 'weights.bin');
  let json: ModelJson;
  let bytes: Buffer;
  try {
    json = JSON.parse(readFileSync(modelPath, 'utf8')) as ModelJson;
    bytes = readFileSync(weightsPath);
  } catch (err) {
    throw corrupt(modelPath, `checkpoint in ${dir} is missing or not valid JSON: ${(err as Error).message}`, err);
  }
  const specs = json.weightsManifest?.[0]?.weights;
  const topology = json.modelTopology;
  if (json.format !== 'buff-sequence-model' || topology?.kind === undefined || specs === undefined)
    throw corrupt(modelPath, `checkpoint ${modelPath} is not a buff-sequence-model`);
  if (json.userDefinedMetadata?.weightsSha256 !== sha256Hex(bytes))
    throw corrupt(weightsPath, `checkpoint weights ${weightsPath} do not match the sha256 in model.json`);
  const weights = new Map<string, { shape: number[]; values: Float32Array }>();
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.dtype !== 'float32' || offset + count * 4 > bytes.length)
      throw corrupt(weightsPath, `checkpoint weight ${spec.name} is not float32 or runs past the file`);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = bytes.readFloatLE(offset + i * 4);
    weights.set(spec.name, { shape: spec.shape, values });
    offset += count * 4;
  }
  return { kind: topology.kind, config: topology.config ?? {}, weights };
}

function corrupt(file: string, message: string, cause?: unknown): BuffError {
  return new BuffError('CORRUPT_ARTIFACT', message, { cause, details: { file, rule: 'CHECKPOINT' } });
}
