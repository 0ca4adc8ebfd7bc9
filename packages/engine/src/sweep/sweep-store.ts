import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BuffError, canonicalJsonPretty, fsyncDir, writeFileAtomic } from '@buff/core';
import { columnsToIpc, ipcToColumns } from '../arrow-columns.js';
import type { FoldMetrics } from './sweep-cell-metrics.js';
import { type SweepReport, SweepReportSchema, sweepMarkdown } from './sweep-report.js';

/** Sweeps live in `RUNS_ROOT/sweeps/<sweep-id>/`: report.json, report.md, folds.arrow. */
export function sweepsDir(runsRoot: string): string {
  return join(runsRoot, 'sweeps');
}

/** The published sweep with this id, or undefined; a folder whose report does not parse is refused. */
export function readSweepReport(runsRoot: string, sweepId: string): { report: SweepReport; dir: string } | undefined {
  const dir = join(sweepsDir(runsRoot), sweepId);
  const file = join(dir, 'report.json');
  if (!existsSync(file)) return undefined;
  const parsed = SweepReportSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success || parsed.data.sweepId !== sweepId) {
    throw new BuffError('CORRUPT_ARTIFACT', `${file} is not the report of ${sweepId}`, { details: { file } });
  }
  return { report: parsed.data, dir };
}

/**
 * Every published sweep's report, newest id order aside: sorted by id for a stable listing.
 * @example listSweeps('runs').map((s) => s.sweepId)
 */
export function listSweeps(runsRoot: string): SweepReport[] {
  const dir = sweepsDir(runsRoot);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /^sweep-[0-9a-f]{16}$/.test(name))
    .sort()
    .flatMap((id) => {
      const found = readSweepReport(runsRoot, id);
      return found ? [found.report] : [];
    });
}

/**
 * Writes a sweep into a staging folder and renames it into place (a reader sees the whole sweep or
 * none); when the same sweep was published meanwhile, the staging copy is dropped.
 */
export async function writeSweepFolder(runsRoot: string, report: SweepReport, rows: FoldMetrics[]): Promise<string> {
  const target = join(sweepsDir(runsRoot), report.sweepId);
  const staging = join(runsRoot, '.staging', `${report.sweepId}.${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  mkdirSync(sweepsDir(runsRoot), { recursive: true });
  try {
    writeFileAtomic(join(staging, 'folds.arrow'), columnsToIpc(foldColumns(rows)));
    writeFileAtomic(join(staging, 'report.md'), sweepMarkdown(report));
    writeFileAtomic(join(staging, 'report.json'), canonicalJsonPretty(report));
    if (existsSync(target)) return target;
    renameSync(staging, target);
    fsyncDir(sweepsDir(runsRoot));
    return target;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function foldColumns(rows: FoldMetrics[]) {
  const float = (pick: (row: FoldMetrics) => number) => ({
    kind: 'float64' as const,
    values: Float64Array.from(rows, pick),
  });
  return {
    cell: { kind: 'int32' as const, values: Int32Array.from(rows, (row) => row.cell) },
    fold: { kind: 'int32' as const, values: Int32Array.from(rows, (row) => row.fold) },
    isSharpe: float((row) => row.isSharpe),
    oosSharpe: float((row) => row.oosSharpe),
    isReturn: float((row) => row.isReturn),
    oosReturn: float((row) => row.oosReturn),
  };
}

/**
 * The fold rows of a published sweep (folds.arrow: each cell's in- and out-of-sample figures per
 * fold), in cell then fold order; undefined when no such sweep exists.
 * @example readSweepFolds('runs', 'sweep-0123456789abcdef')?.filter((row) => row.cell === 0)
 */
export function readSweepFolds(runsRoot: string, sweepId: string): FoldMetrics[] | undefined {
  const found = readSweepReport(runsRoot, sweepId);
  if (!found) return undefined;
  const file = join(found.dir, 'folds.arrow');
  const { numRows, columns } = ipcToColumns(readFileSync(file));
  const column = (name: keyof FoldMetrics): ArrayLike<number> => {
    const spec = columns.get(name);
    const values = spec && 'values' in spec ? spec.values : undefined;
    if (!(values instanceof Float64Array || values instanceof Int32Array))
      throw new BuffError('CORRUPT_ARTIFACT', `${file} has no numeric column ${name}`, {
        details: { file, key: name },
      });
    return values;
  };
  const names = ['cell', 'fold', 'isSharpe', 'oosSharpe', 'isReturn', 'oosReturn'] as const;
  const [cell, fold, isSharpe, oosSharpe, isReturn, oosReturn] = names.map(column) as ArrayLike<number>[];
  return Array.from({ length: numRows }, (_, i) => ({
    cell: cell?.[i] as number,
    fold: fold?.[i] as number,
    isSharpe: isSharpe?.[i] as number,
    oosSharpe: oosSharpe?.[i] as number,
    isReturn: isReturn?.[i] as number,
    oosReturn: oosReturn?.[i] as number,
  }));
}
