import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type JobQueue, openPgJobQueue } from '@buff/registry';
import { runBuilt } from './helpers/built-cli.js';
import { REPO_ROOT, lastJson } from './helpers/cli.js';
import { type Network, type NetnsPostgres, createNetwork, netnsUnavailable, startPostgresIn } from './helpers/netns.js';
import { findPostgresBin } from './helpers/pg.js';
import { expectCellsDone } from './helpers/sweep-checks.js';
import { makeTempDir } from './helpers/tmp.js';
import { exited, freezeWhileHoldingJob, killWhileHoldingJob, startBuiltWorker } from './helpers/workers.js';

const SWEEP = join(REPO_ROOT, 'configs/sweep_demo.yml');
const ENV = { BUFF_JOBS_SUPERVISE_SECONDS: '1' };

const unavailable = netnsUnavailable() ?? (findPostgresBin() ? undefined : 'no PostgreSQL server binaries');
if (unavailable && process.env.BUFF_REQUIRE_NETNS === '1')
  throw new Error(`BUFF_REQUIRE_NETNS=1 but network namespaces cannot be used here: ${unavailable}`);
if (unavailable)
  console.warn(
    `\n!!! network namespaces unavailable, worker-netns test SKIPPED: ${unavailable}\n!!! set BUFF_REQUIRE_NETNS=1 to make this a failure\n`,
  );

/** Polls `check` every 250 ms until it holds (bounded by `ms`). */
async function until(what: string, check: () => Promise<boolean> | boolean, ms = 120_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 250)))
    if (await check()) return;
  throw new Error(`timed out waiting for ${what}`);
}

// Three hosts on a private network (network namespaces joined by veths to a bridge): PostgreSQL on
// `pg` (listening on 10.213.0.1 only), workers on `w1` and `w2` connecting by that address, the
// sweep submitted from `pg`. The test process watches the queue through the server's Unix socket.
describe.skipIf(unavailable)('buff worker --driver pg on three network namespaces', () => {
  let tmp: ReturnType<typeof makeTempDir> | undefined;
  const workers: ChildProcess[] = [];
  let net: Network | undefined;
  let server: NetnsPostgres | undefined;
  let queue: JobQueue | undefined;
  const stderr = new Map<ChildProcess, string>();
  const teardown = () => net?.teardown();
  beforeAll(() => {
    process.once('exit', teardown);
    tmp = makeTempDir('buff-netns-');
    net = createNetwork(['pg', 'w1', 'w2']);
    server = startPostgresIn(net, 'pg');
  });
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail')
      for (const [worker, text] of stderr) console.error(`worker ${worker.pid} stderr:\n${text}`);
  });
  afterAll(async () => {
    await queue?.close();
    for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
    server?.stop();
    teardown();
    process.off('exit', teardown);
    tmp?.cleanup();
  });

  it('a SIGKILLed worker’s cell and a partitioned worker’s cell are taken over; every cell done once, fenced', async () => {
    const network = net as Network;
    const dir = (tmp as NonNullable<typeof tmp>).dir;
    const data = join(dir, 'data');
    const pgServer = server as NetnsPostgres;
    const inProcess = await runBuilt([
      'sweep',
      '--config',
      SWEEP,
      '--runs-root',
      join(dir, 'a'),
      '--data-root',
      data,
      '--json',
    ]);
    expect(inProcess.code, inProcess.stderr).toBe(0);
    const expected = lastJson<{ sweepId: string; dir: string }>(inProcess.stdout);

    const admin = new pg.Client({ connectionString: pgServer.socketUrl('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE sweeps').finally(() => admin.end());
    const runsRoot = join(dir, 'b');
    const flags = ['--driver', 'pg', '--runs-root', runsRoot, '--data-root', data, '--heartbeat-seconds', '10'];
    const tcp = ['--pg-url', pgServer.tcpUrl('sweeps')];
    const start = (host: string) => {
      const worker = startBuiltWorker([...flags, ...tcp], ENV, (argv) => network.exec(host, argv));
      stderr.set(worker, '');
      worker.stderr?.on('data', (chunk: Buffer) => stderr.set(worker, stderr.get(worker) + chunk.toString()));
      workers.push(worker);
      return worker;
    };

    const w1 = start('w1');
    const sweep = runBuilt(['sweep', '--config', SWEEP, ...flags, ...tcp, '--json'], {
      env: ENV,
      wrap: (argv) => network.exec('pg', argv),
    });
    queue = await openPgJobQueue({ url: pgServer.socketUrl('sweeps'), heartbeatSeconds: 10, superviseSeconds: 1 });
    const q = queue;
    const killed = await killWhileHoldingJob(w1, q);
    // w2 takes a cell, then loses its network mid-cell; a new worker on w1's host goes on
    const w2 = start('w2');
    const cut = await freezeWhileHoldingJob(w2, q);
    network.link('w2', 'down');
    w2.kill('SIGCONT');
    const w3 = start('w1');
    const doneBy = async (id: string, worker: ChildProcess) => {
      const job = await q.get(id);
      return job?.status === 'done' && (job.worker ?? '').endsWith(`:${worker.pid}`);
    };
    await until('the partitioned cell done elsewhere', () => doneBy(cut.id, w3));
    network.link('w2', 'up');
    await until('the partitioned worker back online', () => /sweep-cell \S+: \w+/.test(stderr.get(w2) ?? ''), 90_000);

    const result = await sweep;
    expect(result.code, result.stderr).toBe(0);
    const report = lastJson<{ sweepId: string; dir: string; cells: number }>(result.stdout);
    expect(report.sweepId).toBe(expected.sweepId);
    expect(readFileSync(join(report.dir, 'report.json'), 'utf8')).toBe(
      readFileSync(join(expected.dir, 'report.json'), 'utf8'),
    );
    const cells = await expectCellsDone(q, report.cells);
    for (const id of [killed.id, cut.id])
      expect(cells.find((job) => job.id === id)).toMatchObject({
        attempts: 2,
        worker: expect.stringContaining(`:${w3.pid}`),
      });
    // fencing: back online, w2 finished its copy of the cell, and the queue refused it
    expect(stderr.get(w2)).toContain(`sweep-cell ${cut.id}: lost`);
    expect(stderr.get(w2)).not.toMatch(/: done/);

    for (const worker of [w2, w3]) worker.kill('SIGTERM');
    expect(await Promise.all([exited(w2), exited(w3)])).toEqual([0, 0]);
  }, 240_000);
});
