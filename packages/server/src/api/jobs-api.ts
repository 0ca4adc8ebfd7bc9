import type * as express from 'express';
import { z } from 'zod';
import { assertWindowCovered } from './window-coverage.js';
import { BuffError, SymbolSchema, TimestampFormatSchema, parseOrThrow } from '@buff/core';
import { parseRunConfigWithTags, resolveStrategy, type RunConfig } from '@buff/engine';
import { listDatasets } from '@buff/ingest';
import { assertAdmin } from '../auth.js';
import { assertKillSwitchOff, type Job, type JsonValue } from '@buff/registry';
import type { BuildJobPayload } from '../jobs/build-job.js';
import { logOf } from '../request-context.js';
import type { ServerContext } from '../server-context.js';
import { readUpload, removeUpload, stageUpload, UploadIdSchema } from '../upload-store.js';

// `config` is passed on untouched (not copied through a z.record, which drops a `__proto__` key):
// parseRunConfigWithTags, the same strict parse as the CLI's, refuses every key it does not know
// and a bad `tags:` entry (INVALID_CONFIG naming tags.N) before anything is queued
const JobRequestSchema = z
  .object({
    config: z.custom<object>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'an object'),
    uploadId: UploadIdSchema.optional(),
  })
  .strict();
const UploadQuerySchema = z
  .object({
    symbol: SymbolSchema,
    allowGaps: z.enum(['true', 'false', '1', '0']).default('false'),
    /** IANA zone of timestamps written without one (e.g. Europe/Prague). */
    timezone: z.string().min(1).max(64).optional(),
    timestampFormat: TimestampFormatSchema.optional(),
  })
  .strict();

/** 404 (as if absent) while the runs-new feature is off. */
export function requireRunsNew(ctx: ServerContext): express.RequestHandler {
  return (req, _res, next) => {
    if (!ctx.runsNew)
      throw new BuffError(
        'FEATURE_DISABLED',
        `${req.method} ${req.path} is not available (BUFF_FEATURE_RUNS_NEW is off)`,
        { details: { rule: 'BUFF_FEATURE_RUNS_NEW' } },
      );
    next();
  };
}

/**
 * POST /api/uploads (raw text/csv, checked with the ingest rules), POST /api/jobs (validate,
 * then ingest-if-needed and build in the background), GET /api/jobs/:id. All behind the flag;
 * mutations need the admin token and a kill switch that is off.
 */
