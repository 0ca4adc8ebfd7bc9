import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildFixtureRun,
  call,
  fixtureConfig,
  makeRoots,
  spawnServe,
  waitForJob,
  type ServeProcess,
} from './helpers/server.js';

const TOKEN = 'jobs-restart-token';
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
// a build over 1m bars for months: long enough to be caught running
const SLOW = { timeframe: '1m', window: { since: '2024-01-01T00:00:00Z', until: '2024-05-01T00:00:00Z' } };

// Jobs live in the journal under RUNS_ROOT/.buff/jobs: submit three, SIGKILL `buff serve` while the
// first runs, restart: the first is `interrupted` with a reason, the others still queued, the one
// finished before keeps its run id; a server that runs jobs again finishes all of them.
describe('server jobs survive SIGKILL', () => {
  const roots = makeRoots('buff-jobs-restart-');
  const args = ['--runs-root', roots.runsRoot, '--data-root', roots.dataRoot];
  const env = { BUFF_ADMIN_TOKEN: TOKEN, BUFF_FEATURE_RUNS_NEW: '1', BUFF_RUNS_PER_MINUTE: '100', BUFF_MAX_JOBS: '10' };
  let serve: ServeProcess | undefined;

  beforeAll(async () => {
    await buildFixtureRun(roots, SLOW); // stores the 1m bars the jobs read
  }, 300_000);
  afterAll(async () => {
    await serve?.stop('SIGKILL');
    roots.cleanup();
  });

  const submit = async (name: string, extra: Record<string, unknown> = {}): Promise<string> => {
    const { data: _data, ...config } = fixtureConfig({ name, ...extra });
    const res = await call(`${serve?.url}/api/jobs`, { method: 'POST', headers, body: JSON.stringify({ config }) });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body.id as string;
  };
  const job = async (id: string): Promise<Record<string, any>> => (await call(`${serve?.url}/api/jobs/${id}`)).body;

  it('reports interrupted / queued / done after a restart, then retries and finishes each job once', async () => {
    serve = await spawnServe(args, env);
    const early = await submit('finished before the kill');
    const finished = await waitForJob(`${serve.url}/api/jobs/${early}`);
    expect(finished).toMatchObject({ status: 'done', attempts: 1 });
    const slow = await submit('slow', SLOW);
    const second = await submit('second');
    const third = await submit('third', { seed: 3 });
    for (let i = 0; i < 6000 && (await job(slow)).status !== 'running'; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(await serve.stop('SIGKILL')).toBeNull();

    // a server that runs no jobs itself (BUFF_JOB_CONCURRENCY=0) shows the states as the kill left them
    serve = await spawnServe(args, { ...env, BUFF_JOB_CONCURRENCY: '0' });
    const interrupted = await job(slow);
    expect(interrupted).toMatchObject({ status: 'interrupted', attempts: 1, kind: 'build' });
    expect(interrupted.reason).toMatch(/stopped without finishing/);
    expect(await job(second)).toMatchObject({ status: 'queued', attempts: 0 });
    expect(await job(third)).toMatchObject({ status: 'queued', attempts: 0 });
    expect(await job(early)).toMatchObject({ status: 'done', runId: finished.runId });
    expect((await call(`${serve.url}/api/jobs/job-0000000000000000`)).status).toBe(404);
    expect(await serve.stop('SIGTERM')).toBe(0);

    serve = await spawnServe(args, env);
    const retried = await waitForJob(`${serve.url}/api/jobs/${slow}`);
    expect(retried, JSON.stringify(retried)).toMatchObject({ status: 'done', attempts: 2 });
    for (const id of [second, third])
      expect(await waitForJob(`${serve.url}/api/jobs/${id}`)).toMatchObject({ status: 'done', attempts: 1 });
    const runs = (await call(`${serve.url}/api/runs?limit=50`)).body;
    const ids = (runs.items as Array<{ id: string }>).map((run) => run.id);
    expect(ids.filter((id) => id === retried.runId)).toHaveLength(1);
  }, 300_000);
});
