import type { ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPgJobQueue } from '@buff/registry';
import { runBuilt } from './helpers/built-cli.js';
import { lastJson } from './helpers/cli.js';
import { SWEEP_DEMO, expectCellsDone, expectSameSweep, sweepInProcess } from './helpers/sweep-checks.js';
import { makeTempDir } from './helpers/tmp.js';
import { exited, killWhileHoldingJob, startBuiltWorker } from './helpers/workers.js';
import { startTestPostgres } from './helpers/pg.js';

const startWorker = (args: string[]) => startBuiltWorker(args, { BUFF_JOBS_SUPERVISE_SECONDS: '1' });

const server = await startTestPostgres();

// The same as worker-cli.test.ts on PostgreSQL (pg-boss): the SIGKILLed worker's cell comes back
// after its heartbeat lapses (10 s), and the best cell's run is listed by the postgres registry.
describe.skipIf(!server)('buff worker --driver pg (built CLI, real PostgreSQL)', () => {
  const tmp = makeTempDir('buff-worker-');
  const data = join(tmp.dir, 'data');
  const workers: ChildProcess[] = [];
  afterAll(() => {
    for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
    tmp.cleanup();
    return server?.stop();
  });

  it('runs sweep cells over pg-boss; a SIGKILLed worker’s cell is retried by another after its heartbeat lapses', async () => {
    const expected = await sweepInProcess(join(tmp.dir, 'a'), data);

    const runsRoot = join(tmp.dir, 'b');
    const url = await (server as NonNullable<typeof server>).createDatabase();
    const flags = ['--runs-root', runsRoot, '--data-root', data, '--heartbeat-seconds', '10', '--pg-url', url];
    const doomed = startWorker(['--driver', 'pg', ...flags]);
    workers.push(doomed);
    const sweep = runBuilt(['sweep', '--config', SWEEP_DEMO, '--driver', 'pg', ...flags, '--json']);
    const queue = await openPgJobQueue({ url, heartbeatSeconds: 10 });
    const held = await killWhileHoldingJob(doomed, queue);
    const rescuer = startWorker(['--driver', 'pg', ...flags]);
    workers.push(rescuer);

    const result = await sweep;
    const report = expectSameSweep(result, expected);
    const cells = await expectCellsDone(queue, report.cells);
    const retried = cells.find((job) => job.id === held.id);
    expect(retried).toMatchObject({ attempts: 2, worker: expect.stringContaining(`:${rescuer.pid}`) });
    expect(readdirSync(join(runsRoot, 'sweeps'))).toEqual([report.sweepId]);
    const best = lastJson<{ best: { runId: string } }>(result.stdout).best.runId;
    const listed = await runBuilt([
      'runs',
      'list',
      '--driver',
      'postgres',
      '--pg-url',
      url,
      '--runs-root',
      runsRoot,
      '--json',
    ]);
    expect(listed.stdout).toContain(best);
    await queue.close();

    rescuer.kill('SIGTERM');
    expect(await exited(rescuer)).toBe(0);
  }, 300_000);
});
