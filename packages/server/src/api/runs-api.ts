import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type * as express from 'express';
import { BuffError } from '@buff/core';
import { artifactContentType, artifactPath, parseRunId, readRunManifest } from '../run-files.js';
import { readRunSeries } from '../run-series.js';
import { groupTrades, pageTrades, parseTradesQuery, readRunTrades, tradesCsv } from '../run-trades.js';
import { readRunView } from '../run-view.js';
import { listRuns } from '../runs-filter.js';
import type { ServerContext } from '../server-context.js';
import { parseRunsQuery } from './runs-query.js';
import { parseSeriesQuery } from './series-query.js';

/**
 * GET /api/runs (registry filters and paging), /api/runs/:id (record, manifest, metrics,
 * quality), /api/runs/:id/series (downsampled chart data), /api/runs/:id/trades (sorted, paged,
 * grouped) and trades.csv, /api/runs/:id/artifacts/:name (read-only).
 */
export function mountRunsApi(router: express.Router, ctx: ServerContext): void {
  router.get('/api/runs', async (req, res) => {
    const { conditions, ...query } = parseRunsQuery(req.query as Record<string, unknown>);
    const registry = await ctx.registry();
    const { items, total } = await ctx.listCache.get(query, () => listRuns(registry, query, { conditions }));
    res.json({ items, total, query });
  });

  router.get('/api/runs/:id', async (req, res) => {
    res.json(await readRunView(ctx, parseRunId(req.params.id)));
  });

  router.get('/api/runs/:id/series', async (req, res) => {
    const request = parseSeriesQuery(req.query as Record<string, unknown>);
    res.json(await readRunSeries(ctx, parseRunId(req.params.id), request));
  });

  router.get('/api/runs/:id/config.json', async (req, res) => {
    const id = parseRunId(req.params.id);
    const view = await readRunView(ctx, id);
    if (req.query.download !== undefined)
      res.setHeader('Content-Disposition', `attachment; filename="${id}-config.json"`);
    res.type('json').send(`${JSON.stringify(view.manifest.config, null, 2)}\n`);
  });

  router.get('/api/runs/:id/trades', async (req, res) => {
    const query = parseTradesQuery(req.query as Record<string, unknown>);
    const rows = await readRunTrades(ctx, parseRunId(req.params.id));
    res.json({
      total: rows.length,
      query,
      items: pageTrades(rows, query),
      bySymbol: groupTrades(rows, 'symbol'),
      byExitReason: groupTrades(rows, 'exitReason'),
    });
  });

  router.get('/api/runs/:id/trades.csv', async (req, res) => {
    const id = parseRunId(req.params.id);
    const rows = await readRunTrades(ctx, id);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${id}-trades.csv"`);
    res.send(tradesCsv(rows));
  });

  router.get('/api/runs/:id/artifacts/:name', async (req, res) => {
    const id = parseRunId(req.params.id);
    const registry = await ctx.registry();
    if (!(await registry.has(id)))
      throw new BuffError('RUN_NOT_FOUND', `no run ${id}`, { details: { key: 'id', value: id } });
    const runDir = registry.runDir(id);
    const manifest = await readRunManifest(runDir, id);
    const name = String(req.params.name);
    const path = artifactPath(runDir, manifest, name);
    const info = await stat(path).catch(() => {
      throw new BuffError('NOT_FOUND', `artifact ${name} of ${id} is listed but missing`, {
        details: { key: 'name', value: name },
      });
    });
    res.setHeader('Content-Type', artifactContentType(name));
    res.setHeader('Content-Length', String(info.size));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'private, max-age=3600, immutable');
    if (req.query.download !== undefined) res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    await new Promise<void>((resolve, reject) => {
      const stream = createReadStream(path);
      stream.on('error', reject);
      res.on('finish', resolve);
      res.on('close', resolve);
      stream.pipe(res);
    });
  });
}
