import { readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDir } from '@buff/core';
import { MANIFEST_FILE, isDatasetFile } from './dataset-paths.js';

/** A file written (and fsynced) to a temp path, and the name it takes in the dataset folder. */
export interface StagedFile {
  temp: string;
  name: string;
}

/**
 * Commits a dataset write. Every new file has a name of its own (tables and the quality report
 * are named by their content), so renaming them into place changes nothing a reader follows;
 * then `dataset.json` is renamed over the old one: the one step that switches readers from the
 * old dataset to the new one. Last, the files the new manifest no longer names (old versions,
 * derived tables of an older 1m table, files of a write that crashed before its commit) are
 * removed. A crash at any point leaves the old dataset or the new one, whole.
 * @example commitDataset(dir, [{ temp, name: '1m.0123456789abcdef.arrow' }], manifestTemp, new Set(['1m.0123456789abcdef.arrow']));
 */
export function commitDataset(dir: string, files: StagedFile[], manifestTemp: string, named: Set<string>): void {
  for (const { temp, name } of files) {
    crashPoint();
    renameSync(temp, join(dir, name));
  }
  fsyncDir(dir); // the new files are durable before the manifest names them
  crashPoint();
  renameSync(manifestTemp, join(dir, MANIFEST_FILE));
  fsyncDir(dir);
  removeUnnamed(dir, named);
}

/**
 * Removes the table and quality files of `dir` that `named` (the committed manifest's files)
 * does not hold. Temp files are left to core's sweepStaleTemps (a live writer's stay).
 */
export function removeUnnamed(dir: string, named: Set<string>): void {
  for (const name of readdirSync(dir).sort()) {
    if (!isDatasetFile(name) || named.has(name)) continue;
    crashPoint();
    rmSync(join(dir, name), { force: true });
  }
}

/** Environment variable of the crash test: the commit step (1-based) at which the process SIGKILLs itself. */
export const CRASH_STEP_ENV = 'BUFF_TEST_CRASH_AT_COMMIT_STEP';
let steps = 0;

/**
 * Counts the commit's renames and unlinks; the test of the commit sets {@link CRASH_STEP_ENV} to
 * kill the process just before step k, for every k (tests/ingest-crash.test.ts).
 */
function crashPoint(): void {
  steps++;
  const at = process.env[CRASH_STEP_ENV];
  if (at !== undefined && Number(at) === steps) process.kill(process.pid, 'SIGKILL');
}
