import type * as express from 'express';
import { BuffError } from '@buff/core';
import { type FoldMetrics, listSweeps, readSweepFolds, readSweepReport, type SweepReport } from '@buff/engine';
import type { ServerContext } from '../server-context.js';

const SWEEP_ID = /^sweep-[0-9a-f]{16}$/;

/** A sweep id from a URL, refused (404) unless it has the sweep id form. */
export function parseSweepId(value: unknown): string {
  const id = String(value);
  if (!SWEEP_ID.test(id)) throw new BuffError('NOT_FOUND', `no sweep ${id}`, { details: { key: 'id', value: id } });
  return id;
}

/** A published sweep's report and fold rows; NOT_FOUND when there is none. */
export function readSweep(ctx: ServerContext, id: string): { report: SweepReport; folds: FoldMetrics[] } {
  const found = readSweepReport(ctx.runsRoot, id);
  const folds = found ? readSweepFolds(ctx.runsRoot, id) : undefined;
  if (!found || !folds) throw new BuffError('NOT_FOUND', `no sweep ${id}`, { details: { key: 'id', value: id } });
  return { report: found.report, folds };
}

/** The list entry of a sweep: its verdict figures without the per-cell arrays. */
export function sweepSummary(report: SweepReport) {
  return {
    sweepId: report.sweepId,
    name: report.name,
    cells: report.cells,
    observations: report.observations,
    pbo: report.pbo,
    deflatedSharpe: report.deflatedSharpe,
    walkForwardEfficiency: report.walkForward.efficiency,
    best: report.best,
  };
}

/** GET /api/sweeps (every published sweep's summary) and /api/sweeps/:id (report and fold rows). */
export function mountSweepsApi(router: express.Router, ctx: ServerContext): void {
  router.get('/api/sweeps', (_req, res) => {
    res.json({ items: listSweeps(ctx.runsRoot).map(sweepSummary) });
  });
  router.get('/api/sweeps/:id', (req, res) => {
    res.json(readSweep(ctx, parseSweepId(req.params.id)));
  });
}
