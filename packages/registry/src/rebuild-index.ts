import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { BuffError } from '@buff/core';
import { openDriver, type DriverChoice } from './open-driver.js';
import { scanRunFolders } from './run-folder.js';
import type { RunRecord } from './run-record.js';

/** What `buff index` found: every run folder read with hash checks. */
export interface RebuildReport {
  runsRoot: string;
  runs: number;
  corrupt: Array<{ dir: string; problem: string }>;
  legacy: string[];
  /** Entries under RUNS_ROOT that are not run folders (left alone). */
  ignored: string[];
  /** Journal damage the old index had (torn tail, garbage lines). */
  indexProblems: string[];
}

/**
 * Rebuilds the index from the run folders (the truth): every folder is read and its artifacts
 * hash-checked; corrupt folders are reported and left out; tags survive from the old index.
 * @example const report = await rebuildIndex('runs'); // { runs: 12, corrupt: [], legacy: [] ... }
 */
export async function rebuildIndex(runsRoot: string, choice: DriverChoice = {}): Promise<RebuildReport> {
  const root = resolve(runsRoot);
  if (!existsSync(root))
    throw new BuffError('ROOT_MISSING', `RUNS_ROOT ${root} does not exist`, {
      details: { file: root, rule: 'ROOT_MISSING' },
    });
  const driver = await openDriver(root, choice);
  try {
    const scan = scanRunFolders(root, { check: 'hashes' });
    await driver.exclusive(async () => {
      const old = await driver.list('runs', { limit: Number.MAX_SAFE_INTEGER });
      const tags = new Map((old.items as RunRecord[]).map((record) => [record.id, record.tags]));
      await driver.replaceAll(
        'runs',
        scan.records.map((record) => ({ id: record.id, record: { ...record, tags: tags.get(record.id) ?? [] } })),
      );
    });
    return {
      runsRoot: root,
      runs: scan.records.length,
      corrupt: scan.corrupt,
      legacy: scan.legacy,
      ignored: scan.ignored,
      indexProblems: driver.problems().map((p) => `${p.file}: ${p.problem}`),
    };
  } finally {
    await driver.close();
  }
}
