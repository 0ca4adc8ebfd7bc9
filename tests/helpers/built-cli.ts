import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, type CliResult } from './cli.js';

/** The bundle `npm run build` writes (root `prepare` runs it on install), and its V8 code cache. */
export const BUILT_CLI_INDEX = join(REPO_ROOT, 'packages/cli/dist/index.cjs');
export const BUILT_CLI_CODE_CACHE = `${BUILT_CLI_INDEX}.v8cache`;
export const BUILT_CLI_BIN = join(REPO_ROOT, 'packages/cli/bin/buff.js');

/** Throws (never skips) when the bundle is missing, so a test of the bundle cannot pass without it. */
export function assertCliBuilt(): void {
  if (!existsSync(BUILT_CLI_INDEX))
    throw new Error(`${BUILT_CLI_INDEX} is missing: run \`npm run build\` at the repo root`);
}

/**
 * Starts the published entry `packages/cli/bin/buff.js ARGS` (the bundle) with BUFF_LOG_LEVEL=warn
 * and BUFF_CODE_CACHE=require: the command fails unless it ran with the build's code cache.
 */
function spawnBuilt(
  args: string[],
  bin = BUILT_CLI_BIN,
  env: Record<string, string> = {},
  wrap: (argv: string[]) => string[] = (argv) => argv,
) {
  assertCliBuilt();
  const [command, ...rest] = wrap([process.execPath, bin, ...args]);
  return spawn(command as string, rest, {
    cwd: REPO_ROOT,
    env: { ...process.env, BUFF_LOG_LEVEL: 'warn', BUFF_CODE_CACHE: 'require', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Runs `buff ARGS` from the bundle in a child process, like `runBuff` does from the sources
 * (`bin`: another copy of bin/buff.js; `env`: extra variables, e.g. BUFF_CODE_CACHE; `wrap`: a
 * command-line prefix such as `ip netns exec NS`).
 * @example const { code, stdout } = await runBuilt(['data', 'list', '--data-root', dir]);
 */
export function runBuilt(
  args: string[],
  options: { bin?: string; env?: Record<string, string>; wrap?: (argv: string[]) => string[] } = {},
): Promise<CliResult> {
  const child = spawnBuilt(args, options.bin, options.env, options.wrap);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** A `buff serve` process from the bundle. */
export interface BuiltServer {
  url: string;
  stderr: () => string;
  /** SIGTERM, then the exit code (bounded: 10 s, then SIGKILL and null). */
  stop(): Promise<number | null>;
}

/** Starts `buff serve --json --port 0 ARGS` from the bundle and waits (bounded: 30 s) for the line naming its URL. */
export function serveBuilt(args: string[]): Promise<BuiltServer> {
  const child = spawnBuilt(['serve', '--json', '--host', '127.0.0.1', '--port', '0', ...args]);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const timeout = new Promise<null>((resolve) =>
      setTimeout(() => (child.kill('SIGKILL'), resolve(null)), 10_000).unref(),
    );
    return Promise.race([exited, timeout]);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => (child.kill('SIGKILL'), reject(new Error(`buff serve did not start in 30 s; stderr:\n${stderr}`))),
      30_000,
    );
    void exited.then(
      (code) => (clearTimeout(timer), reject(new Error(`buff serve exited with ${code}; stderr:\n${stderr}`))),
    );
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{') && l.endsWith('}'));
      if (line === undefined) return;
      clearTimeout(timer);
      resolve({ url: (JSON.parse(line) as { url: string }).url, stderr: () => stderr, stop });
    });
  });
}

/**
 * Writes a valid 1m CSV of `rows` rows (ISO ...Z timestamps from 2024-01-01, deterministic
 * prices) in a few large writes; `breakRow` (0-based) gets high below close (HIGH_BELOW_OPEN_CLOSE).
 * @example writeMinuteCsv(join(dir, 'big.csv'), 380_000, { breakRow: 300_000 });
 */
export function writeMinuteCsv(path: string, rows: number, options: { breakRow?: number } = {}): void {
  const start = Date.UTC(2024, 0, 1);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, 'timestamp,open,high,low,close,volume\n');
    for (let from = 0; from < rows; from += 50_000) {
      const lines: string[] = [];
      for (let row = from; row < Math.min(rows, from + 50_000); row++) {
        const open = 40_000 + (row % 997) * 1.25 + 0.123456;
        const close = open + ((row % 13) - 6) * 0.5;
        const high = row === options.breakRow ? close - 1 : Math.max(open, close) + (row % 5) * 0.25;
        const low = Math.min(open, close) - (row % 7) * 0.25;
        const volume = ((row * 37) % 1000) / 7;
        lines.push(
          `${new Date(start + row * 60_000).toISOString()},${open.toFixed(6)},${high.toFixed(6)},${low.toFixed(6)},${close.toFixed(6)},${volume.toFixed(6)}\n`,
        );
      }
      writeSync(fd, lines.join(''));
    }
  } finally {
    closeSync(fd);
  }
}
