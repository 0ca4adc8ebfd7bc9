import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Job, JobQueue } from '@buff/registry';
import { runBuilt } from './built-cli.js';
import { type CliResult, REPO_ROOT, lastJson } from './cli.js';

/** The shipped demo sweep (configs/sweep_demo.yml) that the worker tests distribute. */
export const SWEEP_DEMO = join(REPO_ROOT, 'configs/sweep_demo.yml');

/** What `buff sweep --json` prints last. */
export interface SweepSummary {
  sweepId: string;
  dir: string;
  cells: number;
}

/**
 * Runs `buff sweep` of the demo sweep in one process from the bundle and expects it to succeed:
 * the reference a sweep spread over workers must equal.
 * @example const expected = await sweepInProcess(join(tmp, 'a'), data);
 */
export async function sweepInProcess(runsRoot: string, dataRoot: string): Promise<SweepSummary> {
  const result = await runBuilt([
    'sweep',
    '--config',
    SWEEP_DEMO,
    '--runs-root',
    runsRoot,
    '--data-root',
    dataRoot,
    '--json',
  ]);
  expect(result.code, result.stderr).toBe(0);
  return lastJson<SweepSummary>(result.stdout);
}

/**
 * Expects a finished `buff sweep --json` to have succeeded with the reference's sweep id and a
 * byte-identical report.json; returns its summary.
 * @example const report = expectSameSweep(await sweep, expected);
 */
export function expectSameSweep(result: CliResult, expected: SweepSummary): SweepSummary {
  expect(result.code, result.stderr).toBe(0);
  const report = lastJson<SweepSummary>(result.stdout);
  expect(report.sweepId).toBe(expected.sweepId);
  expect(readFileSync(join(report.dir, 'report.json'), 'utf8')).toBe(
    readFileSync(join(expected.dir, 'report.json'), 'utf8'),
  );
  return report;
}

/**
 * Expects the queue to hold one sweep-cell job per cell, each done with its result; returns them.
 * @example const cells = await expectCellsDone(queue, report.cells);
 */
export async function expectCellsDone(queue: Pick<JobQueue, 'list'>, cells: number): Promise<Job[]> {
  const jobs = await queue.list({ kind: 'sweep-cell' });
  expect(jobs).toHaveLength(cells);
  expect(jobs.every((job) => job.status === 'done' && Array.isArray(job.result))).toBe(true);
  return jobs;
}
