import { z } from 'zod';
import { TimeframeSchema } from '../timeframe.js';

/** One gap: `missing` bars between `from` (first missing open time) and `to` (last missing), ISO UTC. */
export const GapSchema = z.object({ from: z.string(), to: z.string(), missing: z.number().int().positive() }).strict();
export type Gap = z.infer<typeof GapSchema>;

/** What an ingest checked and found. `rules` counts rows checked per rule (violations fail the ingest). */
export const QualityReportSchema = z
  .object({
    symbol: z.string(),
    timeframe: TimeframeSchema,
    source: z.string(),
    rows: z.number().int().nonnegative(),
    first: z.string().nullable(),
    last: z.string().nullable(),
    expectedRows: z.number().int().nonnegative(),
    gapCount: z.number().int().nonnegative(),
    missingBars: z.number().int().nonnegative(),
    gaps: z.array(GapSchema),
    gapsAllowed: z.boolean(),
    rules: z.record(
      z.string(),
      z.object({ checked: z.number().int().nonnegative(), violations: z.number().int().nonnegative() }),
    ),
  })
  .strict();
export type QualityReport = z.infer<typeof QualityReportSchema>;
