import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_CLI_BIN, assertCliBuilt, runBuilt } from './helpers/built-cli.js';
import type { CliResult } from './helpers/cli.js';
import { makeTempDir } from './helpers/tmp.js';

// The run summary, --json and a closed stdout, through the built `buff` (needs `npm run build`).

const TIMEOUT = 120_000;
const temp = makeTempDir('buff-cli-summary-');
const runsRoot = join(temp.dir, 'runs');
const roots = ['--runs-root', runsRoot, '--data-root', join(temp.dir, 'data')];
afterAll(() => temp.cleanup());

const config = (name: string, timeframe: string, until: string) => `name: ${name}
strategy: { name: sma-cross, params: { fast: 5, slow: 20 } }
symbols: [BTC-USD]
timeframe: ${timeframe}
window: { since: "2023-01-01T00:00:00Z", until: "${until}" }
data: { provider: synthetic, synthetic: { seed: 5, signal: 0.2 } }
capital: { initial: 10000 }
seed: 5
`;

/** Builds a config with the built buff and returns its output and run id. */
async function build(name: string, text: string): Promise<{ result: CliResult; runId: string }> {
  const file = join(temp.dir, `${name}.yml`);
  writeFileSync(file, text);
  const result = await runBuilt(['run', 'build', '--config', file, ...roots]);
  expect(result.code, result.stderr).toBe(0);
  return { result, runId: result.stdout.split('\n')[0] ?? '' };
}

/** `buff ARGS` from the bundle with its stdout already closed by the reader, as after `| head -1`. */
function runWithClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  assertCliBuilt();
  const child = spawn(process.execPath, [BUILT_CLI_BIN, ...args], {
    env: { ...process.env, BUFF_LOG_LEVEL: 'warn', BUFF_CODE_CACHE: 'require' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.destroy(); // the reader is gone before buff writes its first line
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

let shortRun = '';
beforeAll(async () => {
  shortRun = (await build('short', config('short', '1h', '2023-01-11T00:00:00Z'))).runId;
}, TIMEOUT);

describe('buff run summaries and output streams (built bundle)', () => {
  it(
    'the summary shows CAGR for a window of a year or more and marks a shorter one as not annualised',
    async () => {
      const shown = await runBuilt(['runs', 'show', shortRun, '--runs-root', runsRoot]);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toMatch(/^cagr\s+- \(not annualised: the window is under a year\)$/m);

      const { result, runId } = await build('long', config('long', '1d', '2024-07-01T00:00:00Z'));
      const metrics = JSON.parse(readFileSync(join(runsRoot, runId, 'metrics.json'), 'utf8')) as { cagr: number };
      expect(Number.isFinite(metrics.cagr)).toBe(true);
      const line = new RegExp(`^cagr\\s+${(metrics.cagr * 100).toFixed(2).replace('.', '\\.')}%$`, 'm');
      expect(result.stdout).toMatch(line);
      expect((await runBuilt(['runs', 'show', runId, '--runs-root', runsRoot])).stdout).toMatch(line);
    },
    TIMEOUT,
  );

  it(
    'run validate --run-id ID --json: the deprecation warning is on stderr and stdout is one JSON document',
    async () => {
      const result = await runBuilt(['run', 'validate', '--run-id', shortRun, '--runs-root', runsRoot, '--json']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(
        `--run-id is deprecated; give the id as the first argument: buff run validate ${shortRun}`,
      );
      expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, runId: shortRun, problems: [] });
    },
    TIMEOUT,
  );

  it(
    'a closed stdout (buff runs list | head -1) ends the command quietly: no EPIPE, no stack trace',
    async () => {
      for (const args of [
        ['runs', 'list', '--runs-root', runsRoot],
        ['runs', 'list', '--runs-root', runsRoot, '--json'],
        ['runs', 'show', shortRun, '--runs-root', runsRoot],
      ]) {
        const result = await runWithClosedStdout(args);
        expect(result.stderr, args.join(' ')).not.toMatch(/EPIPE|Error|\n\s+at /);
        expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      }
    },
    TIMEOUT,
  );
});
