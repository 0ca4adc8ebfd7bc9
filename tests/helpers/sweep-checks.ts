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
 * Expects the queue's sweep-cell jobs to cover each of the sweep's cells exactly once (a job holds
 * a chunk of cells), each job done with one summary per cell; returns the jobs.
 * @example const jobs = await expectCellsDone(queue, report.cells);
 */
export async function expectCellsDone(queue: Pick<JobQueue, 'list'>, cells: number): Promise<Job[]> {
  const jobs = await queue.list({ kind: 'sweep-cell' });
  const covered = jobs.flatMap((job) => (job.payload as { cells: Array<{ cell: number }> }).cells.map((c) => c.cell));
  expect(covered.sort((a, b) => a - b)).toEqual(Array.from({ length: cells }, (_, i) => i));
  for (const job of jobs) {
    expect(job.status).toBe('done');
    expect(job.result).toHaveLength((job.payload as { cells: unknown[] }).cells.length);
  }
  return jobs;
}
