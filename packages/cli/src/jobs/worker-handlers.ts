import { z } from 'zod';
import { parseOrThrow } from '@buff/core';
import type { JobHandler, JobKind, JsonValue, RunRegistry } from '@buff/registry';
import { trainJobHandler } from './train-job.js';

const IngestPayloadSchema = z
  .object({ file: z.string(), symbol: z.string(), allowGaps: z.boolean().default(false) })
  .strict();

export interface WorkerRoots {
  runsRoot: string;
  dataRoot: string;
  modelsRoot: string;
  registry: () => Promise<RunRegistry>;
}

/**
 * The handlers of `buff worker`: `ingest` (a CSV into the dataset store), `build` (the server's
 * build job: a run config, optionally an upload), `sweep-cell` (a chunk of cells' summaries). Run
 * ids are content ids and the dataset store commits whole, so a retried job publishes once.
 * `train` (trainJobHandler: a model trained through @buff/ml, registered once).
 * @example startJobWorker({ queue, workerId, handlers: await workerHandlers(roots) });
 */
export async function workerHandlers(roots: WorkerRoots): Promise<Partial<Record<JobKind, JobHandler>>> {
  const [{ buildJobHandler }, { sweepCellSummaries }, { ingestCsv }] = await Promise.all([
    import('@buff/server'),
    import('@buff/engine'),
    import('@buff/ingest'),
  ]);
  const cache = {};
  return {
    ingest: async (job, ctx) => {
      const payload = parseOrThrow(IngestPayloadSchema, job.payload, 'INVALID_INPUT', `job ${job.id} payload`);
      ctx.progress({ step: 'ingest' });
      const result = await ingestCsv(payload.file, {
        symbol: payload.symbol,
        allowGaps: payload.allowGaps,
        dataRoot: roots.dataRoot,
      });
      return { symbol: payload.symbol, rows: result.rows, sourceSha256: result.sourceSha256 };
    },
    train: trainJobHandler({ dataRoot: roots.dataRoot, modelsRoot: roots.modelsRoot }),
    build: buildJobHandler({ runsRoot: roots.runsRoot, dataRoot: roots.dataRoot, runStore: roots.registry }),
    'sweep-cell': async (job, ctx) => {
      ctx.progress({ step: 'simulate' });
      const summaries = await sweepCellSummaries(job.payload, roots.dataRoot, cache, {
        signal: ctx.signal,
        onCell: (done, total) => ctx.progress({ step: 'simulate', done, total }),
      });
      return summaries as unknown as JsonValue;
    },
  };
}
