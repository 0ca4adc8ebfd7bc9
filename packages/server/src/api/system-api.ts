import type * as express from 'express';
import { z } from 'zod';
import { parseOrThrow } from '@buff/core';
import { listDatasets } from '@buff/ingest';
import { assertAdmin } from '../auth.js';
import { checkHealth } from '../health.js';
import { readKillSwitch, setKillSwitch } from '@buff/registry';
import { logOf } from '../request-context.js';
import type { ServerContext } from '../server-context.js';

const KillSwitchChangeSchema = z
  .object({ on: z.boolean(), reason: z.string().max(500).default(''), actor: z.string().min(1).max(100).optional() })
  .strict();

/** GET /api/datasets, /api/health, /api/metrics (and /metrics), GET+POST /api/admin/kill-switch. */
export function mountSystemApi(router: express.Router, ctx: ServerContext, jsonBody: express.RequestHandler): void {
  router.get('/api/datasets', async (_req, res) => {
    res.json({ items: await listDatasets(ctx.dataRoot) });
  });

  router.get('/api/health', async (_req, res) => {
    const report = await checkHealth(ctx);
    res.status(report.ok ? 200 : 503).json(report);
  });

  // Prometheus scrapes /metrics by default; /api/metrics is the same text
  const metrics: express.RequestHandler = async (_req, res) => {
    res.setHeader('Content-Type', ctx.metrics.registry.contentType);
    res.send(await ctx.metrics.scrape());
  };
  router.get('/api/metrics', metrics);
  router.get('/metrics', metrics);

  router.get('/api/admin/kill-switch', async (_req, res) => {
    res.json(await readKillSwitch(ctx.runsRoot));
  });

  router.post(
    '/api/admin/kill-switch',
    ctx.loginThrottle.middleware,
    (req, _res, next) => {
      assertAdmin(req, ctx);
      next();
    },
    jsonBody,
    async (req, res) => {
      const parsed = parseOrThrow(KillSwitchChangeSchema, req.body ?? {}, 'INVALID_INPUT', 'request body');
      const actor = `api:${parsed.actor ?? 'admin'}@${req.ip ?? 'unknown'}`;
      const change = await setKillSwitch(ctx.runsRoot, { on: parsed.on, actor, reason: parsed.reason });
      const { source: _source, ...state } = change.state;
      if (change.changed)
        logOf(req, ctx.logger).warn({ killSwitch: state.on, actor, reason: state.reason }, 'kill switch changed');
      res.json({ ...state, changed: change.changed, previous: change.previous.on });
    },
  );
}
