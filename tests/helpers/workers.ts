import { type ChildProcess, spawn } from 'node:child_process';
import type { Job, JobQueue } from '@buff/registry';
import { BUILT_CLI_BIN, assertCliBuilt } from './built-cli.js';
import { REPO_ROOT } from './cli.js';

/**
 * Starts `buff worker ARGS` from the bundle (BUFF_LOG_LEVEL=warn, BUFF_CODE_CACHE=require, plus `env`);
 * stdout is ignored, stderr is piped.
 * @example const worker = startBuiltWorker(['--runs-root', runsRoot, '--data-root', data]);
 */
export function startBuiltWorker(args: string[], env: Record<string, string> = {}): ChildProcess {
  assertCliBuilt();
  return spawn(process.execPath, [BUILT_CLI_BIN, 'worker', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, BUFF_LOG_LEVEL: 'warn', BUFF_CODE_CACHE: 'require', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/** The child's exit code once it has exited (null when a signal ended it). */
export function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/**
 * Freezes `worker` (SIGSTOP) until `queue` lists a running job it holds (its worker id ends in
 * `:<pid>`; thawed with SIGCONT between looks, bounded: 600 looks 50 ms apart), then SIGKILLs it and
 * waits for it to exit. Returns the job it held; throws if it never held one.
 * @example const held = await killWhileHoldingJob(doomed, queue);
 */
export async function killWhileHoldingJob(worker: ChildProcess, queue: Pick<JobQueue, 'list'>): Promise<Job> {
  let held: Job | undefined;
  for (let i = 0; i < 600 && !held; i++) {
    await new Promise((r) => setTimeout(r, 50));
    worker.kill('SIGSTOP');
    held = (await queue.list({ status: 'running' })).find((job) => job.worker?.endsWith(`:${worker.pid}`));
    if (!held) worker.kill('SIGCONT');
  }
  if (!held) {
    worker.kill('SIGKILL');
    throw new Error(`worker pid ${worker.pid} never held a job`);
  }
  worker.kill('SIGKILL');
  await exited(worker);
  return held;
}
