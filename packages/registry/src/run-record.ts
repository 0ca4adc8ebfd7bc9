import { z } from 'zod';
import { RunIdSchema, TagSchema } from '@buff/core';

/** How a run ended; `legacy` for imported Phase-1 runs. */
export const RunStatusSchema = z.enum(['completed', 'stopped', 'failed', 'legacy']);
export type RunStatus = z.infer<typeof RunStatusSchema>;

/** The headline metrics a listing shows; null when a run's metrics.json lacks one. */
export const HeadlineMetricsSchema = z
  .object({
    totalReturn: z.number().nullable(),
    sharpe: z.number().nullable(),
    maxDrawdown: z.number().nullable(),
    tradeCount: z.number().nullable(),
  })
  .strict();
export type HeadlineMetrics = z.infer<typeof HeadlineMetricsSchema>;

/** The registry's record of a run: the minimal metadata for listing. `createdAt` is wall clock, registry only. */
export const RunRecordSchema = z
  .object({
    id: RunIdSchema,
    name: z.string(),
    strategy: z.string(),
    symbols: z.array(z.string()),
    timeframe: z.string(),
    window: z.object({ since: z.string().nullable(), until: z.string().nullable() }).strict(),
    createdAt: z.string(),
    status: RunStatusSchema,
    metrics: HeadlineMetricsSchema,
    tags: z.array(z.string()),
    legacy: z.boolean(),
  })
  .strict();
export type RunRecord = z.infer<typeof RunRecordSchema>;

/** A tag: short, no spaces (defined in core: a run config's `tags:` are checked with it too). */
export { TagSchema };

const IsoInstant = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'not a date or ISO timestamp')
  .transform((value) => new Date(value).toISOString());

/** Fields a listing can sort on, with where they live in the record and their type. */
export const RUN_SORT_FIELDS = {
  createdAt: { field: 'createdAt', type: 'string' },
  name: { field: 'name', type: 'string' },
  strategy: { field: 'strategy', type: 'string' },
  id: { field: 'id', type: 'string' },
  totalReturn: { field: 'metrics.totalReturn', type: 'number' },
  sharpe: { field: 'metrics.sharpe', type: 'number' },
  maxDrawdown: { field: 'metrics.maxDrawdown', type: 'number' },
  tradeCount: { field: 'metrics.tradeCount', type: 'number' },
} as const;

/** Metrics a listing filters on (headline metrics; return and drawdown as fractions). */
export const RUN_METRIC_FIELDS = ['totalReturn', 'sharpe', 'maxDrawdown', 'tradeCount'] as const;

/** One metric condition of a listing: `{ metric: 'sharpe', op: 'gt', value: 1 }`; a run without the metric fails it. */
export const RunMetricConditionSchema = z
  .object({
    metric: z.enum(RUN_METRIC_FIELDS),
    op: z.enum(['gt', 'gte', 'lt', 'lte', 'eq']),
    value: z.number().finite(),
  })
  .strict();
export type RunMetricCondition = z.infer<typeof RunMetricConditionSchema>;

/**
 * A run listing: filters (all optional, ANDed), sort (newest first by default) and page. The
 * driver applies every filter (SQL for postgres, a scan of the index for fs): `symbolAnyCase`
 * matches `symbol` ignoring case, `metrics` are conditions on the headline metrics.
 */
export const RunListQuerySchema = z
  .object({
    strategy: z.string().optional(),
    symbol: z.string().optional(),
    symbolAnyCase: z.boolean().default(false),
    metrics: z.array(RunMetricConditionSchema).max(16).default([]),
    timeframe: z.string().optional(),
    status: RunStatusSchema.optional(),
    tag: TagSchema.optional(),
    legacy: z.boolean().optional(),
    createdFrom: IsoInstant.optional(),
    createdTo: IsoInstant.optional(),
    sort: z
      .enum(Object.keys(RUN_SORT_FIELDS) as [keyof typeof RUN_SORT_FIELDS, ...Array<keyof typeof RUN_SORT_FIELDS>])
      .default('createdAt'),
    order: z.enum(['asc', 'desc']).default('desc'),
    limit: z.number().int().min(1).max(10_000).default(50),
    offset: z.number().int().min(0).default(0),
  })
  .strict();
export type RunListQuery = z.infer<typeof RunListQuerySchema>;
export type RunListQueryInput = z.input<typeof RunListQuerySchema>;
