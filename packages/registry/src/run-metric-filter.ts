import { BuffError } from '@buff/core';
import type { RunMetricCondition } from './run-record.js';

/** Metrics a `where` filter names, the record field holding each, and the unit the user types. */
const METRIC_FIELDS = {
  sharpe: { field: 'sharpe', scale: 1 },
  return: { field: 'totalReturn', scale: 100 },
  drawdown: { field: 'maxDrawdown', scale: 100 },
  trades: { field: 'tradeCount', scale: 1 },
} as const satisfies Record<string, { field: RunMetricCondition['metric']; scale: number }>;
const OPS = { '>=': 'gte', '<=': 'lte', '>': 'gt', '<': 'lt', '=': 'eq' } as const;

const CLAUSE = /^\s*([a-z]+)\s*(>=|<=|>|<|=)\s*(-?\d+(?:\.\d+)?)\s*$/i;

/**
 * Parses a metric filter as `buff runs list --where` and the server's `/api/runs?where=` take it:
 * `sharpe>1, drawdown>-10` (comma or `and` separated; return and drawdown in percent, as the pages
 * and the CLI show them) into the registry's conditions (`RunListQuery.metrics`, return and
 * drawdown as fractions). INVALID_INPUT names the clause that does not parse.
 * @example parseRunMetricFilter('sharpe>1, return>=5') // [{ metric: 'sharpe', op: 'gt', value: 1 }, { metric: 'totalReturn', op: 'gte', value: 0.05 }]
 */
export function parseRunMetricFilter(text: string | undefined): RunMetricCondition[] {
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
    const { field, scale } = METRIC_FIELDS[metric as keyof typeof METRIC_FIELDS];
    return { metric: field, op: OPS[match[2] as keyof typeof OPS], value: Number(match[3]) / scale };
  });
}
