import type * as express from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { registerDryRunMetrics } from './dryrun-metrics.js';

/** The server's own Prometheus registry (never prom-client's global one) and its meters. */
export interface ServerMetrics {
  registry: Registry;
  jobs: Counter<'kind' | 'status'>;
  refusals: Counter<'code'>;
  /** Middleware that counts and times each request. */
  middleware: express.RequestHandler;
  /** The exposition text of one scrape (the dry-run sessions read once for all their meters). */
  scrape: () => Promise<string>;
}

/**
 * @example const metrics = createServerMetrics({ queueDepth: () => queue.depth(), killSwitchOn });
 */
export function createServerMetrics(sources: {
  queueDepth: () => Promise<number>;
  killSwitchOn: () => Promise<boolean>;
  /** Reports the dry-run sessions under this runs root (registerDryRunMetrics). */
  runsRoot?: string;
  /** Ended (stopped, completed) dry-run sessions labelled besides running and crashed ones (default 20). */
  dryrunEndedSessions?: number;
}): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'buff_' });
  const dryrun =
    sources.runsRoot === undefined
      ? undefined
      : registerDryRunMetrics(registry, sources.runsRoot, sources.dryrunEndedSessions);
  const requests = new Counter({
    name: 'buff_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'buff_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const jobs = new Counter({
    name: 'buff_jobs_total',
    help: 'Background jobs by kind and final status',
    labelNames: ['kind', 'status'],
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'buff_refusals_total',
    help: 'Mutations refused, by error code',
    labelNames: ['code'],
    registers: [registry],
  });
  new Gauge({
    name: 'buff_job_queue_depth',
    help: 'Jobs queued, interrupted or running',
    registers: [registry],
    async collect() {
      this.set(await sources.queueDepth());
    },
  });
  new Gauge({
    name: 'buff_kill_switch_on',
    help: '1 when the kill switch is on (or its state is unreadable)',
    registers: [registry],
    async collect() {
      this.set((await sources.killSwitchOn()) ? 1 : 0);
    },
  });
  const middleware: express.RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () => {
      const route = req.route?.path ? String(req.route.path) : 'unmatched';
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
      end({ method: req.method, route });
    });
    next();
  };
  const scrape = (): Promise<string> => {
    dryrun?.refresh();
    return registry.metrics();
  };
  return { registry, jobs, refusals, middleware, scrape };
}
