import { z } from 'zod';
import { BuffError, parseOrThrow } from '@buff/core';
import { RunListQuerySchema, parseRunMetricFilter, type RunListQuery, type RunMetricCondition } from '@buff/registry';

/** Query-string form of the registry's RunListQuery (strings in, numbers coerced). */
const RunsSearchSchema = z
  .object({
    strategy: z.string().min(1).max(128).optional(),
    symbol: z.string().min(1).max(64).optional(),
    timeframe: z.string().min(1).max(8).optional(),
    status: z.string().min(1).max(32).optional(),
    createdFrom: z.string().min(1).max(40).optional(),
    createdTo: z.string().min(1).max(40).optional(),
    tag: z.string().min(1).max(128).optional(),
    /** Metric conditions, e.g. `sharpe>1, drawdown>-10` (the registry's parseRunMetricFilter). */
    where: z.string().min(1).max(400).optional(),
    sort: z.string().min(1).max(64).optional(),
    order: z.string().min(1).max(8).optional(),
    legacy: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
    offset: z.coerce.number().int().min(0).max(10_000_000).optional(),
  })
  .strict();

/** A registry listing query plus the metric conditions the server applies (`where`). */
export type RunsListing = RunListQuery & { where?: string; conditions: RunMetricCondition[] };

/**
 * Validates `/api/runs` (and `/runs`) query parameters with zod and the registry's schema.
 * Empty parameters (from a submitted filter form) count as absent.
 * @example parseRunsQuery({ strategy: 'sma-cross', limit: '20' })
 */
export function parseRunsQuery(query: Record<string, unknown>): RunsListing {
  const present = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== '' && v !== undefined));
  for (const [key, value] of Object.entries(present)) {
    if (typeof value !== 'string')
      throw new BuffError('INVALID_INPUT', `query parameter ${key} given more than once or nested`, {
        details: { key, rule: 'single' },
      });
  }
  const { where, ...search } = parseOrThrow(RunsSearchSchema, present, 'INVALID_INPUT', 'query');
  const conditions = parseRunMetricFilter(where);
  return { ...parseOrThrow(RunListQuerySchema, search, 'INVALID_INPUT', 'query'), where, conditions };
}
