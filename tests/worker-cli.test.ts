import type { ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openFsJobQueue } from '@buff/registry';
import { runBuilt } from './helpers/built-cli.js';
import { SWEEP_DEMO, expectCellsDone, expectSameSweep, sweepInProcess } from './helpers/sweep-checks.js';
import { makeTempDir } from './helpers/tmp.js';
import { exited, killWhileHoldingJob, startBuiltWorker } from './helpers/workers.js';

// `buff sweep --driver fs --cells-per-job 4` queues the 9 cells as sweep-cell jobs of 4, 4 and 1 cells;
// `buff worker`s run them. A worker is SIGKILLed while it holds a chunk: another worker retries the
// chunk, every cell is done exactly once, and the sweep's report is byte-identical to the in-process
// sweep's.
describe('buff worker (built CLI)', () => {
  const tmp = makeTempDir('buff-worker-');
  const data = join(tmp.dir, 'data');
  const workers: ChildProcess[] = [];
  afterAll(() => {
    for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
    tmp.cleanup();
  });

  it('runs sweep cells; a SIGKILLed worker’s cell is retried elsewhere and published once', async () => {
    const expected = await sweepInProcess(join(tmp.dir, 'a'), data);

    const runsRoot = join(tmp.dir, 'b');
    const flags = ['--runs-root', runsRoot, '--data-root', data, '--heartbeat-seconds', '5'];
    const doomed = startBuiltWorker(flags);
    workers.push(doomed);
    const sweep = runBuilt([
      'sweep',
      '--config',
      SWEEP_DEMO,
      '--driver',
      'fs',
      '--cells-per-job',
      '4',
      ...flags,
      '--json',
    ]);
    const queue = openFsJobQueue({ runsRoot });
    const held = await killWhileHoldingJob(doomed, queue);
    const rescuer = startBuiltWorker(flags);
    workers.push(rescuer);

    const result = await sweep;
    const report = expectSameSweep(result, expected);
    const cells = await expectCellsDone(queue, report.cells);
    expect(cells.map((job) => (job.payload as { cells: unknown[] }).cells.length).sort()).toEqual([1, 4, 4]);
    const retried = cells.find((job) => job.id === held.id);
    expect(retried).toMatchObject({ attempts: 2, worker: expect.stringContaining(`:${rescuer.pid}`) });
    expect(retried?.reason).toMatch(new RegExp(`pid ${doomed.pid}\\) stopped without finishing`));
    expect(readdirSync(join(runsRoot, 'sweeps'))).toEqual([report.sweepId]);
    await queue.close();

    rescuer.kill('SIGTERM');
    expect(await exited(rescuer)).toBe(0);
  }, 300_000);
});
