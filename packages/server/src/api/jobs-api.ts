import type * as express from 'express';
import { z } from 'zod';
import { BuffError, SymbolSchema, parseOrThrow } from '@buff/core';
import { buildRun, parseRunConfig, resolveStrategy, type RunConfig } from '@buff/engine';
import { ingestCsv, listDatasets } from '@buff/ingest';
import { assertAdmin } from '../auth.js';
import { assertKillSwitchOff } from '@buff/registry';
import { logOf } from '../request-context.js';
import type { ServerContext } from '../server-context.js';
import { readUpload, removeUpload, stageUpload, UploadIdSchema } from '../upload-store.js';

// `config` is passed on untouched (not copied through a z.record, which drops a `__proto__` key):
// parseRunConfig, the same strict parse as the CLI's, refuses every key it does not know
const JobRequestSchema = z
  .object({
    config: z.custom<object>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'an object'),
    uploadId: UploadIdSchema.optional(),
  })
  .strict();
const UploadQuerySchema = z
  .object({ symbol: SymbolSchema, allowGaps: z.enum(['true', 'false', '1', '0']).default('false') })
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
      config = parseRunConfig(body.config, 'request body config');
      resolveStrategy(config.strategy); // unknown strategy or params: 400 now, not a failed job later
      await assertInputsAvailable(ctx, config, upload?.symbol);
      await assertKillSwitchOff(ctx.runsRoot, 'run creation');
      ctx.limiter.take();
    } catch (err) {
      // a refused submission leaves no staged upload behind
      if (upload !== undefined) await removeUpload(ctx.runsRoot, upload.id);
      throw err;
    }
    const registry = await ctx.registry();
    const job = ctx.queue.submit('run', async ({ setStep }) => {
      try {
        if (upload !== undefined && !(await listDatasets(ctx.dataRoot)).some((d) => d.symbol === upload.symbol)) {
          setStep('ingest');
          await assertKillSwitchOff(ctx.runsRoot, 'ingest');
          await ingestCsv(upload.path, { symbol: upload.symbol, allowGaps: upload.allowGaps, dataRoot: ctx.dataRoot });
          log.info({ symbol: upload.symbol, uploadId: upload.id }, 'ingested upload');
        }
        setStep('build');
        await assertKillSwitchOff(ctx.runsRoot, 'run creation');
        const built = await buildRun(config, { runStore: registry, dataRoot: ctx.dataRoot, logger: log });
        ctx.listCache.clear();
        log.info({ runId: built.runId, created: built.created }, 'run built and registered');
        ctx.metrics.jobs.inc({ kind: 'run', status: 'succeeded' });
        return { runId: built.runId };
      } catch (err) {
        ctx.metrics.jobs.inc({ kind: 'run', status: 'failed' });
        throw err;
      } finally {
        if (upload !== undefined) await removeUpload(ctx.runsRoot, upload.id);
      }
    });
    log.info({ jobId: job.id, strategy: config.strategy.name, symbols: config.symbols }, 'run job queued');
    res
      .status(202)
      .location(`${req.baseUrl}/api/jobs/${job.id}`)
      .json({ ...job, statusUrl: `${req.baseUrl}/api/jobs/${job.id}` });
  });

  router.get('/api/jobs/:id', gate, (req, res) => {
    const job = ctx.queue.get(String(req.params.id));
    if (job === undefined)
      throw new BuffError('NOT_FOUND', `no job ${String(req.params.id).slice(0, 40)}`, { details: { key: 'id' } });
    res.json(job);
  });
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
