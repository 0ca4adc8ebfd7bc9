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
  // Training is one synchronous loop; it runs in a thread of its own so the worker's main thread keeps
  // beating. With 3 s heartbeats (a beat a second) and a training of several seconds, the job's
  // updatedAt must move while it trains, and a `recover` with a 3 s stale threshold run all along
  // must never take it back: the job ends done at its first attempt.
  it('keeps beating while it trains: recover never takes a long train job back', async () => {
    const data = join(tmp.dir, 'data-long');
    const runsRoot = join(tmp.dir, 'runs-long');
    const synth = await runBuilt([
      'data',
      'synth',
      '--symbol',
      'SIG-LNG',
      '--days',
      '6',
      '--seed',
      '2',
      '--data-root',
      data,
    ]);
    expect(synth.code, synth.stderr).toBe(0);
    const options = {
      model: 'lstm',
      symbols: ['SIG-LNG'],
      units: 24,
      epochs: 8,
      patience: 8,
      window: 32,
      features: ['ret_1', 'ret_5'],
    };
    const queue = openFsJobQueue({ runsRoot, heartbeatSeconds: 3 });
    const { id } = await queue.submit({ kind: 'train', payload: options });
    const worker = startBuiltWorker([
      '--runs-root',
      runsRoot,
      '--data-root',
      data,
      '--models-root',
      join(tmp.dir, 'models-long'),
      '--heartbeat-seconds',
      '3',
    ]);
    workers.push(worker);
    const beats = new Set<string>();
    let reclaimed = 0;
    let job: Job | undefined;
    for (let i = 0; i < 2400 && job?.status !== 'done' && job?.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      reclaimed += await queue.recover();
      job = await queue.get(id);
      if (job?.status === 'running' && job.progress.step === 'train') beats.add(job.updatedAt);
    }
    await queue.close();
    expect(reclaimed).toBe(0);
    expect(job).toMatchObject({ status: 'done', attempts: 1 });
    // a beat a second during a training of several seconds (the epochs are only seen through beats)
    expect(beats.size).toBeGreaterThanOrEqual(4);
    worker.kill('SIGTERM');
    expect(await exited(worker)).toBe(0);
  }, 420_000);
  // The event loop is free while the thread trains, so SIGTERM is handled at once: with no grace the
  // job is handed back mid-training (interrupted, retried elsewhere), the thread is ended and nothing
  // is registered. On the main thread the signal waited for the training, and the job ended done.
  it('hands a train job back on SIGTERM mid-training, registering nothing', async () => {
    const data = join(tmp.dir, 'data-term');
    const runsRoot = join(tmp.dir, 'runs-term');
    const models = join(tmp.dir, 'models-term');
    const synth = await runBuilt([
      'data',
      'synth',
      '--symbol',
      'SIG-TRM',
      '--days',
      '6',
      '--seed',
      '3',
      '--data-root',
      data,
    ]);
    expect(synth.code, synth.stderr).toBe(0);
    const options = {
      model: 'lstm',
      symbols: ['SIG-TRM'],
      units: 24,
      epochs: 8,
      patience: 8,
      window: 32,
      features: ['ret_1', 'ret_5'],
    };
    const queue = openFsJobQueue({ runsRoot });
    const { id } = await queue.submit({ kind: 'train', payload: options });
    const worker = startBuiltWorker([
      '--runs-root',
      runsRoot,
      '--data-root',
      data,
      '--models-root',
      models,
      '--grace-seconds',
      '0',
    ]);
    workers.push(worker);
    let job: Job | undefined;
    for (let i = 0; i < 2400 && !(job?.status === 'running' && job.progress.step === 'train'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      job = await queue.get(id);
    }
    expect(job?.progress.step).toBe('train');
    worker.kill('SIGTERM');
    expect(await exited(worker)).toBe(0);
    expect(await queue.get(id)).toMatchObject({
      status: 'interrupted',
      attempts: 1,
      reason: expect.stringMatching(/stopped by SIGTERM/),
    });
    await queue.close();
    const listed = await runBuilt(['models', 'list', '--models-root', models, '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.stringify(lastJson(listed.stdout))).not.toContain('SIG-TRM');
  }, 420_000);
});
