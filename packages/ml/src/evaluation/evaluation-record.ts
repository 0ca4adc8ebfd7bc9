import { z } from 'zod';
import { BuffError, Sha256Schema } from '@buff/core';
import { GatesSchema } from './gates.js';
import { EvaluationMetricsSchema } from './metrics.js';

const RangeSchema = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]);
const SplitSchema = z
  .object({ train: RangeSchema, val: RangeSchema, test: RangeSchema, gap: z.number().int().nonnegative().optional() })
  .strict();

/**
 * `evaluation.json` in a model folder: the held-out test metrics after calibration, the gates
 * applied and their outcome. The ModelRegistry attaches it to a version; promotion requires
 * `passed: true`.
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
