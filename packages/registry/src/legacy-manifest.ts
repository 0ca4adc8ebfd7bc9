import { z } from 'zod';
import { ArtifactEntrySchema, RunIdSchema } from '@buff/core';
import { HeadlineMetricsSchema } from './run-record.js';

/**
 * `legacy.json`, written beside the untouched original files when a Phase-1 run is migrated
 * into RUNS_ROOT: where it came from, the files with their hashes, and what a listing shows.
 * No wall-clock time: the folder's mtime keeps the original folder's.
 */
export const LegacyManifestSchema = z
  .object({
    schemaVersion: z.literal(1),
    kind: z.literal('legacy-run'),
    id: RunIdSchema,
    importedFrom: z.string(),
    files: z.array(ArtifactEntrySchema),
    listing: z
      .object({
        name: z.string(),
        strategy: z.string(),
        symbols: z.array(z.string()),
        timeframe: z.string(),
        window: z.object({ since: z.string().nullable(), until: z.string().nullable() }).strict(),
        metrics: HeadlineMetricsSchema,
      })
      .strict(),
  })
  .strict();
export type LegacyManifest = z.infer<typeof LegacyManifestSchema>;
