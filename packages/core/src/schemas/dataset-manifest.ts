import { z } from 'zod';
import { TimeframeSchema } from '../timeframe.js';
import { SymbolSchema } from './ingest-options.js';

/** A sha256 in lowercase hex. */
export const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 hex');

/** One stored Arrow file of a symbol (bars or features): its timeframe, name, content id and size. */
export const StoredTableSchema = z
  .object({
    timeframe: TimeframeSchema,
    file: z.string(),
    contentId: Sha256Schema,
    bytes: z.number().int().nonnegative(),
    rows: z.number().int().nonnegative(),
  })
  .strict();
export type StoredTable = z.infer<typeof StoredTableSchema>;

/** One stored (symbol, timeframe) bar table inside a dataset folder, with its span and gaps. */
export const DatasetTableSchema = z
  .object({
    ...StoredTableSchema.shape,
    first: z.string().nullable(),
    last: z.string().nullable(),
    gapCount: z.number().int().nonnegative(),
    derivedFrom: z.string().optional(),
    includePartial: z.boolean().optional(),
  })
  .strict();
export type DatasetTable = z.infer<typeof DatasetTableSchema>;

/** The dataset's quality report file (named by its content: a re-ingest never overwrites the one a reader may hold). */
export const StoredQualitySchema = z.object({ file: z.string(), sha256: Sha256Schema }).strict();

/**
 * `<DATA_ROOT>/<symbol>/dataset.json`: what is stored for a symbol and where it came from.
 * Content ids are sha256 of the Arrow bytes. It names every file of the dataset (tables by
 * content id, the quality report): renamed into place last, it is the commit of a write.
 */
export const DatasetManifestSchema = z
  .object({
    schemaVersion: z.literal(1),
    symbol: SymbolSchema,
    source: z
      .object({
        kind: z.enum(['csv', 'arrow', 'synthetic', 'ccxt']),
        file: z.string().optional(),
        sha256: Sha256Schema.optional(),
        params: z.record(z.string(), z.unknown()).optional(),
      })
      .strict(),
    ingestOptions: z.record(z.string(), z.unknown()),
    tables: z.record(z.string(), DatasetTableSchema),
    quality: StoredQualitySchema.optional(),
  })
  .strict();
export type DatasetManifest = z.infer<typeof DatasetManifestSchema>;
