import express from 'express';
import type { Router } from 'express';
import { mountJobsApi } from './api/jobs-api.js';
import { mountRunsApi } from './api/runs-api.js';
import { mountDryrunApi } from './api/dryrun-api.js';
import { mountSweepsApi } from './api/sweeps-api.js';
import { mountSystemApi } from './api/system-api.js';
import { mountAssets } from './assets.js';
import { compressResponses } from './compress.js';
import { noStoreWhenSignedIn } from './auth.js';
import { apiNotFound, errorHandler, notFound } from './error-handler.js';
import type { BuffRouterOptions } from './options.js';
import { navContext } from './pages/nav-context.js';
import { mountComparePage } from './pages/compare-routes.js';
import { mountDatasetPages } from './pages/dataset-routes.js';
import { mountModelPages } from './pages/model-routes.js';
import { mountPages } from './pages/page-routes.js';
import { mountSweepPages } from './pages/sweep-pages.js';
import { mountDryrunPages } from './pages/dryrun-pages.js';
import { hostCheck } from './request-checks.js';
import { requestContext } from './request-context.js';
import { securityHeaders } from './security-headers.js';
import { createServerContext } from './server-context.js';

/** The router plus a way to stop its jobs and close the registry it opened. */
export type BuffRouter = Router & {
  /** Opens the registry now (it is otherwise opened on the first request); rejects if it cannot. */
  ready(): Promise<void>;
  /** Waits for running jobs, then closes the registry (if the router opened it). */
  close(): Promise<void>;
};

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
  return buildRouter(options, { standalone: false });
}

/**
 * The router; `standalone` (startServer: the router is the whole app) adds `/` → `/runs` and a 404
 * for every path no route matched, so those answers carry the same headers as the rest.
 */
export function buildRouter(options: BuffRouterOptions, mode: { standalone: boolean }): BuffRouter {
  const ctx = createServerContext(options);
  const router = express.Router() as BuffRouter;
  const json = express.json({ limit: ctx.limits.maxBodyBytes, strict: true, type: 'application/json' });
  const form = express.urlencoded({ limit: ctx.limits.maxBodyBytes, extended: false, parameterLimit: 50 });
  const csv = express.text({ limit: ctx.limits.maxUploadBytes, type: 'text/csv' });

  router.use(securityHeaders());
  router.use(compressResponses());
  router.use(requestContext(ctx.logger));
  router.use(ctx.metrics.middleware);
  router.use(hostCheck(ctx.allowedHosts));
  mountAssets(router);
  router.use(noStoreWhenSignedIn);
  router.use(navContext(ctx));
  mountRunsApi(router, ctx);
  mountSystemApi(router, ctx, json);
  mountJobsApi(router, ctx, { json, csv });
  mountSweepsApi(router, ctx);
  mountDryrunApi(router, ctx);
  router.use('/api', apiNotFound);
  router.use('/assets', notFound);
  if (mode.standalone) router.get('/', (req, res) => res.redirect(`${req.baseUrl}/runs`));
  mountPages(router, ctx, form);
  mountModelPages(router, ctx, form);
  mountDatasetPages(router, ctx);
  mountComparePage(router, ctx);
  mountSweepPages(router, ctx);
  mountDryrunPages(router, ctx);
  if (mode.standalone) router.use(notFound);
  router.use(errorHandler(ctx));
  router.ready = async () => {
    await ctx.registry();
  };
  router.close = () => ctx.close();
  return router;
}
