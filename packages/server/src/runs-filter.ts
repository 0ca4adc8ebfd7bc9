import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuffError } from '@buff/core';
import type { RunListQuery, RunMetricCondition, RunRecord, RunRegistry } from '@buff/registry';

/** Metrics a listing can filter on, the registry field holding each, and the unit the user types. */
const METRIC_FIELDS = {
  sharpe: { field: 'sharpe', scale: 1 },
  return: { field: 'totalReturn', scale: 100 },
  drawdown: { field: 'maxDrawdown', scale: 100 },
  trades: { field: 'tradeCount', scale: 1 },
} as const satisfies Record<string, { field: RunMetricCondition['metric']; scale: number }>;
type MetricName = keyof typeof METRIC_FIELDS;
const OPS = { '>=': 'gte', '<=': 'lte', '>': 'gt', '<': 'lt', '=': 'eq' } as const;

/** One metric condition: `sharpe>1`, `return>=5` (percent), `drawdown>-10` (percent), `trades>=3`. */
export interface MetricCondition {
  metric: MetricName;
  op: keyof typeof OPS;
  value: number;
}

const CLAUSE = /^\s*([a-z]+)\s*(>=|<=|>|<|=)\s*(-?\d+(?:\.\d+)?)\s*$/i;

/**
 * Parses `sharpe>1, drawdown>-10` (comma or `and` separated; return and drawdown in percent, as
 * the pages show them). INVALID_INPUT names the clause that does not parse.
 * @example parseMetricFilter('sharpe>1, return>=5') // [{ metric: 'sharpe', op: '>', value: 1 }, ...]
 */
export function parseMetricFilter(text: string | undefined): MetricCondition[] {
  if (text === undefined || text.trim() === '') return [];
  return text.split(/,|\band\b/i).map((clause) => {
    const match = CLAUSE.exec(clause);
    const metric = match?.[1]?.toLowerCase();
    if (!match || metric === undefined || !Object.hasOwn(METRIC_FIELDS, metric))
      throw new BuffError(
        'INVALID_INPUT',
        `metric filter "${clause.trim()}": write <metric><op><number> with metric one of ${Object.keys(METRIC_FIELDS).join(', ')} and op one of > >= < <= =, e.g. sharpe>1`,
        { details: { key: 'where', value: clause.trim(), rule: 'metric filter' } },
      );
    return { metric: metric as MetricName, op: match[2] as keyof typeof OPS, value: Number(match[3]) };
  });
}

/**
 * A page of runs, every filter applied by the registry (SQL for PostgreSQL, an index scan for fs):
 * the symbol matched without regard to case and the metric conditions (typed in the pages' units,
 * percent for return and drawdown) included; nothing is loaded beyond the page.
 * @example await listRuns(registry, query, { conditions: parseMetricFilter('sharpe>1') })
 */
export async function listRuns(
  registry: RunRegistry,
  listing: RunListQuery & { where?: string },
  extra: { conditions: MetricCondition[] },
): Promise<{ items: RunRecord[]; total: number }> {
  const { where: _where, ...query } = listing;
  const metrics = extra.conditions.map((c): RunMetricCondition => {
    const { field, scale } = METRIC_FIELDS[c.metric];
    return { metric: field, op: OPS[c.op], value: c.value / scale };
  });
  return registry.list({ ...query, symbolAnyCase: query.symbol !== undefined, metrics });
}

/**
 * Strategy params of each listed run, from its manifest (legacy runs have none).
 * @example await runParams(registry, items) // Map { 'run-…' => { fast: 10, slow: 30 } }
 */
export async function runParams(
  registry: RunRegistry,
  items: RunRecord[],
): Promise<Map<string, Record<string, unknown>>> {
  const params = new Map<string, Record<string, unknown>>();
  await Promise.all(
    items.map(async (run) => {
      if (run.legacy) return;
      const text = await readFile(join(registry.runDir(run.id), 'manifest.json'), 'utf8').catch(() => undefined);
      if (text === undefined) return;
      const config = (JSON.parse(text) as { config?: { strategy?: { params?: Record<string, unknown> } } }).config;
      params.set(run.id, config?.strategy?.params ?? {});
    }),
  );
  return params;
}
