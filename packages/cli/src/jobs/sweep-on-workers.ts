import { BuffError, type Logger } from '@buff/core';
import type { Job, JobQueue } from '@buff/registry';

/**
 * `buff sweep --driver fs|pg`: one `sweep-cell` job per cell, run by `buff worker`s; waits until
 * every cell is done and returns their equity curves in cell order. A cell that fails fails the
 * sweep with its reason; a cell whose worker died is retried by the queue.
 * @example runSweep(sweep, { ...options, cellEquities: cellsOnWorkers(queue, report) });
 */
export function cellsOnWorkers(
  queue: JobQueue,
  progress: (line: string) => void,
  options: { pollMs?: number; logger?: Logger } = {},
): (cells: Array<{ cell: number; config: Record<string, unknown> }>, sweepId: string) => Promise<Float64Array[]> {
  return async (cells, sweepId) => {
    const ids: string[] = [];
    for (const { cell, config } of cells) {
      const job = await queue.submit({ kind: 'sweep-cell', payload: { sweepKey: sweepId, cell, config } as never });
      ids.push(job.id);
    }
    progress(`${sweepId}: ${ids.length} cells queued on the ${queue.driver} job queue`);
    const results = new Map<string, number[]>();
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
        if (job.status === 'done') results.set(id, job.result as number[]);
      }
      if (results.size !== reported) {
        reported = results.size;
        progress(`${sweepId}: ${results.size}/${ids.length} cells done`);
      }
      if (results.size < ids.length) await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
    }
    return ids.map((id) => Float64Array.from(results.get(id) as number[]));
  };
}
