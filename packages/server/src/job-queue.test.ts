import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BuffError, silentLogger } from '@buff/core';
import { openFsJobQueue, type Job } from '@buff/registry';
import { createServerJobs } from './job-queue.js';

async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('timed out');
}

describe('createServerJobs', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('runs durable jobs with bounded concurrency, records results and reasons, refuses beyond maxJobs', async () => {
    const runsRoot = mkdtempSync(join(tmpdir(), 'buff-server-jobs-'));
    dirs.push(runsRoot);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const settled: string[] = [];
    const jobs = createServerJobs({
      queue: async () => openFsJobQueue({ runsRoot }),
      handlers: {
        build: async (job, ctx) => {
          if (job.payload === 'bad') throw new BuffError('INVALID_CONFIG', 'bad key');
          ctx.progress({ step: 'build' });
          await gate;
          return { runId: 'run-0000000000000001' };
        },
      },
      concurrency: 1,
      maxJobs: 3,
      logger: silentLogger(),
      onSettled: (job, outcome) => settled.push(`${job.payload}:${outcome}`),
    });
    const a = await jobs.submit('build', 'good');
    const b = await jobs.submit('build', 'bad');
    await jobs.submit('build', 'third');
    await expect(jobs.submit('build', 'fourth')).rejects.toMatchObject({ code: 'TOO_MANY_JOBS' });
    await until(async () => ((await jobs.get(a.id))?.progress.step === 'build' ? true : undefined));
    expect((await jobs.get(b.id))?.status).toBe('queued');
    release();
    const failed = await until(async () => {
      const job = await jobs.get(b.id);
      return job?.status === 'failed' ? job : undefined;
    });
    expect(failed.reason).toBe('INVALID_CONFIG: bad key');
    expect(await jobs.get(a.id)).toMatchObject({ status: 'done', result: { runId: 'run-0000000000000001' } });
    await jobs.close(0);
    expect(settled.slice(0, 2)).toEqual(['good:done', 'bad:failed']);
    await expect(jobs.submit('build', 'late')).rejects.toMatchObject({ code: 'CONFLICT' });
    // a new process sees the same jobs
    const reopened = openFsJobQueue({ runsRoot });
    const seen: Job | undefined = await reopened.get(a.id);
    expect(seen?.status).toBe('done');
    await reopened.close();
  });
});
