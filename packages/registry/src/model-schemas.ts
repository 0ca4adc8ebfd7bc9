import { z } from 'zod';

/** A model name: a folder name, never a path. */
export const ModelNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'a model name is 1-64 of A-Z a-z 0-9 . _ - starting with a letter or digit',
  );

/** The aliases a model version can hold. */
export const ModelAliasSchema = z.enum(['champion', 'candidate']);
export type ModelAlias = z.infer<typeof ModelAliasSchema>;

/** The evaluation attached to a version; only `passed: true` lets it be promoted. Other fields are kept as given. */
export const ModelEvaluationSchema = z.looseObject({ passed: z.boolean() });
export type ModelEvaluation = z.infer<typeof ModelEvaluationSchema>;

/** One registered version of a model: its copied folder, card and evaluation. */
export const ModelVersionSchema = z
  .object({
    name: ModelNameSchema,
    version: z.number().int().positive(),
    dir: z.string(),
    card: z.record(z.string(), z.unknown()),
    evaluation: ModelEvaluationSchema.nullable(),
    registeredAt: z.string(),
  })
  .strict();
export type ModelVersion = z.infer<typeof ModelVersionSchema>;

/** Where an alias points, and the versions it pointed to before (for rollback). */
export const AliasRecordSchema = z
  .object({
    name: ModelNameSchema,
    alias: ModelAliasSchema,
    version: z.number().int().positive(),
    previous: z.array(z.number().int().positive()),
  })
  .strict();
export type AliasRecord = z.infer<typeof AliasRecordSchema>;
