import { BuffError, type Logger } from '@buff/core';
import type { CellSummary, RunSweepOptions } from '@buff/engine';
import type { Job, JobQueue } from '@buff/registry';

/** Jobs a sweep is cut into when `--cells-per-job` is not given: enough for two dozen workers to share evenly. */
const TARGET_JOBS = 64;

/** Cells per `sweep-cell` job: `requested`, else as many as keep the sweep at about {@link TARGET_JOBS} jobs. */
export function cellsPerJob(cells: number, requested?: number): number {
  if (requested !== undefined) return Math.max(1, Math.floor(requested));
  return Math.max(1, Math.ceil(cells / TARGET_JOBS));
}

/**
 * `buff sweep --driver fs|pg`: `sweep-cell` jobs of `perJob` cells each, run by `buff worker`s
 * (one data load and one indicator cache per worker, a summary of a few hundred bytes back per
 * cell); waits until every job is done and returns the cells' summaries in cell order. A job that
 * fails fails the sweep with its reason; a job whose worker died is retried by the queue.
 * @example runSweep(sweep, { ...options, cellSummaries: cellsOnWorkers(queue, report) });
 */
export function cellsOnWorkers(
  queue: JobQueue,
  progress: (line: string) => void,
  options: { pollMs?: number; logger?: Logger; perJob?: number } = {},
): NonNullable<RunSweepOptions['cellSummaries']> {
  return async (cells, sweepId, plan) => {
    const { decodeCellSummary } = await import('@buff/engine');
    const perJob = cellsPerJob(cells.length, options.perJob);
    const ids: string[] = [];
    for (let from = 0; from < cells.length; from += perJob) {
      const payload = { sweepKey: sweepId, ...plan, cells: cells.slice(from, from + perJob) };
      ids.push((await queue.submit({ kind: 'sweep-cell', payload: payload as never })).id);
    }
    progress(`${sweepId}: ${cells.length} cells queued as ${ids.length} jobs on the ${queue.driver} job queue`);
    const results = await waitForJobs(
      queue,
      ids,
      (done) => progress(`${sweepId}: ${done}/${ids.length} jobs done`),
      options.pollMs,
    );
    return ids.flatMap((id) => {
      const result = results.get(id);
      if (!Array.isArray(result))
        throw new BuffError('CORRUPT_ARTIFACT', `sweep cell job ${id} has no list of cell summaries`, {
          details: { key: 'result', value: id },
        });
      return result.map((summary): CellSummary => decodeCellSummary(summary, `sweep cell job ${id}`));
    });
  };
}

/** Polls the jobs until all are done (each read once more only while unfinished); throws on the first failed one. */
async function waitForJobs(
  queue: JobQueue,
  ids: string[],
  onDone: (done: number) => void,
  pollMs = 500,
): Promise<Map<string, Job['result']>> {
  const results = new Map<string, Job['result']>();
  let reported = -1;
  while (results.size < ids.length) {
    for (const id of ids) {
      if (results.has(id)) continue;
      const job = (await queue.get(id)) as Job;
      if (job.status === 'failed') {
        throw new BuffError('INTERNAL', `sweep cell job ${id} failed: ${job.reason ?? 'no reason'}`, {
          details: { key: 'cell', value: id },
        });
      }
      if (job.status === 'done') results.set(id, job.result);
    }
    if (results.size !== reported) onDone((reported = results.size));
    if (results.size < ids.length) await new Promise((r) => setTimeout(r, pollMs));
  }
  return results;
}
