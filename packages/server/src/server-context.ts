import { silentLogger, type Logger } from '@buff/core';
import { openJobQueue, openRunRegistry, type RunRegistry } from '@buff/registry';
import { createServerJobs, type ServerJobs } from './job-queue.js';
import { buildJobHandler } from './jobs/build-job.js';
import { lazyModelRegistry, type LazyModelRegistry } from './model-store.js';
import { createListCache, type ListCache } from './list-cache.js';
import { createLoginThrottle, type LoginThrottle } from './login-throttle.js';
import { readKillSwitch } from '@buff/registry';
import { createServerMetrics, type ServerMetrics } from './metrics.js';
import { sweepStaleUploads } from './upload-store.js';
import {
  allowedHostsFromEnv,
  envFlag,
  ServerLimitsSchema,
  type BuffRouterOptions,
  type ServerLimits,
} from './options.js';
import { createRateLimiter, type RateLimiter } from './rate-limit.js';
import { allowedHostSet } from './request-checks.js';
import { createSessionStore, type SessionStore } from './sessions.js';

/** Everything the routes share; built once per router. */
export interface ServerContext {
  runsRoot: string;
  dataRoot: string;
  adminToken: string | undefined;
  runsNew: boolean;
  limits: ServerLimits;
  logger: Logger;
  /** The run registry, opened on first use. */
  registry(): Promise<RunRegistry>;
  /** The model registry of modelsRoot, opened on first use (undefined when no models root is configured). */
  models: LazyModelRegistry;
  /** Durable jobs (RUNS_ROOT/.buff/jobs), run by an in-process worker unless limits.jobConcurrency is 0. */
  queue: ServerJobs;
  /** Short-lived cache of run listings (see limits.listCacheMs). */
  listCache: ListCache;
  limiter: RateLimiter;
  /** Failed sign-ins per client address (login form and Bearer tokens). */
  loginThrottle: LoginThrottle;
  /** Login-form sessions (server-side, expiring). */
  sessions: SessionStore;
  /** Host names answered (the loopback names plus allowedHosts), or '*' for any. */
  allowedHosts: Set<string> | '*';
  metrics: ServerMetrics;
  close(): Promise<void>;
}

/** Resolves options (explicit beats environment beats default) and builds the shared parts. */
export function createServerContext(options: BuffRouterOptions): ServerContext {
  const limits = ServerLimitsSchema.parse(options.limits ?? {});
  const logger = options.logger ?? silentLogger();
  const adminToken = options.adminToken ?? (process.env.BUFF_ADMIN_TOKEN || undefined);
  const runsNew = options.features?.runsNew ?? envFlag('BUFF_FEATURE_RUNS_NEW');
  const ownsRegistry = options.registry === undefined;
  let registryPromise: Promise<RunRegistry> | undefined = options.registry
    ? Promise.resolve(options.registry)
    : undefined;
  const registry = (): Promise<RunRegistry> => {
    registryPromise ??= openRunRegistry({ runsRoot: options.runsRoot, logger });
    registryPromise.catch(() => (registryPromise = undefined));
    return registryPromise;
  };
  const models = lazyModelRegistry(options.modelsRoot ?? (process.env.MODELS_ROOT || undefined));
  let listCache: ListCache | undefined;
  const queue = createServerJobs({
    queue: () => openJobQueue({ driver: 'fs', runsRoot: options.runsRoot }),
    handlers: {
      build: buildJobHandler({
        runsRoot: options.runsRoot,
        dataRoot: options.dataRoot,
        runStore: registry,
        onBuilt: () => listCache?.clear(),
      }),
    },
    concurrency: runsNew ? limits.jobConcurrency : 0,
    maxJobs: limits.maxJobs,
    logger,
    onSettled: (job, outcome) => metrics.jobs.inc({ kind: job.kind, status: outcome }),
  });
  // jobs left queued or interrupted by a previous process resume at once
  if (runsNew) queue.start().catch((err: unknown) => logger.warn({ err }, 'the job queue could not be opened'));
  const metrics = createServerMetrics({
    queueDepth: () => queue.depth(),
    killSwitchOn: async () => (await readKillSwitch(options.runsRoot)).on,
    runsRoot: options.runsRoot,
    dryrunEndedSessions: limits.dryrunMetricsEndedSessions,
  });
  const loginThrottle = createLoginThrottle(limits, logger);
  // a job whose upload is older than the TTL fails with a clear error (the upload is gone)
  void sweepStaleUploads(options.runsRoot, limits.uploadTtlMs)
    .then((removed) => removed.length > 0 && logger.info({ removed }, 'stale uploads removed'))
    .catch((err: unknown) => logger.warn({ err }, 'stale uploads could not be removed'));
  return {
    runsRoot: options.runsRoot,
    dataRoot: options.dataRoot,
    adminToken,
    runsNew,
    limits,
    logger,
    registry,
    models,
    queue,
    listCache: (listCache = createListCache({ ttlMs: limits.listCacheMs, now: options.now })),
    limiter: createRateLimiter({ perMinute: limits.runsPerMinute, now: options.now }),
    loginThrottle,
    sessions: createSessionStore({ ttlMs: limits.sessionTtlMs, now: options.now }),
    allowedHosts: allowedHostSet(options.allowedHosts ?? allowedHostsFromEnv()),
    metrics,
    async close() {
      await queue.close();
      await loginThrottle.close();
      if (ownsRegistry && registryPromise) await (await registryPromise).close();
      await models.close();
    },
  };
}
