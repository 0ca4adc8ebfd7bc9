import { existsSync } from 'node:fs';
import { canonicalJson } from '@buff/core';
import type { PreflightCheck } from './preflight-check.js';

/**
 * The run index equals a rebuild from the run folders (read-only: nothing is rewritten): every
 * folder reads with its hashes, every indexed run has its folder and the same record, and no
 * folder is missing from the index. A corrupt or mismatching run is named.
 */
export function runIndexCheck(
  runsRoot: string,
  choice: { driver?: 'fs' | 'postgres'; pgUrl?: string },
): PreflightCheck {
  return {
    name: 'run index',
    async run() {
      if (!existsSync(runsRoot)) return [{ ok: false, detail: `RUNS_ROOT ${runsRoot} does not exist` }];
      const { openDriver, scanRunFolders } = await import('@buff/registry');
      const scan = scanRunFolders(runsRoot, { check: 'hashes' });
      const driver = await openDriver(runsRoot, choice);
      let indexed: Array<Record<string, unknown>>;
      try {
        indexed = (await driver.list('runs', { limit: Number.MAX_SAFE_INTEGER })).items;
      } finally {
        await driver.close();
      }
      const problems = scan.corrupt.map((c) => `corrupt run ${c.dir}: ${c.problem}`);
      const folders = new Map(scan.records.map((r) => [r.id, r]));
      const corruptIds = new Set(scan.corrupt.map((c) => c.dir.split('/').at(-1)));
      for (const record of indexed) {
        const id = String(record.id);
        const folder = folders.get(id);
        if (folder === undefined) {
          if (!corruptIds.has(id)) problems.push(`indexed run ${id} has no run folder`);
        } else if (canonicalJson({ ...record, tags: [] }) !== canonicalJson({ ...folder, tags: [] }))
          problems.push(`indexed run ${id} differs from its folder`);
        folders.delete(id);
      }
      for (const id of folders.keys()) problems.push(`run ${id} is not in the index (run buff index)`);
      if (problems.length > 0) return [{ ok: false, detail: problems.join('; ') }];
      return [{ ok: true, detail: `${indexed.length} run(s), the index equals a rebuild` }];
    },
  };
}

/**
 * Every champion model loads (its checkpoint decodes into a model) and its recorded evaluation
 * passes (the registry's promotion rules, read again from the folder). One row per champion.
 */
export function championsCheck(modelsRoot: string): PreflightCheck {
  return {
    name: 'champion models',
    async run() {
      if (!existsSync(modelsRoot)) return [{ ok: false, detail: `MODELS_ROOT ${modelsRoot} does not exist` }];
      const { openModelRegistry, readPromotableFolder } = await import('@buff/registry');
      const registry = await openModelRegistry({ modelsRoot });
      try {
        const champions = (await registry.listModels()).filter((m) => m.aliases.champion !== undefined);
        if (champions.length === 0) return [{ ok: true, detail: 'no champion models' }];
        const rows = [];
        for (const model of champions) {
          const check = `champion ${model.name}`;
          const version = await registry.resolve(model.name, 'champion');
          if (version === undefined) {
            rows.push({ check, ok: false, detail: 'the champion alias points at no version' });
            continue;
          }
          rows.push({ check, ...(await checkChampion(version.dir, version.version, readPromotableFolder)) });
        }
        return rows;
      } finally {
        await registry.close();
      }
    },
  };
}

async function checkChampion(
  dir: string,
  version: number,
  readPromotableFolder: (dir: string) => Promise<{ evaluation: { metrics: { accuracy: number } } }>,
): Promise<{ ok: boolean; detail: string }> {
  try {
    const { evaluation } = await readPromotableFolder(dir);
    const { loadCheckpoint } = await import('@buff/ml');
    const model = await loadCheckpoint(dir);
    model.dispose();
    return {
      ok: true,
      detail: `v${version} loads; evaluation passed (accuracy ${evaluation.metrics.accuracy.toFixed(4)})`,
    };
  } catch (err) {
    return { ok: false, detail: `v${version} (${dir}): ${(err as Error).message}` };
  }
}

/** The kill switch state reads (absent = off); an unreadable one fails (the runtime would refuse everything). */
export function killSwitchCheck(runsRoot: string): PreflightCheck {
  return {
    name: 'kill switch',
    async run() {
      const { openKillSwitch } = await import('@buff/registry');
      const status = await openKillSwitch(runsRoot).read();
      if (status.source === 'unreadable') return [{ ok: false, detail: `unreadable (reads as ON): ${status.reason}` }];
      return [
        { ok: true, detail: status.on ? `readable, ON (by ${status.actor}: ${status.reason})` : 'readable, off' },
      ];
    },
  };
}
