import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunListQuery, RunMetricCondition, RunRecord, RunRegistry } from '@buff/registry';

/**
 * A page of runs, every filter applied by the registry (SQL for PostgreSQL, an index scan for fs):
 * the symbol matched without regard to case and the metric conditions (typed in the pages' units,
 * percent for return and drawdown, parsed by the registry's parseRunMetricFilter) included;
 * nothing is loaded beyond the page.
 * @example await listRuns(registry, query, { conditions: parseRunMetricFilter('sharpe>1') })
 */
export async function listRuns(
  registry: RunRegistry,
  listing: RunListQuery & { where?: string },
  extra: { conditions: RunMetricCondition[] },
): Promise<{ items: RunRecord[]; total: number }> {
  const { where: _where, ...query } = listing;
  return registry.list({ ...query, symbolAnyCase: query.symbol !== undefined, metrics: extra.conditions });
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
