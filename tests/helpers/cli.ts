import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI_SOURCE = fileURLToPath(new URL('../../packages/cli/src/bin.ts', import.meta.url));
// An absolute loader URL, so that the CLI runs from any working directory.
const TSX_LOADER = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `buff ARGS` from the TypeScript sources in a child process (no build needed).
 * @example const { code, stdout } = await runBuff(['data', 'list', '--data-root', dir]);
 */
export function runBuff(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', TSX_LOADER, CLI_SOURCE, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, BUFF_LOG_LEVEL: process.env.BUFF_LOG_LEVEL ?? 'warn', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Parses the last JSON line of a `--json` command's stdout. */
export function lastJson<T = Record<string, unknown>>(stdout: string): T {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? 'null') as T;
}
