import { z } from 'zod';
import { BuffError } from '../errors.js';
import { Sha256Schema } from './dataset-manifest.js';

/** Confusion counts with up (1) as the positive class; the prediction is up when p >= 0.5. */
export const ConfusionSchema = z
  .object({
    tp: z.number().int().nonnegative(),
    fp: z.number().int().nonnegative(),
    tn: z.number().int().nonnegative(),
    fn: z.number().int().nonnegative(),
  })
  .strict();
export type Confusion = z.infer<typeof ConfusionSchema>;

/** Metrics of predicted up-probabilities against direction labels. */
export const EvaluationMetricsSchema = z
  .object({
    count: z.number().int().nonnegative(),
    accuracy: z.number(),
    balancedAccuracy: z.number(),
    logLoss: z.number(),
    brier: z.number(),
    ece: z.number(),
    confusion: ConfusionSchema,
  })
  .strict();
export type EvaluationMetrics = z.infer<typeof EvaluationMetricsSchema>;

/** Promotion gates (DESIGN.md "ML"): accuracy and calibration error on held-out test data. */
export const GatesSchema = z
  .object({
    minAccuracy: z.number().min(0).max(1).default(0.68),
    maxCalibrationError: z.number().min(0).max(1).default(0.05),
  })
  .strict();
export type Gates = z.infer<typeof GatesSchema>;

const RangeSchema = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]);
const SplitSchema = z
  .object({ train: RangeSchema, val: RangeSchema, test: RangeSchema, gap: z.number().int().nonnegative().optional() })
  .strict();

/**
 * `evaluation.json` in a model folder: the held-out test metrics after calibration, the gates
 * applied and their outcome. The ModelRegistry attaches it to a version; promotion requires
 * `passed: true`. It lives in core because both the trainer (ml) and the promotion policy
 * (registry) read it.
 */
export const EvaluationRecordSchema = z
  .object({
    schemaVersion: z.literal(1).default(1),
    modelId: z.string().min(1),
    /** Content ids of the datasets evaluated on. */
    datasets: z.array(Sha256Schema).min(1),
    /** Row ranges of the (first) dataset; `splits` lists every dataset's when there are several. */
    split: SplitSchema,
    splits: z.array(SplitSchema.extend({ contentId: Sha256Schema })).optional(),
    metrics: EvaluationMetricsSchema,
    /** Test metrics before temperature scaling, for comparison. */
    uncalibratedMetrics: EvaluationMetricsSchema.optional(),
    calibration: z.object({ temperature: z.number().positive() }).strict(),
    gates: GatesSchema,
    passed: z.boolean(),
    failures: z.array(z.string()),
  })
  .strict();
export type EvaluationRecord = z.infer<typeof EvaluationRecordSchema>;
export type EvaluationRecordInput = z.input<typeof EvaluationRecordSchema>;

/**
 * Validates an evaluation record (INVALID_INPUT naming the key and the source on failure).
 * @example const record = parseEvaluationRecord(JSON.parse(text), 'models/x/evaluation.json');
 */
export function parseEvaluationRecord(value: unknown, source = 'evaluation'): EvaluationRecord {
  const parsed = EvaluationRecordSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path.join('.') ?? '';
    throw new BuffError('INVALID_INPUT', `${source}: ${key}: ${issue?.message ?? 'invalid evaluation record'}`, {
      details: { file: source, key, issues: parsed.error.issues },
    });
  }
  return parsed.data;
}
