import { z } from 'zod';
import { parseOrThrow } from '../parse-or-throw.js';
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

/**
 * Promotion gates (DESIGN.md "ML") on held-out test data: accuracy and calibration error, the
 * Wilson lower bound of the accuracy at `confidence` at or above `minAccuracy`, and (with
 * `beatBaselines`) a better accuracy than every baseline by McNemar's exact test at p < `maxPValue`.
 */
export const GatesSchema = z
  .object({
    minAccuracy: z.number().min(0).max(1).default(0.68),
    maxCalibrationError: z.number().min(0).max(1).default(0.05),
    beatBaselines: z.boolean().default(true),
    maxPValue: z.number().gt(0).max(1).default(0.05),
    confidence: z.union([z.literal(0.9), z.literal(0.95), z.literal(0.99)]).default(0.95),
  })
  .strict();
export type Gates = z.infer<typeof GatesSchema>;

/** The current champion of the same model name, scored on the same test samples. */
export const ChampionBaselineSchema = EvaluationMetricsSchema.extend({
  name: z.string().min(1),
  version: z.number().int().positive(),
  modelId: z.string().min(1),
});
export type ChampionBaseline = z.infer<typeof ChampionBaselineSchema>;

/** Baselines scored on the same test samples as the model. */
export const BaselinesSchema = z
  .object({
    /** The training split's majority class, with its training rate as the probability. */
    majority: EvaluationMetricsSchema,
    /** The last bar's direction, with the training rate at which a direction persisted as the probability. */
    persistence: EvaluationMetricsSchema,
    champion: ChampionBaselineSchema.optional(),
  })
  .strict();
export type Baselines = z.infer<typeof BaselinesSchema>;

/** McNemar's exact test of the model against one baseline on the same samples. */
export const SignificanceSchema = z
  .object({
    against: z.enum(['majority', 'persistence', 'champion']),
    pValue: z.number().min(0).max(1),
    /** Samples only the model got right / only the baseline got right. */
    modelOnly: z.number().int().nonnegative(),
    baselineOnly: z.number().int().nonnegative(),
    /** The model's accuracy is higher and p < maxPValue. */
    beaten: z.boolean(),
  })
  .strict();
export type Significance = z.infer<typeof SignificanceSchema>;

const IntervalSchema = z.object({ value: z.number(), lower: z.number(), upper: z.number() }).strict();

/**
 * Temperature scaling and what it did to the test ECE: both values with a seeded bootstrap 95%
 * interval. When scaling made the ECE worse beyond the uncalibrated interval, `scalingWorse` says
 * so and the ECE gate uses the better (uncalibrated) figure: `gateEce`.
 */
export const CalibrationSchema = z
  .object({
    temperature: z.number().positive(),
    eceBefore: IntervalSchema,
    eceAfter: IntervalSchema,
    scalingWorse: z.boolean(),
    gateEce: z.number(),
  })
  .strict();
export type Calibration = z.infer<typeof CalibrationSchema>;

const RangeSchema = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]);
const SplitSchema = z
  .object({ train: RangeSchema, val: RangeSchema, test: RangeSchema, gap: z.number().int().nonnegative().optional() })
  .strict();

/**
 * `evaluation.json` in a model folder: the held-out test metrics after calibration, the gates
 * applied and their outcome, the baselines and significance tests they used. Schema version 2
 * added the baselines; a version 1 record is refused (evaluate the model again). The
 * ModelRegistry attaches it to a version; promotion requires `passed: true`. It lives in core because both the trainer (ml) and the promotion policy
 * (registry) read it.
 */
export const EvaluationRecordSchema = z
  .object({
    schemaVersion: z.literal(2).default(2),
    modelId: z.string().min(1),
    /** Content ids of the datasets evaluated on. */
    datasets: z.array(Sha256Schema).min(1),
    /** Row ranges of the (first) dataset; `splits` lists every dataset's when there are several. */
    split: SplitSchema,
    splits: z.array(SplitSchema.extend({ contentId: Sha256Schema })).optional(),
    metrics: EvaluationMetricsSchema,
    /** Test metrics before temperature scaling, for comparison. */
    uncalibratedMetrics: EvaluationMetricsSchema.optional(),
    calibration: CalibrationSchema,
    baselines: BaselinesSchema,
    significance: z.array(SignificanceSchema),
    /** Wilson interval of the test accuracy at the gates' confidence. */
    accuracyInterval: z.object({ confidence: z.number(), lower: z.number(), upper: z.number() }).strict(),
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
  return parseOrThrow(EvaluationRecordSchema, value, 'INVALID_INPUT', { what: source, file: source });
}
