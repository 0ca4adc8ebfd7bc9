import { type ChildProcess, spawn } from 'node:child_process';
import type { Job, JobQueue } from '@buff/registry';
import { BUILT_CLI_BIN, assertCliBuilt } from './built-cli.js';
import { REPO_ROOT } from './cli.js';

/**
 * Starts `buff worker ARGS` from the bundle (BUFF_LOG_LEVEL=warn, BUFF_CODE_CACHE=require, plus `env`);
 * stdout is ignored, stderr is piped. `wrap` prefixes the command line (e.g. `ip netns exec NS`; it
 * must exec, so the child's pid stays the worker's).
 * @example const worker = startBuiltWorker(['--runs-root', runsRoot, '--data-root', data]);
 */
export function startBuiltWorker(
  args: string[],
  env: Record<string, string> = {},
  wrap: (argv: string[]) => string[] = (argv) => argv,
): ChildProcess {
  assertCliBuilt();
  const [command, ...rest] = wrap([process.execPath, BUILT_CLI_BIN, 'worker', ...args]);
  return spawn(command as string, rest, {
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
 * `:<pid>`; thawed with SIGCONT between looks, bounded: 600 looks 50 ms apart) and returns that job
 * with the worker still frozen (SIGCONT it to go on). SIGKILLs it and throws if it never held one.
 * @example const held = await freezeWhileHoldingJob(worker, queue); partition(); worker.kill('SIGCONT');
 */
export async function freezeWhileHoldingJob(worker: ChildProcess, queue: Pick<JobQueue, 'list'>): Promise<Job> {
  for (let i = 0; i < 600; i++) {
    await new Promise((r) => setTimeout(r, 50));
    worker.kill('SIGSTOP');
    const held = (await queue.list({ status: 'running' })).find((job) => job.worker?.endsWith(`:${worker.pid}`));
    if (held) return held;
    worker.kill('SIGCONT');
  }
  worker.kill('SIGKILL');
  throw new Error(`worker pid ${worker.pid} never held a job`);
}

/**
 * SIGKILLs `worker` while it holds a job (freezeWhileHoldingJob) and waits for it to exit. Returns
 * the job it held; throws if it never held one.
 * @example const held = await killWhileHoldingJob(doomed, queue);
 */
export async function killWhileHoldingJob(worker: ChildProcess, queue: Pick<JobQueue, 'list'>): Promise<Job> {
  const held = await freezeWhileHoldingJob(worker, queue);
  worker.kill('SIGKILL');
  await exited(worker);
  return held;
}
