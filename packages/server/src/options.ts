import { z } from 'zod';
import type { Logger } from '@buff/core';
import type { RunRegistry } from '@buff/registry';

/**
 * Server limits; every one has a safe default. Environment overrides (read by `buff serve`):
 * BUFF_RUNS_PER_MINUTE, BUFF_MAX_JOBS, BUFF_MAX_UPLOAD_BYTES, BUFF_MAX_BODY_BYTES, BUFF_LIST_CACHE_MS,
 * BUFF_SESSION_TTL_MS, BUFF_LOGIN_MAX_FAILURES, BUFF_LOGIN_WINDOW_MS.
 * @example ServerLimitsSchema.parse({ runsPerMinute: 2 }).maxBodyBytes // 65536
 */
export const ServerLimitsSchema = z
  .object({
    /** Run creations (jobs) accepted per minute; beyond that 429 with Retry-After. */
    runsPerMinute: z.number().int().positive().default(10),
    /** Jobs queued or running at once; beyond that 429 TOO_MANY_JOBS. */
    maxJobs: z.number().int().positive().default(4),
    /** Jobs this process runs at the same time (the rest wait in the queue); 0 = none, a `buff worker` runs them. */
    jobConcurrency: z.number().int().min(0).default(1),
    /** Largest CSV upload in bytes (413 beyond). */
    maxUploadBytes: z
      .number()
      .int()
      .positive()
      .default(20 * 1024 * 1024),
    /** Largest JSON or form body in bytes (413 beyond). */
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(64 * 1024),
    /** How long a run listing may be served from cache (ms); runs created by this server clear it. 0 = off. */
    listCacheMs: z.number().int().nonnegative().default(1000),
    /** How long a login-form session lasts (ms) before the browser must sign in again. */
    sessionTtlMs: z
      .number()
      .int()
      .positive()
      .default(8 * 60 * 60 * 1000),
    /** Failed sign-ins (wrong token at /login or in a Bearer header) per client address per window; beyond: 429. */
    loginFailuresPerWindow: z.number().int().positive().default(10),
    /** The window of loginFailuresPerWindow (ms). */
    loginWindowMs: z
      .number()
      .int()
      .positive()
      .default(15 * 60 * 1000),
    /** An upload not used by a job within this time (ms) is removed at the next upload or server start. */
    uploadTtlMs: z
      .number()
      .int()
      .positive()
      .default(60 * 60 * 1000),
    /** Free bytes below which /api/health reports the disk as a problem. */
    minFreeDiskBytes: z
      .number()
      .int()
      .nonnegative()
      .default(100 * 1024 * 1024),
    /** A running dry run on a live (ccxt) feed whose last bar closed longer ago (ms) than this: /api/health reports its feed stale. */
    dryrunMaxFeedLagMs: z
      .number()
      .int()
      .positive()
      .default(5 * 60 * 1000),
    /** /metrics labels running and crashed dry-run sessions and this many ended ones (newest first). */
    dryrunMetricsEndedSessions: z.number().int().nonnegative().default(20),
  })
  .strict();
export type ServerLimits = z.infer<typeof ServerLimitsSchema>;
export type ServerLimitsInput = z.input<typeof ServerLimitsSchema>;

/** Options of createBuffRouter. */
export interface BuffRouterOptions {
  runsRoot: string;
  dataRoot: string;
  /** The model registry's root for /models (default: MODELS_ROOT; unset = the pages say none is configured). */
  modelsRoot?: string;
  /** Bearer token for mutations; without one every mutation is refused (403). Default: BUFF_ADMIN_TOKEN. */
  adminToken?: string;
  /**
   * Host names (Host header, or X-Forwarded-Host behind a trusted proxy) the router answers besides
   * the loopback names; others get 403 (DNS rebinding). `['*']` turns the check off.
   * Default: BUFF_ALLOWED_HOSTS (comma-separated), else none.
   */
  allowedHosts?: string[];
  /** Feature flags; `runsNew` defaults to BUFF_FEATURE_RUNS_NEW=1|true, else off. */
  features?: { runsNew?: boolean };
  limits?: ServerLimitsInput;
  logger?: Logger;
  /** An already open registry (else one is opened on runsRoot and closed by `close()`). */
  registry?: RunRegistry;
  /** Injected clock for rate limits (tests). */
  now?: () => number;
}

/**
 * Reads a boolean feature flag from the environment: 1/true/on/yes.
 * @example envFlag('BUFF_FEATURE_RUNS_NEW') // false unless set
 */
export function envFlag(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(1|true|on|yes)$/i.test(env[name] ?? '');
}

/**
 * Limits from BUFF_* environment variables (unset ones fall back to the defaults).
 * @example createBuffRouter({ runsRoot, dataRoot, limits: limitsFromEnv() })
 */
export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): ServerLimitsInput {
  const pick = (name: string): number | undefined => (env[name] ? Number(env[name]) : undefined);
  const entries = {
    runsPerMinute: pick('BUFF_RUNS_PER_MINUTE'),
    maxJobs: pick('BUFF_MAX_JOBS'),
    jobConcurrency: pick('BUFF_JOB_CONCURRENCY'),
    maxUploadBytes: pick('BUFF_MAX_UPLOAD_BYTES'),
    maxBodyBytes: pick('BUFF_MAX_BODY_BYTES'),
    listCacheMs: pick('BUFF_LIST_CACHE_MS'),
    sessionTtlMs: pick('BUFF_SESSION_TTL_MS'),
    uploadTtlMs: pick('BUFF_UPLOAD_TTL_MS'),
    loginFailuresPerWindow: pick('BUFF_LOGIN_MAX_FAILURES'),
    loginWindowMs: pick('BUFF_LOGIN_WINDOW_MS'),
    dryrunMaxFeedLagMs: pick('BUFF_DRYRUN_MAX_FEED_LAG_MS'),
    dryrunMetricsEndedSessions: pick('BUFF_DRYRUN_METRICS_ENDED_SESSIONS'),
  };
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined)) as ServerLimitsInput;
}

/**
 * BUFF_ALLOWED_HOSTS as a list (comma-separated; unset = none).
 * @example allowedHostsFromEnv({ BUFF_ALLOWED_HOSTS: 'a.example, b.example' }) // ['a.example', 'b.example']
 */
export function allowedHostsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.BUFF_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/** Express's `trust proxy` setting: off, on for every hop, a hop count, or addresses/subnets/names. */
export type TrustProxy = boolean | number | string;

/**
 * BUFF_TRUST_PROXY as Express's `trust proxy` value: unset, empty, `false` or `0` = off (the
 * default: X-Forwarded-* headers are ignored); `true` = trust every hop; a number = that many hops;
 * anything else = comma-separated addresses, subnets or `loopback`/`linklocal`/`uniquelocal`.
 * @example trustProxyFromEnv({ BUFF_TRUST_PROXY: 'loopback' }) // 'loopback'
 */
export function trustProxyFromEnv(env: NodeJS.ProcessEnv = process.env): TrustProxy {
  const value = (env.BUFF_TRUST_PROXY ?? '').trim();
  if (value === '' || /^(false|off|no)$/i.test(value)) return false;
  if (/^(true|on|yes)$/i.test(value)) return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
