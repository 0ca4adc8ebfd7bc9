import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Job, openFsJobQueue } from '@buff/registry';
import { runBuilt } from './helpers/built-cli.js';
import { lastJson } from './helpers/cli.js';
import { makeTempDir } from './helpers/tmp.js';
import { exited, startBuiltWorker } from './helpers/workers.js';

// `train` jobs through the fs queue and the built `buff worker`: a CI-sized LSTM is trained via
// @buff/ml and registered in the model registry; the same job submitted again (a retry, a user
// resubmitting) finds the version the first registered, so the registry gets it exactly once. A job
// that tries to choose the worker's roots fails with its reason.
describe('buff worker runs train jobs (built CLI, fs queue)', () => {
  const tmp = makeTempDir('buff-worker-train-');
  const workers: ChildProcess[] = [];
  afterAll(() => {
    for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
    tmp.cleanup();
  });

  it('trains, registers the version once, and refuses a payload naming roots', async () => {
    const data = join(tmp.dir, 'data');
    const models = join(tmp.dir, 'models');
    const runsRoot = join(tmp.dir, 'runs');
    const synth = await runBuilt([
      'data',
      'synth',
      '--symbol',
      'SIG-TRN',
      '--days',
      '4',
      '--seed',
      '1',
      '--signal',
      '1',
      '--data-root',
      data,
    ]);
    expect(synth.code, synth.stderr).toBe(0);
    const options = {
      model: 'lstm',
      symbols: ['SIG-TRN'],
      units: 8,
      epochs: 2,
      window: 16,
      features: ['ret_1', 'ret_5'],
      trainFrac: 0.5,
      valFrac: 0.2,
      learningRate: 0.02,
    };
    const queue = openFsJobQueue({ runsRoot });
    const first = await queue.submit({ kind: 'train', payload: options });
    const again = await queue.submit({ kind: 'train', payload: options });
    const bad = await queue.submit({ kind: 'train', payload: { ...options, dataRoot: '/elsewhere' } });

    const worker = startBuiltWorker(['--runs-root', runsRoot, '--data-root', data, '--models-root', models]);
    workers.push(worker);
    const finished = async (): Promise<Job[]> => {
      for (let i = 0; i < 1200; i++) {
        const jobs = (await Promise.all([first, again, bad].map((j) => queue.get(j.id)))) as Job[];
        if (jobs.every((j) => j.status === 'done' || j.status === 'failed')) return jobs;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error('the train jobs did not finish in 300 s');
    };
    const [one, two, refused] = await finished();
    expect(one).toMatchObject({
      status: 'done',
      attempts: 1,
      result: { name: 'lstm-SIG-TRN-1m', version: 1, registered: true },
    });
    expect(two).toMatchObject({ status: 'done', result: { version: 1, registered: false } });
    expect((two?.result as { modelId: string }).modelId).toBe((one?.result as { modelId: string }).modelId);
    expect(refused?.status).toBe('failed');
    expect(refused?.reason).toMatch(/INVALID_INPUT: .*dataRoot is the worker's to choose/);
    await queue.close();

    const listed = await runBuilt(['models', 'list', '--name', 'lstm-SIG-TRN-1m', '--models-root', models, '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const { versions } = lastJson<{ versions: Array<{ version: number; modelId?: string }> }>(listed.stdout);
    expect(versions).toHaveLength(1);

    worker.kill('SIGTERM');
    expect(await exited(worker)).toBe(0);
  }, 420_000);
});
