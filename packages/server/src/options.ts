import { z } from 'zod';
import type { Logger } from '@buff/core';
import type { RunRegistry } from '@buff/registry';

/**
 * Server limits; every one has a safe default. Environment overrides (read by `buff serve`):
 * BUFF_RUNS_PER_MINUTE, BUFF_MAX_JOBS, BUFF_MAX_UPLOAD_BYTES, BUFF_MAX_BODY_BYTES, BUFF_LIST_CACHE_MS.
 * @example ServerLimitsSchema.parse({ runsPerMinute: 2 }).maxBodyBytes // 65536
 */
export const ServerLimitsSchema = z
  .object({
    /** Run creations (jobs) accepted per minute; beyond that 429 with Retry-After. */
    runsPerMinute: z.number().int().positive().default(10),
    /** Jobs queued or running at once; beyond that 429 TOO_MANY_JOBS. */
    maxJobs: z.number().int().positive().default(4),
    /** Jobs running at the same time (the rest wait in the queue). */
    jobConcurrency: z.number().int().positive().default(1),
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
    /** Free bytes below which /api/health reports the disk as a problem. */
    minFreeDiskBytes: z
      .number()
      .int()
      .nonnegative()
      .default(100 * 1024 * 1024),
  })
  .strict();
export type ServerLimits = z.infer<typeof ServerLimitsSchema>;
export type ServerLimitsInput = z.input<typeof ServerLimitsSchema>;

/** Options of createBuffRouter. */
export interface BuffRouterOptions {
  runsRoot: string;
  dataRoot: string;
  /** Bearer token for mutations; without one every mutation is refused (403). Default: BUFF_ADMIN_TOKEN. */
  adminToken?: string;
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
    maxUploadBytes: pick('BUFF_MAX_UPLOAD_BYTES'),
    maxBodyBytes: pick('BUFF_MAX_BODY_BYTES'),
    listCacheMs: pick('BUFF_LIST_CACHE_MS'),
  };
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined)) as ServerLimitsInput;
}
