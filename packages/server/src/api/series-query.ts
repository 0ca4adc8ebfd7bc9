import { z } from 'zod';
import { parseOrThrow } from '@buff/core';
import type { SeriesRequest } from '../run-series.js';

/** `?symbol=&from=&to=&points=` of /api/runs/:id/series (times in UTC seconds). */
const SeriesQuerySchema = z
  .object({
    symbol: z.string().min(1).max(64).optional(),
    from: z.coerce.number().finite().optional(),
    to: z.coerce.number().finite().optional(),
    points: z.coerce.number().int().min(50).max(200_000).optional(),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: 'from must not be after to',
    path: ['from'],
  });

/**
 * Validates the series query (empty parameters count as absent): INVALID_INPUT otherwise.
 * @example parseSeriesQuery({ from: '1704067200', to: '1704153600', points: '1200' })
 */
export function parseSeriesQuery(query: Record<string, unknown>): SeriesRequest {
  const present = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== '' && v !== undefined));
  return parseOrThrow(SeriesQuerySchema, present, 'INVALID_INPUT', 'series query');
}
