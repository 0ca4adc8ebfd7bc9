import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobQueue } from './job-queue.js';

/** A queue under test and how to open a second instance on the same storage (another process, a restart). */
export interface JobQueueFixture {
  queue: JobQueue;
  reopen(): Promise<JobQueue>;
  cleanup(): Promise<void>;
  /** How long a silent worker may take to be noticed (heartbeat + supervisor), in ms. */
  noticeMs: number;
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * The one suite every JobQueue driver passes.
 * @example describeJobQueue('fs', async () => ({ queue, reopen, cleanup, noticeMs: 5000 }));
 */
export function describeJobQueue(name: string, open: () => Promise<JobQueueFixture>): void {
  describe(`JobQueue contract: ${name}`, () => {
    let fixture: JobQueueFixture;
    let queue: JobQueue;
    const others: JobQueue[] = [];
    const reopen = async (): Promise<JobQueue> => {
      const other = await fixture.reopen();
      others.push(other);
      return other;
    };
    beforeEach(async () => {
      fixture = await open();
      queue = fixture.queue;
    });
    afterEach(async () => {
      for (const other of others.splice(0)) await other.close();
      await queue.close();
      await fixture.cleanup();
    });

    it('queues plain JSON, hands each job to one claim, and keeps the result', async () => {
      const a = await queue.submit({ kind: 'build', payload: { config: 'a.yml', n: [1, 2] } });
      const b = await queue.submit({ kind: 'ingest', payload: 'b' });
      expect(a).toMatchObject({ status: 'queued', attempts: 0, kind: 'build', progress: { step: 'queued' } });
      expect(await queue.depth()).toBe(2);
      const first = await queue.claim('w1');
      expect(first?.job).toMatchObject({ id: a.id, status: 'running', attempts: 1, worker: 'w1' });
      expect(first?.job.payload).toEqual({ config: 'a.yml', n: [1, 2] });
      expect((await queue.claim('w2'))?.job.id).toBe(b.id);
      expect(await queue.claim('w3')).toBeUndefined();
      expect(await queue.heartbeat(a.id, 1, { step: 'simulate', done: 3, total: 10 })).toBe(true);
      expect((await queue.get(a.id))?.progress).toEqual({ step: 'simulate', done: 3, total: 10 });
      expect(await queue.complete(a.id, 1, { runId: 'run-0123456789abcdef' })).toBe(true);
      expect(await queue.complete(a.id, 1, { runId: 'other' })).toBe(false);
      const done = await queue.get(a.id);
      expect(done).toMatchObject({ status: 'done', result: { runId: 'run-0123456789abcdef' }, attempts: 1 });
      expect(done?.finishedAt).toBeDefined();
      expect((await queue.list({ status: 'done' })).map((job) => job.id)).toEqual([a.id]);
      expect(await queue.get('job-nonexistent')).toBeUndefined();
    });

    it('lists newest first by status and kind, within the limit, across pages', async () => {
      const ids: string[] = [];
      for (const name of ['a', 'b', 'c', 'd', 'e']) {
        ids.push((await queue.submit({ kind: 'build', payload: name })).id);
        await new Promise((resolve) => setTimeout(resolve, 5)); // distinct creation times
      }
      const [a, b, c, d, e] = ids;
      for (const _ of [a, b, c]) await queue.claim('w1');
      expect(await queue.complete(a as string, 1, 'ok-a')).toBe(true);
      expect(await queue.fail(b as string, 1, 'bad input')).toBe(true);
      expect(await queue.complete(c as string, 1, 'ok-c')).toBe(true);
      const idsOf = async (query: Parameters<JobQueue['list']>[0]) => (await queue.list(query)).map((job) => job.id);
      expect(await idsOf({ limit: 3 })).toEqual([e, d, c]);
      expect(await idsOf({ status: 'done' })).toEqual([c, a]);
      expect(await idsOf({ status: 'done', limit: 1 })).toEqual([c]);
      expect(await idsOf({ status: 'failed' })).toEqual([b]);
      expect(await idsOf({ status: 'queued', kind: 'build' })).toEqual([e, d]);
      expect(await idsOf({ status: 'queued', kind: 'train' })).toEqual([]);
      expect(await idsOf({})).toEqual([e, d, c, b, a]);
    });

    it('claims only the kinds asked for', async () => {
      const build = await queue.submit({ kind: 'build', payload: 1 });
      const cell = await queue.submit({ kind: 'sweep-cell', payload: 2 });
      expect((await queue.claim('w', ['sweep-cell']))?.job.id).toBe(cell.id);
      expect(await queue.claim('w', ['sweep-cell'])).toBeUndefined();
      expect((await queue.claim('w', ['build']))?.job.id).toBe(build.id);
    });

    it('refuses a payload that is not plain JSON, with a BuffError', async () => {
      await expect(queue.submit({ kind: 'build', payload: (() => 1) as never })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
      await expect(queue.submit({ kind: 'deploy' as never, payload: 1 })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
    });

    it('fails a job for good with its reason; a hand-back is interrupted and retried', async () => {
      const bad = await queue.submit({ kind: 'build', payload: 'bad' });
      const back = await queue.submit({ kind: 'build', payload: 'back' });
      const one = await queue.claim('w1');
      expect(await queue.fail(bad.id, one?.attempt ?? 0, 'INVALID_CONFIG: no such strategy')).toBe(true);
      expect(await queue.get(bad.id)).toMatchObject({ status: 'failed', reason: 'INVALID_CONFIG: no such strategy' });
      const two = await queue.claim('w1');
      expect(two?.job.id).toBe(back.id);
      expect(await queue.release(back.id, two?.attempt ?? 0, 'worker w1 stopping (SIGTERM)')).toBe(true);
      expect(await queue.get(back.id)).toMatchObject({ status: 'interrupted', reason: 'worker w1 stopping (SIGTERM)' });
      const again = await queue.claim('w2');
      expect(again).toMatchObject({ job: { id: back.id, status: 'running', attempts: 2, worker: 'w2' }, attempt: 2 });
      expect(await queue.complete(back.id, 1, 'stale')).toBe(false);
      expect(await queue.complete(back.id, 2, 'fresh')).toBe(true);
      expect(await queue.get(back.id)).toMatchObject({ status: 'done', result: 'fresh' });
      expect(await queue.claim('w3')).toBeUndefined();
    });

    it('after a crash: running -> interrupted with a reason and retried, queued stay queued, finished keep results', async () => {
      const finished = await queue.submit({ kind: 'train', payload: 'f' });
      const crashed = await queue.submit({ kind: 'build', payload: 'c' });
      const waiting = await queue.submit({ kind: 'ingest', payload: 'w' });
      const f = await queue.claim('w1', ['train']);
      await queue.complete(finished.id, f?.attempt ?? 0, { runId: 'run-f' });
      const c = await queue.claim('dead-worker', ['build']);
      expect(c?.job.id).toBe(crashed.id);
      // the worker holding `crashed` goes silent; another process opens the same queue
      const restarted = await reopen();
      const seen = await until('the silent job to be interrupted', fixture.noticeMs, async () => {
        await restarted.recover();
        const job = await restarted.get(crashed.id);
        return job?.status === 'interrupted' ? job : undefined;
      });
      expect(seen.reason).toMatch(/dead-worker/);
      expect(await restarted.get(waiting.id)).toMatchObject({ status: 'queued', attempts: 0 });
      expect(await restarted.get(finished.id)).toMatchObject({ status: 'done', result: { runId: 'run-f' } });
      const retry = await restarted.claim('w2', ['build']);
      expect(retry).toMatchObject({ job: { id: crashed.id, attempts: 2 }, attempt: 2 });
      expect(await queue.complete(crashed.id, c?.attempt ?? 0, 'late')).toBe(false);
      expect(await restarted.complete(crashed.id, 2, { runId: 'run-c' })).toBe(true);
      expect(await queue.get(crashed.id)).toMatchObject({ status: 'done', result: { runId: 'run-c' } });
      expect((await queue.get(crashed.id))?.reason, 'a retried job keeps why it was interrupted').toMatch(
        /dead-worker/,
      );
    });

    it('two instances claiming at once take every job exactly once', async () => {
      const other = await reopen();
      const ids = new Set<string>();
      for (let i = 0; i < 12; i += 1) ids.add((await queue.submit({ kind: 'sweep-cell', payload: i })).id);
      const takeAll = async (q: JobQueue, worker: string): Promise<string[]> => {
        const taken: string[] = [];
        for (;;) {
          const claimed = await q.claim(worker);
          if (!claimed) return taken;
          taken.push(claimed.job.id);
          await q.complete(claimed.job.id, claimed.attempt, worker);
        }
      };
      const [a, b] = await Promise.all([takeAll(queue, 'a'), takeAll(other, 'b')]);
      expect([...a, ...b].sort()).toEqual([...ids].sort());
      expect(await queue.depth()).toBe(0);
    });
  });
}
