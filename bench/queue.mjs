// Job queue costs (issue 14, figures for docs/scale.md): jobs/s through the JobQueue on the fs journal
// and on PostgreSQL (pg-boss, throwaway cluster with fsync on), submit and claim+heartbeat+complete by
// two consumers in one process (the queue's own cost: the handler does nothing); and the time from
// SIGKILLing a process that holds a job to another claim getting it back (fs: the dead pid is seen at
// the next claim; pg: the lease lapses after heartbeatSeconds, pg-boss's supervisor retries it).
// Imports the built packages (npm run build). Prints a markdown section.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres } from './lib/pg.mjs';

const REGISTRY = fileURLToPath(new URL('../packages/registry/dist/index.js', import.meta.url));
const { openJobQueue } = await import(REGISTRY);
const N = Number(process.env.BENCH_QUEUE_JOBS ?? 400);
const HEARTBEAT_SECONDS = 10;
const SUPERVISE_SECONDS = 1;

const seconds = (t) => (performance.now() - t) / 1000;

async function throughput(choice) {
  const queue = await openJobQueue(choice);
  try {
    let t = performance.now();
    for (let i = 0; i < N; i++) await queue.submit({ kind: 'build', payload: { i } });
    const submit = N / seconds(t);
    t = performance.now();
    const consume = async (worker) => {
      let done = 0;
      for (
        let claimed = await queue.claim(worker, ['build']);
        claimed;
        claimed = await queue.claim(worker, ['build'])
      ) {
        await queue.heartbeat(claimed.job.id, claimed.attempt);
        if (await queue.complete(claimed.job.id, claimed.attempt, { ok: true })) done += 1;
      }
      return done;
    };
    const done = (await Promise.all([consume('bench-a'), consume('bench-b')])).reduce((a, b) => a + b, 0);
    if (done !== N) throw new Error(`${done} of ${N} jobs completed`);
    return { submit, run: N / seconds(t) };
  } finally {
    await queue.close();
  }
}

/** A child claims one job and idles (no heartbeat); SIGKILL it, then claim until the job comes back. */
async function retryAfterKill(choice) {
  const queue = await openJobQueue(choice);
  try {
    const job = await queue.submit({ kind: 'build', payload: { doomed: true } });
    const script = `const { openJobQueue } = await import(${JSON.stringify(REGISTRY)});
      const queue = await openJobQueue(${JSON.stringify(choice)});
      const claimed = await queue.claim('doomed', ['build']);
      process.stdout.write(claimed.job.id + '\\n'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const held = await new Promise((resolve, reject) => {
      child.stdout.once('data', (chunk) => resolve(chunk.toString().trim()));
      child.once('exit', (code) => reject(new Error(`the claiming child exited with ${code}`)));
    });
    if (held !== job.id) throw new Error(`the child claimed ${held}, not ${job.id}`);
    child.kill('SIGKILL');
    const t = performance.now();
    for (let i = 0; i < 1200; i++) {
      const claimed = await queue.claim('rescuer', ['build']);
      if (claimed?.job.id === job.id) return { seconds: seconds(t), attempt: claimed.attempt };
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the killed job never came back');
  } finally {
    await queue.close();
  }
}

const results = {};
const fsRoot = mkdtempSync(join(tmpdir(), 'buff-bench-queue-'));
try {
  const fsChoice = { driver: 'fs', runsRoot: fsRoot, heartbeatSeconds: HEARTBEAT_SECONDS };
  results.fs = { ...(await throughput(fsChoice)), retry: await retryAfterKill(fsChoice) };
} finally {
  rmSync(fsRoot, { recursive: true, force: true });
}
const server = await startPostgres();
if (server) {
  try {
    const pgChoice = {
      driver: 'pg',
      runsRoot: '.',
      pgUrl: server.url,
      heartbeatSeconds: HEARTBEAT_SECONDS,
      superviseSeconds: SUPERVISE_SECONDS,
    };
    results.pg = { ...(await throughput(pgChoice)), retry: await retryAfterKill(pgChoice) };
  } finally {
    server.stop();
  }
}

const f = (x) => x.toFixed(1);
const row = (name, r) =>
  r
    ? `| ${name} | ${f(r.submit)} | ${f(r.run)} | ${f(r.retry.seconds)} s (attempt ${r.retry.attempt}) |`
    : `| ${name} | skipped: no PostgreSQL server binaries | | |`;
console.log(
  [
    '## Job queue (issue 14)',
    '',
    `${N} no-op \`build\` jobs; two consumers in one process (claim, heartbeat, complete); heartbeatSeconds ${HEARTBEAT_SECONDS}, pg supervise every ${SUPERVISE_SECONDS} s; PostgreSQL with fsync on. Retry = SIGKILL of a process holding a job until another claim gets it.`,
    '',
    '| driver | submit jobs/s | claim+complete jobs/s | retry after SIGKILL |',
    '|---|---|---|---|',
    row('fs (journal)', results.fs),
    row('pg (pg-boss)', results.pg),
  ].join('\n'),
);
