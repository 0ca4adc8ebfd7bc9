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
import { lastJson, runBuff } from './helpers/cli.js';

const TOKEN = 'restart-token';
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

// Start `buff serve`, create a run through the API, kill the process, start again: the run is
// listed with the same metadata, and the kill switch keeps its state.
describe('server restart', () => {
  const roots = makeRoots('buff-restart-');
  let serve: ServeProcess | undefined;
  const args = ['--runs-root', roots.runsRoot, '--data-root', roots.dataRoot];
  const env = { BUFF_ADMIN_TOKEN: TOKEN, BUFF_FEATURE_RUNS_NEW: '1' };

  beforeAll(async () => {
    await buildFixtureRun(roots);
  });
  afterAll(async () => {
    await serve?.stop('SIGKILL');
    roots.cleanup();
  });

  it('lists a run created before a kill with the same metadata after restart', async () => {
    serve = await spawnServe(args, env);
    const { data: _data, ...config } = fixtureConfig({ name: 'created over http' });
    const created = await call(`${serve.url}/api/jobs`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        config: { ...config, window: { since: '2024-01-03T00:00:00Z', until: '2024-01-09T00:00:00Z' } },
      }),
    });
    expect(created.status).toBe(202);
    const job = await waitForJob(`${serve.url}${created.body.statusUrl}`);
    expect(job.status).toBe('done');
    const before = await call(`${serve.url}/api/runs/${job.runId}`);
    const listBefore = await call(`${serve.url}/api/runs?sort=name&order=asc`);
    const ks = await call(`${serve.url}/api/admin/kill-switch`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ on: true, reason: 'before restart' }),
    });
    expect(ks.status).toBe(200);
    expect(await serve.stop('SIGKILL')).toBeNull();

    serve = await spawnServe(args, env);
    const after = await call(`${serve.url}/api/runs/${job.runId}`);
    expect(after.status).toBe(200);
    expect(after.body.record).toEqual(before.body.record);
    expect(after.body.manifest).toEqual(before.body.manifest);
    expect((await call(`${serve.url}/api/runs?sort=name&order=asc`)).body).toEqual(listBefore.body);
    expect((await call(`${serve.url}/api/admin/kill-switch`)).body).toMatchObject({
      on: true,
      reason: 'before restart',
    });
    expect(await serve.stop('SIGTERM')).toBe(0);
  });

  it('buff kill-switch on|off|status writes an audited, persistent state', async () => {
    const onArgs = ['kill-switch', 'on', '--reason', 'cli test', '--actor', 'tester', '--runs-root', roots.runsRoot];
    type Answer = { changed: boolean; killSwitch: { on: boolean; actor: string; reason: string } };
    // still on from before the restart: a repeat changes nothing and keeps who turned it on
    const again = await runBuff([...onArgs, '--json']);
    expect(again.code).toBe(0);
    expect(lastJson<Answer>(again.stdout)).toMatchObject({ changed: false, killSwitch: { reason: 'before restart' } });
    const off = await runBuff(['kill-switch', 'off', '--runs-root', roots.runsRoot, '--json']);
    expect(lastJson<Answer>(off.stdout)).toMatchObject({ changed: true, killSwitch: { on: false } });
    const on = await runBuff([...onArgs, '--json']);
    expect(on.code).toBe(0);
    expect(lastJson<Answer>(on.stdout)).toMatchObject({ changed: true, killSwitch: { on: true, actor: 'tester' } });
    const status = await runBuff(['kill-switch', 'status', '--runs-root', roots.runsRoot]);
    expect(status.stdout).toContain('kill switch: ON');
    expect((await runBuff(['kill-switch', 'sideways', '--runs-root', roots.runsRoot])).code).toBe(2);
  });
});
