import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuffError } from '@buff/core';
import type { RunListQuery, RunRecord, RunRegistry } from '@buff/registry';

/** Metrics a listing can filter on, where they live in the record, and the unit the user types. */
const METRIC_FIELDS = {
  sharpe: { read: (r: RunRecord) => r.metrics.sharpe, scale: 1 },
  return: { read: (r: RunRecord) => r.metrics.totalReturn, scale: 100 },
  drawdown: { read: (r: RunRecord) => r.metrics.maxDrawdown, scale: 100 },
  trades: { read: (r: RunRecord) => r.metrics.tradeCount, scale: 1 },
} as const;
type MetricName = keyof typeof METRIC_FIELDS;
const OPS = {
  '>=': (a: number, b: number) => a >= b,
  '<=': (a: number, b: number) => a <= b,
  '>': (a: number, b: number) => a > b,
  '<': (a: number, b: number) => a < b,
  '=': (a: number, b: number) => a === b,
} as const;

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

/** True when the run's metrics meet every condition (a missing metric meets none). */
export function meetsConditions(run: RunRecord, conditions: MetricCondition[]): boolean {
  return conditions.every((c) => {
    const field = METRIC_FIELDS[c.metric];
    const value = field.read(run);
    return value !== null && OPS[c.op](value * field.scale, c.value);
  });
}

/** Most runs a filtered listing scans (the registry's own page limit). */
const SCAN_LIMIT = 10_000;

/**
 * A page of runs with what the registry cannot filter on by itself: the symbol matched without
 * regard to case and metric conditions. Plain queries go straight to the registry; filtered ones
 * scan up to 10,000 runs in the query's order and page the matches.
 * @example await listRuns(registry, query, { conditions: parseMetricFilter('sharpe>1') })
 */
export async function listRuns(
  registry: RunRegistry,
  listing: RunListQuery & { where?: string },
  extra: { conditions: MetricCondition[] },
): Promise<{ items: RunRecord[]; total: number }> {
  const { where: _where, ...query } = listing;
  const symbol = query.symbol?.toLowerCase();
  if (symbol === undefined && extra.conditions.length === 0) return registry.list(query);
  const all = await registry.list({ ...query, symbol: undefined, offset: 0, limit: SCAN_LIMIT });
  const hits = all.items.filter(
    (run) =>
      (symbol === undefined || run.symbols.some((s) => s.toLowerCase() === symbol)) &&
      meetsConditions(run, extra.conditions),
  );
  return { items: hits.slice(query.offset, query.offset + query.limit), total: hits.length };
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
