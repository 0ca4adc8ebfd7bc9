import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { contentId } from './content-id.js';
import { BuffError } from './errors.js';
import { parseOrThrow } from './parse-or-throw.js';
import { Sha256Schema } from './schemas/dataset-manifest.js';
import { TimeframeSchema } from './timeframe.js';

export const MODEL_CARD_FILE = 'model-card.json';

const RangeSchema = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]);

/** One input dataset of a model, by content id: the bars table (and its 1m source) and the features. */
export const ModelDatasetSchema = z
  .object({
    symbol: z.string().min(1),
    timeframe: TimeframeSchema,
    /** Content id of the bars table trained on. */
    contentId: Sha256Schema,
    /** Content id of the symbol's canonical 1m table it derives from. */
    source1mContentId: Sha256Schema,
    /** Content id of the stored feature table. */
    featuresContentId: Sha256Schema,
    split: z
      .object({ train: RangeSchema, val: RangeSchema, test: RangeSchema, gap: z.number().int().nonnegative() })
      .strict(),
    samples: z.object({ train: z.number().int(), val: z.number().int(), test: z.number().int() }).strict(),
  })
  .strict();

const EpochSchema = z
  .object({ epoch: z.number().int(), loss: z.number(), valLoss: z.number(), valAccuracy: z.number() })
  .strict();

/**
 * `model-card.json`: everything that determines a trained model, and nothing wall-clock. Its
 * content id (sha256 of the canonical JSON without `modelId`) names the model folder. It lives in
 * core because both the trainer (ml) and the promotion policy (registry) read it.
 */
export const ModelCardSchema = z
  .object({
    schemaVersion: z.literal(1),
    modelId: z.string().regex(/^[0-9a-f]{16}$/),
    name: z.string().min(1),
    kind: z.enum(['lstm', 'transformer']),
    symbols: z.array(z.string().min(1)).min(1),
    timeframe: TimeframeSchema,
    datasets: z.array(ModelDatasetSchema).min(1),
    features: z
      .object({
        names: z.array(z.string()).min(1),
        options: z.record(z.string(), z.unknown()),
        standardizer: z.object({ mean: z.array(z.number()), std: z.array(z.number()) }).strict(),
      })
      .strict(),
    window: z.number().int().min(1),
    horizon: z.number().int().min(1),
    deadZone: z.number().min(0),
    seed: z.number().int(),
    model: z.record(z.string(), z.unknown()),
    backend: z.object({ name: z.enum(['tensorflow', 'wasm', 'cpu']) }).strict(),
    training: z
      .object({
        epochs: z.number().int(),
        epochsRun: z.number().int(),
        batchSize: z.number().int(),
        learningRate: z.number(),
        patience: z.number().int(),
        bestEpoch: z.number().int(),
        bestValLoss: z.number(),
        stoppedEarly: z.boolean(),
        history: z.array(EpochSchema),
      })
      .strict(),
    calibration: z.object({ temperature: z.number().positive() }).strict(),
    splitOptions: z.object({ trainFrac: z.number(), valFrac: z.number() }).strict(),
    packages: z.record(z.string(), z.string()),
  })
  .strict();
export type ModelCard = z.infer<typeof ModelCardSchema>;

/**
 * The model id: first 16 hex of the content id of the card without its `modelId`.
 * @example card.modelId = modelIdOf(card);
 */
export function modelIdOf(card: Omit<ModelCard, 'modelId'> & { modelId?: string }): string {
  const { modelId: _ignored, ...content } = card;
  return contentId(content).slice(0, 16);
}

/**
 * Reads and validates `<dir>/model-card.json` (CORRUPT_ARTIFACT naming the file and key).
 * @example const card = readModelCard('models/lstm-BTC-USD-1m/0123456789abcdef');
 */
export function readModelCard(dir: string): ModelCard {
  const file = join(dir, MODEL_CARD_FILE);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new BuffError('CORRUPT_ARTIFACT', `${file} is missing or not valid JSON`, {
      cause: err,
      details: { file, rule: 'MODEL_CARD' },
    });
  }
  const card = parseOrThrow(ModelCardSchema, value, 'CORRUPT_ARTIFACT', { what: file, file, rule: 'MODEL_CARD' });
  if (modelIdOf(card) !== card.modelId) {
    throw new BuffError(
      'CORRUPT_ARTIFACT',
      `${file}: modelId ${card.modelId} does not match its content (${modelIdOf(card)})`,
      { details: { file, key: 'modelId', rule: 'MODEL_CARD' } },
    );
  }
  return card;
}
