import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { BuffError } from '@buff/core';
import { outputFor, type RegisterCommands } from '../context.js';
import { formatTable } from '../text-table.js';
import { benchFigures, checkFigures } from '../release/bench-figures.js';
import { runPreflight, withPreflightOptions } from './preflight.js';

/** One stage of the gate and its verdict. */
interface Stage {
  stage: string;
  ok: boolean;
  detail: string;
}

/**
 * `buff release-gate --strict`: preflight, the test suite (`npm test`, or `--skip-tests REASON` when
 * the caller ran it already, as .ci/run does), and the benchmark figures of bench/RESULTS.md against
 * their targets and, with `--bench-baseline`, against an earlier RESULTS.md; one verdict, exit 3 on
 * any failure.
 */
export const registerReleaseGateCommands: RegisterCommands = (cli) =>
  cli.command(
    'release-gate',
    'preflight + the test suite + benchmark regression check against bench/RESULTS.md: one verdict (exit 3 if it fails)',
    (y) =>
      withPreflightOptions(y)
        .option('strict', {
          type: 'boolean',
          default: false,
          describe: 'a skipped stage needs a reason; no figure may be missing',
        })
        .option('skip-tests', {
          type: 'string',
          describe: 'do not run npm test; the reason (e.g. "ran above in .ci/run")',
        })
        .option('bench-results', {
          type: 'string',
          default: 'bench/RESULTS.md',
          describe: 'the benchmark figures to check',
        })
        .option('bench-baseline', {
          type: 'string',
          describe: 'an earlier RESULTS.md: a figure more than the tolerance worse fails',
        })
        .option('bench-tolerance', { type: 'number', default: 0.1, describe: 'relative tolerance (0.1 = 10% worse)' }),
    async (args) => {
      const out = outputFor(args);
      const deadline = Date.now() + args.timeoutSeconds * 1000;
      if (args.strict && args.skipTests !== undefined && args.skipTests.trim() === '')
        throw new BuffError('INVALID_INPUT', '--strict: --skip-tests needs a reason', {
          details: { key: 'skip-tests' },
        });
      const preflight = await runPreflight(args, out, deadline);
      const failed = preflight.filter((r) => !r.ok);
      const stages: Stage[] = [
        {
          stage: 'preflight',
          ok: failed.length === 0,
          detail:
            failed.length === 0
              ? `${preflight.length} checks passed`
              : `failed: ${failed.map((r) => `${r.check} (${r.detail})`).join('; ')}`,
        },
        testStage(args.skipTests, deadline),
        ...benchStages(args.benchResults, args.benchBaseline, args.benchTolerance, args.strict),
      ];
      out.line(
        formatTable(
          ['stage', 'result', 'detail'],
          stages.map((s) => [s.stage, s.ok ? 'pass' : 'FAIL', s.detail]),
        ),
      );
      const reasons = stages.filter((s) => !s.ok).map((s) => `${s.stage}: ${s.detail}`);
      if (reasons.length > 0)
        throw new BuffError('RELEASE_GATE_FAILED', `release gate: FAIL (${reasons.length}): ${reasons.join(' | ')}`, {
          details: { rule: 'RELEASE_GATE', stages },
        });
      out.line(`release gate: PASS (${stages.length} stages)`);
      out.result({ verdict: 'pass', stages });
    },
  );

function testStage(skip: string | undefined, deadline: number): Stage {
  if (skip !== undefined) return { stage: 'tests', ok: true, detail: `skipped: ${skip}` };
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = spawnSync(npm, ['test'], { stdio: 'inherit', timeout: Math.max(1, deadline - Date.now()) });
  if (run.error || run.signal)
    return { stage: 'tests', ok: false, detail: `npm test did not finish: ${run.error?.message ?? run.signal}` };
  return { stage: 'tests', ok: run.status === 0, detail: `npm test exited ${run.status}` };
}

function benchStages(results: string, baseline: string | undefined, tolerance: number, strict: boolean): Stage[] {
  const read = (file: string): string => {
    if (!existsSync(file)) throw new BuffError('NOT_FOUND', `no benchmark results at ${file}`, { details: { file } });
    return readFileSync(file, 'utf8');
  };
  const current = benchFigures(read(results));
  const before = baseline === undefined ? undefined : benchFigures(read(baseline));
  if (current.length === 0)
    return [{ stage: 'bench', ok: !strict, detail: `${results} states no figure with a target` }];
  const stages = checkFigures(current, before, tolerance).map((v) => ({
    stage: `bench ${v.label}`,
    ok: v.ok,
    detail: v.detail,
  }));
  const missing = (before ?? []).filter((f) => !current.some((c) => c.label === f.label));
  for (const f of missing)
    stages.push({ stage: `bench ${f.label}`, ok: !strict, detail: `in the baseline, missing from ${results}` });
  return stages;
}
