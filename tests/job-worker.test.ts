import { afterAll, describe, expect, it } from 'vitest';
import { type JobQueue, openFsJobQueue, startJobWorker } from '@buff/registry';
import { makeTempDir } from './helpers/tmp.js';

/** The queue, with its first `times` calls of `method` throwing as an unreachable database would. */
function flaky(queue: JobQueue, method: 'complete' | 'fail', times: number): JobQueue & { thrown: number } {
  const wrapped = Object.create(queue) as JobQueue & { thrown: number };
  wrapped.thrown = 0;
  wrapped[method] = async (...args: [string, number, never]) => {
    if (wrapped.thrown < times) {
      wrapped.thrown += 1;
      throw Object.assign(new Error('connect ENETUNREACH 10.213.0.1:5432'), { code: 'ENETUNREACH' });
    }
    return (queue[method] as (...a: typeof args) => Promise<boolean>)(...args);
  };
  return wrapped;
}

async function settled(queue: JobQueue, id: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const status = (await queue.get(id))?.status;
    if (status === 'done' || status === 'failed') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${id} never settled`);
}

// A network blip while a worker records an outcome (seen in tests/worker-netns.test.ts with the link
// down): the call is retried, the job is neither failed for good nor lost, and the worker goes on.
describe('startJobWorker when the queue does not answer', () => {
  const tmp = makeTempDir('buff-job-worker-');
  afterAll(() => tmp.cleanup());

  it('retries complete and fail until the queue answers, then takes the next job', async () => {
    const base = await openFsJobQueue({ runsRoot: tmp.dir, heartbeatSeconds: 30 });
    const queue = flaky(flaky(base, 'complete', 2), 'fail', 1);
    const outcomes: string[] = [];
    const worker = startJobWorker({
      queue,
      workerId: 'test:1',
      pollMs: 20,
      handlers: {
        build: async (job) => {
          if ((job.payload as { bad?: boolean }).bad) throw new Error('bad input');
          return { built: (job.payload as { n: number }).n };
        },
      },
      onSettled: (_job, outcome) => outcomes.push(outcome),
    });
    const first = await queue.submit({ kind: 'build', payload: { n: 1 } });
    await settled(base, first.id);
    const second = await queue.submit({ kind: 'build', payload: { bad: true } });
    await settled(base, second.id);
    await worker.stop();
    expect(await base.get(first.id)).toMatchObject({ status: 'done', result: { built: 1 }, attempts: 1 });
    expect(await base.get(second.id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await base.get(second.id))?.reason).toContain('bad input');
    expect(outcomes).toEqual(['done', 'failed']);
    await base.close();
  }, 60_000);
});

// An idle worker on the fs queue wakes when the journal changes (issue 14 speed: pickup latency),
// not after its poll interval: with a ten-minute poll, a job submitted by another process's queue
// is still taken and done, and a waiter on `changed` sees the change.
describe('startJobWorker on the fs queue', () => {
  const tmp = makeTempDir('buff-job-worker-wake-');
  afterAll(() => tmp.cleanup());

  it('takes a job submitted while it waits, long before its poll interval ends', async () => {
    const own = await openFsJobQueue({ runsRoot: tmp.dir, heartbeatSeconds: 30 });
    const other = await openFsJobQueue({ runsRoot: tmp.dir, heartbeatSeconds: 30 });
    let claims = 0;
    const counted = Object.create(own) as JobQueue;
    counted.claim = (...args) => {
      claims += 1;
      return own.claim(...args);
    };
    const worker = startJobWorker({
      queue: counted,
      workerId: 'test:wake',
      pollMs: 600_000,
      handlers: { build: async (job) => ({ built: (job.payload as { n: number }).n }) },
    });
    for (let i = 0; i < 100 && claims === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(claims).toBe(1); // the first, empty claim: the worker now waits
    const seen = other.changed?.(600_000);
    const job = await other.submit({ kind: 'build', payload: { n: 7 } });
    await seen; // the submitting queue's own waiter wakes as well
    await settled(other, job.id);
    expect(await other.get(job.id)).toMatchObject({ status: 'done', result: { built: 7 }, attempts: 1 });
    await worker.stop();
    await Promise.all([own.close(), other.close()]);
  }, 60_000);
});
