import type * as express from 'express';
import { BuffError } from '@buff/core';
import { readRunArtifacts } from '@buff/engine';
import { RunListQuerySchema } from '@buff/registry';
import { parseRunId } from '../run-files.js';
import { readRunView } from '../run-view.js';
import type { ServerContext } from '../server-context.js';
import { renderComparePage, renderComparePicker, type CompareRun } from './compare-page.js';

/** Runs a comparison takes at most (columns stay readable, the page stays quick). */
export const MAX_COMPARED_RUNS = 8;

/**
 * The run ids of `?runs=a,b` and/or `?run=a&run=b` (what the picker's checkboxes send), in order,
 * without repeats; INVALID_ID for a malformed id, INVALID_INPUT for one run or more than the maximum.
 * @example compareRunIds({ runs: 'run-0123456789abcdef,run-fedcba9876543210' })
 */
export function compareRunIds(query: Record<string, unknown>): string[] {
  const listed = [query.runs, query.run]
    .flat()
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  const ids = [...new Set(listed.map(parseRunId))];
  if (ids.length === 1 || ids.length > MAX_COMPARED_RUNS)
    throw new BuffError('INVALID_INPUT', `compare takes 2 to ${MAX_COMPARED_RUNS} runs, got ${ids.length}`, {
      details: { key: 'runs', rule: 'count', value: String(ids.length) },
    });
  return ids;
}

async function compareRun(ctx: ServerContext, id: string): Promise<CompareRun> {
  const view = await readRunView(ctx, id);
  const runDir = (await ctx.registry()).runDir(id);
  const { equity } = await readRunArtifacts(runDir, { maxDecisionRows: 1, maxEquityRows: 2000 });
  const ts = (equity.ts ?? []) as Array<number | null>;
  const values = (equity.equity ?? []) as Array<number | null>;
  const out: CompareRun['equity'] = { ts: [], value: [] };
  ts.forEach((t, i) => {
    const v = values[i];
    if (typeof t === 'number' && typeof v === 'number') {
      out.ts.push(t);
      out.value.push(v);
    }
  });
  return { record: view.record, manifest: view.manifest, metrics: view.metrics ?? {}, equity: out };
}

/** GET /compare?runs=a,b,...: the runs side by side; without runs, a picker of the latest ones. */
export function mountComparePage(router: express.Router, ctx: ServerContext): void {
  router.get('/compare', async (req, res) => {
    const ids = compareRunIds(req.query as Record<string, unknown>);
    if (ids.length === 0) {
      const registry = await ctx.registry();
      const { items } = await registry.list(RunListQuerySchema.parse({ limit: 30 }));
      return res.type('html').send(renderComparePicker({ base: req.baseUrl, recent: items }));
    }
    const runs: CompareRun[] = [];
    for (const id of ids) runs.push(await compareRun(ctx, id));
    res.type('html').send(renderComparePage({ base: req.baseUrl, runs }));
  });
}
