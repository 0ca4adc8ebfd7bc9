import { BuffError } from '@buff/core';
import { openFsJobQueue } from './fs-job-queue.js';
import type { JobQueue, JobTiming } from './job-queue.js';
import { openPgJobQueue } from './pg-job-queue.js';

export interface JobQueueChoice extends JobTiming {
  /** `fs` (default): the journal under RUNS_ROOT/.buff/jobs; `pg`: pg-boss on `pgUrl`. */
  driver?: 'fs' | 'pg';
  runsRoot: string;
  pgUrl?: string;
  superviseSeconds?: number;
}

/**
 * Opens the chosen JobQueue driver.
 * @example const queue = await openJobQueue({ driver: 'pg', runsRoot: 'runs', pgUrl });
 */
export async function openJobQueue(choice: JobQueueChoice): Promise<JobQueue> {
  if ((choice.driver ?? 'fs') === 'fs') return openFsJobQueue(choice);
  if (!choice.pgUrl) {
    throw new BuffError('INVALID_CONFIG', 'the pg job queue needs a connection string (--pg-url / BUFF_PG_URL)', {
      details: { key: 'pgUrl' },
    });
  }
  return openPgJobQueue({ ...choice, url: choice.pgUrl });
}
