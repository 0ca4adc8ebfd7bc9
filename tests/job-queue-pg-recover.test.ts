import { afterAll, describe, expect, it } from 'vitest';
import { openPgJobQueue } from '../packages/registry/src/jobs/pg-job-queue.js';
import { startTestPostgres } from './helpers/pg.js';

const server = await startTestPostgres();
afterAll(() => server?.stop());

// recover() on PostgreSQL: the running jobs whose heartbeat lapsed are taken back and counted in
// pages (two ids a page here, so three lapsed jobs take two pages); a job still beating is left
// running. The background supervisor is slowed to an hour so that recover() is what takes them back.
describe.skipIf(!server)('pg job queue recover (real PostgreSQL)', () => {
  it('takes back and counts the lapsed jobs page by page, leaves a beating one running', async () => {
    const url = await (server as NonNullable<typeof server>).createDatabase();
    const queue = await openPgJobQueue({ url, heartbeatSeconds: 10, superviseSeconds: 3600, listPageSize: 2 });
    try {
      const jobs = [];
      for (let i = 0; i < 4; i++) jobs.push(await queue.submit({ kind: 'build', payload: { i } }));
      const claimed = [];
      for (let i = 0; i < 4; i++) claimed.push(await queue.claim(`w${i}`, ['build']));
      expect(claimed.every((c) => c?.attempt === 1)).toBe(true);
      await new Promise((r) => setTimeout(r, 11_000));
      const beating = claimed[3] as NonNullable<(typeof claimed)[number]>;
      expect(await queue.heartbeat(beating.job.id, 1)).toBe(true);
      expect(await queue.recover()).toBe(3);
      const after = await Promise.all(jobs.map((job) => queue.get(job.id)));
      expect(after.map((job) => job?.status).sort()).toEqual(['interrupted', 'interrupted', 'interrupted', 'running']);
      expect((await queue.get(beating.job.id))?.status).toBe('running');
      expect(await queue.recover()).toBe(0);
    } finally {
      await queue.close();
    }
  }, 120_000);
});
