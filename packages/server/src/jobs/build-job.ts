import { z } from 'zod';
import { BuffError, parseOrThrow } from '@buff/core';
import { buildRun, parseRunConfigWithTags } from '@buff/engine';
import { ingestCsv, listDatasets } from '@buff/ingest';
import { addRunTags, assertKillSwitchOff, type JobHandler, type JsonValue, type RunRegistry } from '@buff/registry';
import { removeUpload } from '../upload-store.js';

/** The payload of a `build` job: a run config (plain JSON) and, optionally, a staged CSV upload to ingest first. */
export const BuildJobPayloadSchema = z
  .object({
    config: z.record(z.string(), z.unknown()),
    upload: z
      .object({
        id: z.string(),
        symbol: z.string(),
        path: z.string(),
        allowGaps: z.boolean(),
        timezone: z.string().optional(),
        timestampFormat: z.enum(['iso', 'epoch-s', 'epoch-ms']).optional(),
      })
      .strict()
      .optional(),
    /** The request that submitted the job, bound to the job's log lines. */
    requestId: z.string().optional(),
  })
  .strict();
export type BuildJobPayload = z.infer<typeof BuildJobPayloadSchema>;

export interface BuildJobDeps {
  runsRoot: string;
  dataRoot: string;
  /** The run registry the run is published to and its config's `tags:` are set on. */
  runStore: () => Promise<RunRegistry>;
  /** Called once a run is registered (the server clears its list cache). */
  onBuilt?: (runId: string) => void;
}

/**
 * The `build` job handler (the server's POST /api/jobs, `buff worker`): ingests the upload unless
 * its symbol is already stored, builds the run into the registry, adds the config's `tags:` to its
 * record (as `buff run build` does) and returns `{ runId, created, tags }`.
 * The run id is a content id, so a retried job publishes its run once.
 * @example startJobWorker({ queue, workerId, handlers: { build: buildJobHandler(deps) } });
 */
export function buildJobHandler(deps: BuildJobDeps): JobHandler {
  return async (job, ctx) => {
    const payload = parseOrThrow(BuildJobPayloadSchema, job.payload, 'INVALID_INPUT', `job ${job.id} payload`);
    const { config, tags: configTags } = parseRunConfigWithTags(payload.config, `job ${job.id} config`);
    const { upload } = payload;
    const logger = payload.requestId ? ctx.logger.child({ requestId: payload.requestId }) : ctx.logger;
    try {
      if (upload !== undefined && !(await listDatasets(deps.dataRoot)).some((d) => d.symbol === upload.symbol)) {
        ctx.progress({ step: 'ingest' });
        await assertKillSwitchOff(deps.runsRoot, 'ingest');
        await ingestCsv(upload.path, {
          symbol: upload.symbol,
          allowGaps: upload.allowGaps,
          ...(upload.timezone === undefined ? {} : { timezone: upload.timezone }),
          ...(upload.timestampFormat === undefined ? {} : { timestampFormat: upload.timestampFormat }),
          dataRoot: deps.dataRoot,
        });
        logger.info({ symbol: upload.symbol, uploadId: upload.id }, 'ingested upload');
      }
      ctx.progress({ step: 'build' });
      if (ctx.signal.aborted) throw new BuffError('CONFLICT', 'the job was handed back before its build');
      await assertKillSwitchOff(deps.runsRoot, 'run creation');
      const registry = await deps.runStore();
      const built = await buildRun(config, { runStore: registry, dataRoot: deps.dataRoot, logger });
      const tags = await addRunTags(registry, built.runId, configTags);
      deps.onBuilt?.(built.runId);
      logger.info({ runId: built.runId, created: built.created, tags }, 'run built and registered');
      return { runId: built.runId, created: built.created, tags } satisfies JsonValue;
    } finally {
      if (upload !== undefined) await removeUpload(deps.runsRoot, upload.id);
    }
  };
}
