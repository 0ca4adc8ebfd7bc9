import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express from 'express';
import type { Router } from 'express';
import { mountJobsApi } from './api/jobs-api.js';
import { mountRunsApi } from './api/runs-api.js';
import { mountSystemApi } from './api/system-api.js';
import { apiNotFound, errorHandler } from './error-handler.js';
import type { BuffRouterOptions } from './options.js';
import { mountPages } from './pages/page-routes.js';
import { requestContext } from './request-context.js';
import { createServerContext } from './server-context.js';

/** The router plus a way to stop its jobs and close the registry it opened. */
export type BuffRouter = Router & {
  /** Opens the registry now (it is otherwise opened on the first request); rejects if it cannot. */
  ready(): Promise<void>;
  /** Waits for running jobs, then closes the registry (if the router opened it). */
  close(): Promise<void>;
};

/** Where the chart library's standalone production build lives (served at /assets/lightweight-charts.js). */
function chartLibraryPath(): string {
  const require = createRequire(import.meta.url);
  return join(
    dirname(require.resolve('lightweight-charts/package.json')),
    'dist',
    'lightweight-charts.standalone.production.js',
  );
}

/**
 * An Express router with Buff's JSON API under /api and the UI pages (/runs, /runs/:id,
 * /runs/new). Mount it anywhere: links and API calls are relative to where it is mounted.
 * Express is a peer dependency: the router is created with the host's `express` (the one this
 * package resolves), so mount it in an Express 5 app.
 * @example
 * const app = express();
 * app.use('/research', createBuffRouter({ runsRoot: 'runs', dataRoot: 'data' }));
 */
export function createBuffRouter(options: BuffRouterOptions): BuffRouter {
  const ctx = createServerContext(options);
  const router = express.Router() as BuffRouter;
  const json = express.json({ limit: ctx.limits.maxBodyBytes, strict: true, type: 'application/json' });
  const form = express.urlencoded({ limit: ctx.limits.maxBodyBytes, extended: false, parameterLimit: 50 });
  const csv = express.text({ limit: ctx.limits.maxUploadBytes, type: 'text/csv' });

  router.use(requestContext(ctx.logger));
  router.use(ctx.metrics.middleware);
  router.get('/assets/lightweight-charts.js', (_req, res) => {
    res.sendFile(chartLibraryPath(), { maxAge: '1d', headers: { 'Content-Type': 'text/javascript; charset=utf-8' } });
  });
  mountRunsApi(router, ctx);
  mountSystemApi(router, ctx, json);
  mountJobsApi(router, ctx, { json, csv });
  router.use('/api', apiNotFound);
  mountPages(router, ctx, form);
  router.use(errorHandler(ctx));
  router.ready = async () => {
    await ctx.registry();
  };
  router.close = () => ctx.close();
  return router;
}
