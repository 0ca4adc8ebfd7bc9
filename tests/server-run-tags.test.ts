import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFsJobQueue, openRunRegistry, type Job } from '@buff/registry';
import { buildFixtureRun, call, fixtureConfig, makeRoots, startTestServer, waitForJob } from './helpers/server.js';
import type { TestServer } from './helpers/server.js';
import { exited, startBuiltWorker } from './helpers/workers.js';

// A config's `tags:` reach the registry record through every entry point that builds a run, as
// `buff run build` does (tests/cli-run-tags.test.ts): POST /api/jobs (what /runs/new submits; the
// form itself is in tests/browser-ui.test.ts) and a build job run by the built `buff worker`.
// A bad tag is refused naming tags.N, and nothing is queued or written.

const TOKEN = 'tags-token';
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const runFolders = (runsRoot: string) => readdirSync(runsRoot).filter((name) => name.startsWith('run-'));

async function registryTags(runsRoot: string, runId: string): Promise<string[] | undefined> {
  const registry = await openRunRegistry({ runsRoot });
  try {
    return (await registry.get(runId))?.tags;
  } finally {
    await registry.close();
  }
}

describe('config tags through the server (real HTTP)', () => {
  const roots = makeRoots('buff-server-tags-');
  let server: TestServer;
  beforeAll(async () => {
    await buildFixtureRun(roots); // stores BTC-USD (synthetic)
    server = await startTestServer({ ...roots, adminToken: TOKEN, features: { runsNew: true } });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    roots.cleanup();
  });

  const submit = (config: Record<string, unknown>) =>
    call(`${server.url}/api/jobs`, { method: 'POST', headers: auth, body: JSON.stringify({ config }) });

  it('POST /api/jobs sets the tags on the run; GET /api/runs?tag= finds it', async () => {
    const config = fixtureConfig({ name: 'tagged by api', seed: 11, tags: ['web', 'baseline', 'web'] });
    const queued = await submit(config);
    expect(queued.status, queued.text).toBe(202);
    const job = await waitForJob(`${server.url}/api/jobs/${queued.body.id}`);
    expect(job.status, JSON.stringify(job)).toBe('done');
    expect(job.result).toMatchObject({ runId: job.runId, tags: ['baseline', 'web'] });
    expect(await registryTags(roots.runsRoot, job.runId)).toEqual(['baseline', 'web']);
    const listed = await call(`${server.url}/api/runs?tag=baseline`);
    expect(listed.body.items.map((r: { id: string }) => r.id)).toEqual([job.runId]);
  }, 120_000);

  it('a bad tag is refused naming tags.N (400), and nothing is queued or written', async () => {
    const before = runFolders(roots.runsRoot);
    const refused = await submit(fixtureConfig({ name: 'bad tag', seed: 12, tags: ['ok', 'has space'] }));
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('INVALID_CONFIG');
    expect(refused.body.message).toContain('tags.1');
    expect(runFolders(roots.runsRoot)).toEqual(before);
    const queue = openFsJobQueue({ runsRoot: roots.runsRoot });
    try {
      expect((await queue.list({})).map((j: Job) => (j.payload as { config: { name: string } }).config.name)).toEqual([
        'tagged by api',
      ]);
    } finally {
      await queue.close();
    }
  });
});

describe('config tags through the built `buff worker`', () => {
  const roots = makeRoots('buff-worker-tags-');
  afterAll(() => roots.cleanup());

  it('a build job sets the tags on the run; a bad tag fails the job naming tags.N and writes nothing', async () => {
    const queue = openFsJobQueue({ runsRoot: roots.runsRoot });
    const good = await queue.submit({
      kind: 'build',
      payload: { config: fixtureConfig({ name: 'tagged by worker', tags: ['worker', 'sma'] }) },
    });
    const bad = await queue.submit({
      kind: 'build',
      payload: { config: fixtureConfig({ name: 'bad tag', seed: 3, tags: ['a/b'] }) },
    });
    const worker = startBuiltWorker(['--runs-root', roots.runsRoot, '--data-root', roots.dataRoot]);
    let stderr = '';
    worker.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const settled = async (id: string): Promise<Job> => {
        for (let i = 0; i < 1200; i++) {
          const job = await queue.get(id);
          if (job?.status === 'done' || job?.status === 'failed') return job;
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error(`job ${id} did not settle; worker stderr: ${stderr}`);
      };
      const done = await settled(good.id);
      expect(done.status, done.reason).toBe('done');
      const { runId, tags } = done.result as { runId: string; tags: string[] };
      expect(tags).toEqual(['sma', 'worker']);
      expect(await registryTags(roots.runsRoot, runId)).toEqual(['sma', 'worker']);

      const failed = await settled(bad.id);
      expect(failed.status).toBe('failed');
      expect(failed.reason).toMatch(/^INVALID_CONFIG: .*tags\.0/s);
      expect(runFolders(roots.runsRoot)).toEqual([runId]);
      expect(existsSync(join(roots.runsRoot, runId, 'manifest.json'))).toBe(true);
    } finally {
      worker.kill('SIGTERM');
      await exited(worker);
      await queue.close();
    }
  }, 180_000);
});
