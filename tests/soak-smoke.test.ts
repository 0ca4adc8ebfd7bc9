import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt } from './helpers/built-cli.js';
import { REPO_ROOT } from './helpers/cli.js';
import { promotedFixture } from './helpers/model-fixture.js';
import { makeTempDir } from './helpers/tmp.js';

// The soak (scripts/soak.mjs, `npm run soak`: 72 h) shortened to 6 hours of bars: the real built
// `buff dryrun` process, SIGKILL at half-way, resume, webhook notifications to a receiver on loopback.
// RSS growth is measured but only the full 72 h run judges it (a 6 h run is all warm-up).
const tmp = makeTempDir('buff-soak-smoke-');
let fx: Awaited<ReturnType<typeof promotedFixture>>;
beforeAll(async () => {
  assertCliBuilt();
  fx = await promotedFixture(tmp.dir);
}, 300_000);
afterAll(() => tmp.cleanup());

interface SoakFigures {
  total: number;
  signals: { emitted: number; notified: number; lost: number; duplicated: number };
  checks: Array<{ name: string; figure: string; pass: boolean }>;
}

function soak(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'scripts/soak.mjs'), ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('soak (6 h of bars)', () => {
  it('killed and resumed: every bar once, every high-tier signal notified once, the crash notified, zero differences', async () => {
    const r = await soak(
      ['--hours', '6', '--no-record', '--sleep-seconds', '0.02', '--daily-loss-pct', '5'].concat(
        ['--data-root', fx.dataRoot, '--models-root', fx.modelsRoot, '--symbol', fx.symbol],
        ['--since', '2024-01-03T20:00:00Z'],
      ),
    );
    const figures = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as SoakFigures;
    const check = (name: string) => figures.checks.find((c) => c.name === name);
    for (const name of [
      'killed once, resumed to the end',
      'every bar handled once',
      'high-tier signals notified, none lost or duplicated',
      'the crash notified at the resume',
      'observation summary reconciles',
    ])
      expect(check(name), `${name}: ${JSON.stringify(check(name))}\n${r.stderr}`).toMatchObject({ pass: true });
    expect(figures.total).toBe(360);
    expect(figures.signals.emitted).toBeGreaterThan(0);
    expect(figures.signals).toMatchObject({ lost: 0, duplicated: 0 });
  }, 300_000);
});