export function mountJobsApi(
  router: express.Router,
  ctx: ServerContext,
  parsers: { json: express.RequestHandler; csv: express.RequestHandler },
): void {
  const gate = requireRunsNew(ctx);
  const admin: express.RequestHandler = (req, _res, next) => {
    assertAdmin(req, ctx);
    next();
  };

  router.post(
    '/api/uploads',
    gate,
    ctx.loginThrottle.middleware,
    admin,
    async (req, _res, next) => {
      // refuse before reading a large body
      await assertKillSwitchOff(ctx.runsRoot, 'ingest');
      if (!req.is('text/csv'))
        throw new BuffError('INVALID_INPUT', 'upload the CSV as the raw body with Content-Type: text/csv', {
          details: { rule: 'content-type' },
        });
      next();
    },
    parsers.csv,
    async (req, res) => {
      const query = parseOrThrow(UploadQuerySchema, req.query, 'INVALID_INPUT', 'query');
      if (typeof req.body !== 'string' || req.body.length === 0)
        throw new BuffError('EMPTY_FILE', 'the uploaded CSV is empty', { details: { rule: 'EMPTY_FILE' } });
      const allowGaps = query.allowGaps === 'true' || query.allowGaps === '1';
      const meta = await stageUpload(ctx.runsRoot, ctx.dataRoot, {
        csv: req.body,
        symbol: query.symbol,
        allowGaps,
        ...(query.timezone === undefined ? {} : { timezone: query.timezone }),
        ...(query.timestampFormat === undefined ? {} : { timestampFormat: query.timestampFormat }),
        ttlMs: ctx.limits.uploadTtlMs,
      });
      logOf(req, ctx.logger).info(
        { uploadId: meta.id, symbol: meta.symbol, rows: meta.rows, bytes: meta.bytes },
        'upload accepted',
      );
      res.status(201).json(meta);
    },
  );

  router.post('/api/jobs', gate, ctx.loginThrottle.middleware, admin, parsers.json, async (req, res) => {
    const log = logOf(req, ctx.logger);
    const body = parseOrThrow(JobRequestSchema, req.body ?? {}, 'INVALID_INPUT', 'request body');
    const upload = body.uploadId === undefined ? undefined : await readUpload(ctx.runsRoot, body.uploadId);
    let config: RunConfig;
    try {
      config = parseRunConfigWithTags(body.config, 'request body config').config;
      resolveStrategy(config.strategy); // unknown strategy or params: 400 now, not a failed job later
      await assertInputsAvailable(ctx, config, upload?.symbol);
      await assertWindowCovered(
        ctx.dataRoot,
        config,
        upload === undefined
          ? undefined
          : { symbol: upload.symbol, first: upload.first ?? null, last: upload.last ?? null },
      );
      await assertKillSwitchOff(ctx.runsRoot, 'run creation');
      ctx.limiter.take();
    } catch (err) {
      // a refused submission leaves no staged upload behind
      if (upload !== undefined) await removeUpload(ctx.runsRoot, upload.id);
      throw err;
    }
    const payload: BuildJobPayload = { config: body.config as Record<string, unknown> };
    if (req.requestId !== undefined) payload.requestId = req.requestId;
    if (upload !== undefined)
      payload.upload = {
        id: upload.id,
        symbol: upload.symbol,
        path: upload.path,
        allowGaps: upload.allowGaps,
        ...(upload.timezone === undefined ? {} : { timezone: upload.timezone }),
        ...(upload.timestampFormat === undefined ? {} : { timestampFormat: upload.timestampFormat }),
      };
    let job: Job;
    try {
      job = await ctx.queue.submit('build', payload as JsonValue);
    } catch (err) {
      if (upload !== undefined) await removeUpload(ctx.runsRoot, upload.id);
      throw err;
    }
    log.info({ jobId: job.id, strategy: config.strategy.name, symbols: config.symbols }, 'run job queued');
    const statusUrl = `${req.baseUrl}/api/jobs/${job.id}`;
    res
      .status(202)
      .location(statusUrl)
      .json({ ...jobView(job), statusUrl });
  });

  router.get('/api/jobs/:id', gate, async (req, res) => {
    const job = await ctx.queue.get(String(req.params.id));
    if (job === undefined)
      throw new BuffError('NOT_FOUND', `no job ${String(req.params.id).slice(0, 40)}`, { details: { key: 'id' } });
    res.json(jobView(job));
  });
}

/**
 * A job as the API answers: the JobQueue's fields, plus `step` (the progress step), `runId` (a
 * finished build's run) and `error` ({ code, message } from a failed job's reason).
 */
function jobView(job: Job): Job & { step: string; runId?: string; error?: { code: string; message: string } } {
  const view: ReturnType<typeof jobView> = { ...job, step: job.progress.step };
  const result = job.result as { runId?: unknown } | undefined;
  if (job.status === 'done' && typeof result?.runId === 'string') view.runId = result.runId;
  if (job.status === 'failed') {
    const match = /^([A-Z_]+): ([\s\S]*)$/.exec(job.reason ?? '');
    view.error = match
      ? { code: match[1] as string, message: match[2] as string }
      : { code: 'INTERNAL', message: job.reason ?? 'failed' };
  }
  return view;
}

/** Every symbol of the config is in the dataset store or is the uploaded one. */
async function assertInputsAvailable(
  ctx: ServerContext,
  config: RunConfig,
  uploadedSymbol: string | undefined,
): Promise<void> {
  const stored = new Set((await listDatasets(ctx.dataRoot)).map((d) => d.symbol));
  for (const symbol of config.symbols) {
    if (!stored.has(symbol) && symbol !== uploadedSymbol) {
      throw new BuffError('DATASET_NOT_FOUND', `no dataset for ${symbol}: ingest it or upload a CSV`, {
        details: { key: 'symbols', value: symbol },
      });
    }
  }
  if (uploadedSymbol !== undefined && !config.symbols.includes(uploadedSymbol)) {
    throw new BuffError('INVALID_INPUT', `the upload is for ${uploadedSymbol}, which the config does not use`, {
      details: { key: 'uploadId', value: uploadedSymbol },
    });
  }
}
