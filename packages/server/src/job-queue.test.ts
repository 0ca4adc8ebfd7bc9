import { describe, expect, it } from 'vitest';
import { BuffError, isBuffError, silentLogger } from '@buff/core';
import { createJobQueue } from './job-queue.js';

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

describe('createJobQueue', () => {
  it('runs jobs with bounded concurrency and records results and errors', async () => {
    const queue = createJobQueue({ concurrency: 1, maxJobs: 3, logger: silentLogger() });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const a = queue.submit('run', async ({ setStep }) => {
      setStep('build');
      await gate;
      return { runId: 'run-0000000000000001' };
    });
    const b = queue.submit('run', async () => {
      throw new BuffError('INVALID_CONFIG', 'bad key', { details: { key: 'x' } });
    });
    expect(queue.get(b.id)?.status).toBe('queued');
    expect(() => queue.submit('run', async () => ({}))).not.toThrow();
    expect(() => queue.submit('run', async () => ({}))).toThrow(expect.objectContaining({ code: 'TOO_MANY_JOBS' }));
    await until(() => queue.get(a.id)?.step === 'build');
    release();
    await until(() => queue.get(b.id)?.status === 'failed');
    expect(queue.get(a.id)).toMatchObject({ status: 'succeeded', runId: 'run-0000000000000001' });
    expect(queue.get(b.id)?.error).toEqual({ code: 'INVALID_CONFIG', message: 'bad key', details: { key: 'x' } });
    await queue.close();
    expect(queue.depth()).toBe(0);
    try {
      queue.submit('run', async () => ({}));
    } catch (err) {
      expect(isBuffError(err)).toBe(true);
    }
  });
});
