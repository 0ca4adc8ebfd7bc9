import { z } from 'zod';
import { Sha256Schema } from './dataset-manifest.js';

/** A run id: `run-` + 16 lowercase hex (legacy runs: `legacy-` + 16 hex). Never a path. */
export const RunIdSchema = z
  .string()
  .regex(/^(run|legacy)-[0-9a-f]{16}$/, 'run id must be run-<16 hex> or legacy-<16 hex>');
export type RunId = z.infer<typeof RunIdSchema>;

/** One artifact file of a run with its hash and size. */
export const ArtifactEntrySchema = z
  .object({ file: z.string().regex(/^[A-Za-z0-9._-]+$/), sha256: Sha256Schema, bytes: z.number().int().nonnegative() })
  .strict();
export type ArtifactEntry = z.infer<typeof ArtifactEntrySchema>;

/** One input dataset of a run, named by content id. */
export const RunInputSchema = z
  .object({
    symbol: z.string(),
    timeframe: z.string(),
    contentId: Sha256Schema,
    rows: z.number().int().nonnegative(),
    first: z.string().nullable(),
    last: z.string().nullable(),
    gapCount: z.number().int().nonnegative(),
    source: z.string(),
    /** The span of the window these bars cover: [first bar's open, last bar's close). */
    covered: z.object({ since: z.string(), until: z.string() }).strict().optional(),
  })
  .strict();
export type RunInput = z.infer<typeof RunInputSchema>;

/** `<RUNS_ROOT>/<runId>/manifest.json`: everything needed to reproduce and check a run. No wall-clock times. */
export const RunManifestSchema = z
  .object({
    schemaVersion: z.literal(1),
    id: RunIdSchema,
    config: z.record(z.string(), z.unknown()),
    inputs: z.array(RunInputSchema),
    engineVersion: z.string(),
    packages: z.record(z.string(), z.string()),
    artifacts: z.array(ArtifactEntrySchema),
  })
  .strict();
export type RunManifest = z.infer<typeof RunManifestSchema>;
