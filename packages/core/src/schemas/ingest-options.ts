import { z } from 'zod';
import { TimeframeSchema } from '../timeframe.js';

/** How timestamps in a source file are written. */
export const TimestampFormatSchema = z.enum(['iso', 'epoch-s', 'epoch-ms']);
export type TimestampFormat = z.infer<typeof TimestampFormatSchema>;

/** A symbol name: letters, digits, `-`, `_`, `.`; never a path. */
export const SymbolSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'symbol must be 1-64 of A-Z a-z 0-9 . _ - and start with a letter or digit',
  );
export type MarketSymbol = z.infer<typeof SymbolSchema>;

/**
 * Options of one ingest. `timeframe` is the spacing the file declares (1m for canonical data);
 * `timezone` is the zone of timestamps that carry none; `columnMap` maps extra source columns
 * onto canonical names (or to `null` to ignore them).
 */
export const IngestOptionsSchema = z
  .object({
    symbol: SymbolSchema,
    timeframe: TimeframeSchema.default('1m'),
    allowGaps: z.boolean().default(false),
    timezone: z.string().min(1).optional(),
    /** A naive time that occurs twice in `timezone` (DST fall-back): refused unless `earlier` or `later` is declared. */
    ambiguous: z.enum(['refuse', 'earlier', 'later']).optional(),
    timestampFormat: TimestampFormatSchema.default('iso'),
    columnMap: z.record(z.string(), z.string().nullable()).default({}),
  })
  .strict();
export type IngestOptions = z.infer<typeof IngestOptionsSchema>;
export type IngestOptionsInput = z.input<typeof IngestOptionsSchema>;
