import type { Argv } from 'yargs';
import type { JobQueue } from '@buff/registry';

/** The job-queue flags of `buff worker` and `buff sweep`. */
export function jobQueueFlags<T>(y: Argv<T>) {
  return y
    .option('driver', {
      choices: ['fs', 'pg'] as const,
      default: 'fs' as const,
      describe: 'job queue: fs (journal under RUNS_ROOT/.buff/jobs, this machine) or pg (pg-boss, any machine)',
    })
    .option('pg-url', { type: 'string', describe: 'PostgreSQL connection string for --driver pg (else BUFF_PG_URL)' })
    .option('heartbeat-seconds', {
      type: 'number',
      default: 30,
      describe: 'a running job silent this long is taken back and retried (pg: >= 10)',
    })
    .option('runs-root', { type: 'string', describe: 'runs root (else RUNS_ROOT, else ./runs)' });
}

/** Opens the job queue the flags name. */
export async function openQueueFor(
  args: { driver: 'fs' | 'pg'; pgUrl?: string; heartbeatSeconds: number },
  runsRoot: string,
): Promise<JobQueue> {
  const { openJobQueue } = await import('@buff/registry');
  return openJobQueue({
    driver: args.driver,
    runsRoot,
    pgUrl: args.pgUrl ?? process.env.BUFF_PG_URL,
    heartbeatSeconds: args.heartbeatSeconds,
    superviseSeconds: Number(process.env.BUFF_JOBS_SUPERVISE_SECONDS) || undefined,
  });
}
