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
 * `buff sweep --driver fs|pg`: `sweep-cell` jobs of about `perJob` cells each (`cellChunks`: the
 * jobs a worker takes share indicator series), run by `buff worker`s
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
    const { cellChunks, decodeCellSummary } = await import('@buff/engine');
    const chunks = cellChunks(cells, cellsPerJob(cells.length, options.perJob), options.perJob !== undefined);
    const ids: string[] = [];
    for (const chunk of chunks) {
      const payload = { sweepKey: sweepId, ...plan, cells: chunk.map(({ cell, config }) => ({ cell, config })) };
      ids.push((await queue.submit({ kind: 'sweep-cell', payload: payload as never })).id);
    }
    progress(`${sweepId}: ${cells.length} cells queued as ${ids.length} jobs on the ${queue.driver} job queue`);
    const results = await waitForJobs(
      queue,
      ids,
      (done) => progress(`${sweepId}: ${done}/${ids.length} jobs done`),
      options.pollMs,
    );
    const summaries: CellSummary[] = new Array(cells.length);
    ids.forEach((id, j) => {
      const result = results.get(id);
      const chunk = chunks[j] as typeof cells;
      if (!Array.isArray(result) || result.length !== chunk.length)
        throw new BuffError('CORRUPT_ARTIFACT', `sweep cell job ${id} has no list of ${chunk.length} cell summaries`, {
          details: { key: 'result', value: id },
        });
      chunk.forEach(({ cell }, k) => {
        summaries[cell] = decodeCellSummary(result[k], `sweep cell job ${id}`);
      });
    });
    return summaries;
  };
}

/**
 * Waits until every job is done (woken by the queue's `changed`, else every `pollMs`); throws on
 * the first failed one found. Workers claim jobs oldest
 * first, so they finish about in order: each tick reads the first unfinished job and, once it is
 * done, walks on while the next ones are done too (each job is read about once, plus one read a
 * tick), instead of reading every unfinished job every tick. Every `sweepEvery` ticks the whole rest
 * is read as well, so that a failed job further on fails the sweep without waiting for its turn.
 */
async function waitForJobs(
  queue: JobQueue,
  ids: string[],
  onDone: (done: number) => void,
  pollMs = 200,
  sweepEvery = 25,
): Promise<Map<string, Job['result']>> {
  const results = new Map<string, Job['result']>();
  let next = 0;
  for (let tick = 1; ; tick++) {
    const before = results.size;
    const full = tick % sweepEvery === 0;
    for (let i = next; i < ids.length; i++) {
      const id = ids[i] as string;
      if (results.has(id)) continue;
      const job = (await queue.get(id)) as Job;
      if (job.status === 'failed') {
        throw new BuffError('INTERNAL', `sweep cell job ${id} failed: ${job.reason ?? 'no reason'}`, {
          details: { key: 'cell', value: id },
        });
      }
      if (job.status === 'done') results.set(id, job.result);
      else if (!full) break;
    }
    while (next < ids.length && results.has(ids[next] as string)) next += 1;
    if (results.size !== before || tick === 1) onDone(results.size);
    if (results.size === ids.length) return results;
    // a queue that signals changes wakes this as soon as a worker records a job
    await (queue.changed?.(pollMs) ?? new Promise((r) => setTimeout(r, pollMs)));
  }
}
