import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lastJson, runBuff } from './helpers/cli.js';
import { makeTempDir } from './helpers/tmp.js';

// `buff release-gate --strict`: preflight + tests (skipped here with a reason: this IS the test suite)
// + the benchmark figures against their targets and a baseline; one verdict, exit 3 with the reasons.
const tmp = makeTempDir('buff-release-gate-');
afterAll(() => tmp.cleanup());
const roots = ['data', 'runs', 'models'].map((r) => join(tmp.dir, r));
for (const r of roots) mkdirSync(r, { recursive: true });
const config = join(tmp.dir, 'ok.yml');
writeFileSync(
  config,
  'name: gate\nstrategy: { name: sma-cross, params: { fast: 5, slow: 20 } }\nsymbols: [BTC-USD]\ntimeframe: 1m\nwindow: { since: "2024-01-01T00:00:00Z", until: "2024-01-02T00:00:00Z" }\n',
);
const results = (ratio: string, share: string) =>
  [
    '# Benchmark results',
    '',
    '## Run builder',
    '',
    `Ratio build / DuckDB read: **${ratio}x** (target <= 1.0: met).`,
    '',
    '## Ingest',
    '',
    '| measure | Buff | DuckDB | ratio | target |',
    '|---|---|---|---|---|',
    `| resample | 8.9 ms | 98.3 ms | ${share}x | <= 0.1x |`,
    '',
  ].join('\n');

function gate(extra: string[]) {
  const [data, runs, models] = roots as [string, string, string];
  return runBuff(
    ['release-gate', '--strict', '--skip-tests', 'the suite runs this file', '--config', config]
      .concat(['--data-root', data, '--runs-root', runs, '--models-root', models, '--min-free-mb', '1'])
      .concat(extra),
    { env: { BUFF_WEBHOOK_URL: '', BUFF_TELEGRAM_TOKEN: '', BUFF_PG_URL: '' } },
  );
}

describe('buff release-gate --strict', () => {
  it('passes when preflight passes and every figure meets its target and the baseline', async () => {
    const now = join(tmp.dir, 'now.md');
    writeFileSync(now, results('0.85', '0.091'));
    const before = join(tmp.dir, 'before.md');
    writeFileSync(before, results('0.82', '0.090'));
    const r = await gate(['--bench-results', now, '--bench-baseline', before, '--json']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const out = lastJson<{ verdict: string; stages: Array<{ stage: string; ok: boolean; detail: string }> }>(r.stdout);
    expect(out.verdict).toBe('pass');
    expect(out.stages.find((s) => s.stage === 'tests')?.detail).toBe('skipped: the suite runs this file');
    expect(out.stages.filter((s) => s.stage.startsWith('bench '))).toHaveLength(2);
  }, 120_000);

  it('fails (exit 3) naming a figure more than the tolerance worse than the baseline, and one past its target', async () => {
    const now = join(tmp.dir, 'worse.md');
    writeFileSync(now, results('0.99', '0.2'));
    const before = join(tmp.dir, 'base.md');
    writeFileSync(before, results('0.80', '0.09'));
    const r = await gate(['--bench-results', now, '--bench-baseline', before, '--bench-tolerance', '0.1']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('RELEASE_GATE_FAILED');
    expect(r.stderr).toMatch(/Ratio build \/ DuckDB read: 0\.99x, baseline 0\.8x: more than 10% worse/);
    expect(r.stderr).toMatch(/resample: 0\.2x misses target <= 0\.1x/);
  }, 120_000);

  it('fails when preflight fails, and --strict refuses an empty skip reason', async () => {
    const now = join(tmp.dir, 'ok.md');
    writeFileSync(now, results('0.85', '0.09'));
    const r = await gate(['--bench-results', now, '--config', join(tmp.dir, 'missing.yml')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/preflight: failed: config .*missing\.yml/);
    const empty = await runBuff(['release-gate', '--strict', '--skip-tests', ' ', '--bench-results', now]);
    expect(empty.code).toBe(3);
    expect(empty.stderr).toContain('--skip-tests needs a reason');
  }, 120_000);
});
