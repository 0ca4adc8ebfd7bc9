import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listSessions, readJournalFrom } from '@buff/engine';
import { assertCliBuilt, BUILT_CLI_BIN } from './helpers/built-cli.js';
import { REPO_ROOT } from './helpers/cli.js';
import { makeTempDir } from './helpers/tmp.js';

// `npm run demo -- --no-serve` with the built buff (code cache required): after the demo run it trains,
// evaluates and promotes the CI-sized model and replays a day of the shipped real candles through
// `buff dryrun`, so a fresh clone's /dryrun page shows a completed session with signals and real gaps.
describe('npm run demo', () => {
  it('leaves a completed dry-run session on the real candles, with signals and counted gaps', () => {
    assertCliBuilt();
    const tmp = makeTempDir('buff-demo-');
    try {
      const roots = { DATA_ROOT: join(tmp.dir, 'data'), RUNS_ROOT: join(tmp.dir, 'runs') };
      const env = { ...process.env, ...roots, MODELS_ROOT: join(tmp.dir, 'models') };
      const demo = spawnSync(process.execPath, ['scripts/demo.mjs', '--no-serve'], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        env: { ...env, BUFF_LOG_LEVEL: 'warn', BUFF_CODE_CACHE: 'require' },
      });
      expect(demo.status, demo.stderr + demo.stdout).toBe(0);
      expect(demo.stdout).toMatch(/promoted sig v1 \(model [0-9a-f]{16}\) to champion/);
      const sessions = listSessions(roots.RUNS_ROOT);
      expect(sessions).toHaveLength(1);
      const session = sessions[0];
      expect(session).toMatchObject({
        status: 'completed',
        symbol: 'UNITTEST-BTC',
        model: { name: 'sig', version: 1 },
      });
      // 2017-11-06 in the fixture: 1414 candles of 1440 minutes (25 gaps, each counted, the next bar used)
      expect(session?.counts).toMatchObject({ bars: 1414, used: 1414, refused: 0, gaps: 25 });
      expect(session?.counts.signals).toBeGreaterThan(0);
      expect(demo.stdout).toContain(`dry-run session ${session?.id} completed: 1414 bars, 25 gaps, 0 refused`);
      const { entries } = readJournalFrom(roots.RUNS_ROOT, session?.id ?? '');
      expect(entries.filter((e) => e.gap).length).toBe(25);
      expect(entries.filter((e) => e.signal).length).toBe(session?.counts.signals);
      // the session is its backtest: buff run build of the same config gives the same decisions and trades
      const build = spawnSync(
        process.execPath,
        [BUILT_CLI_BIN, 'run', 'build', '--config', 'configs/dryrun_demo.yml', '--json'],
        { cwd: REPO_ROOT, encoding: 'utf8', env: { ...env, BUFF_LOG_LEVEL: 'warn', BUFF_CODE_CACHE: 'require' } },
      );
      expect(build.status, build.stderr).toBe(0);
      const runDir = join(roots.RUNS_ROOT, JSON.parse(build.stdout.trim().split('\n').pop() ?? '{}').runId);
      const sessionDir = join(roots.RUNS_ROOT, 'dryrun', session?.id ?? '');
      for (const file of ['decisions.arrow', 'trades.arrow'])
        expect(readFileSync(join(sessionDir, file)).equals(readFileSync(join(runDir, file))), file).toBe(true);
      const git = spawnSync('git', ['status', '--porcelain'], { cwd: REPO_ROOT, encoding: 'utf8' });
      expect(git.stdout.split('\n').filter((l) => /reports\/|data\/|runs\/|models\//.test(l))).toEqual([]);
    } finally {
      tmp.cleanup();
    }
  }, 300_000);
});
