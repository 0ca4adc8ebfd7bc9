import { copyFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import {
  BuffError,
  canonicalJson,
  canonicalJsonPretty,
  sha256Hex,
  writeFileAtomic,
  type ArtifactEntry,
} from '@buff/core';
import type { LegacyManifest } from './legacy-manifest.js';
import type { RunRegistry } from './run-registry.js';

/** A Phase-1 run found in an `artifacts/` folder, read without touching it. */
export interface LegacyRun {
  id: string;
  dir: string;
  files: ArtifactEntry[];
  listing: LegacyManifest['listing'];
}

/**
 * The content-derived id of a legacy run folder: `legacy-` + 16 hex of sha256 over the
 * canonical JSON of its files' names and sha256s (so a renamed folder keeps its id).
 * @example legacyRunId(files) // 'legacy-1f0e...'
 */
export function legacyRunId(files: ArtifactEntry[]): string {
  return `legacy-${sha256Hex(canonicalJson(files.map(({ file, sha256 }) => ({ file, sha256 })))).slice(0, 16)}`;
}

/**
 * Lists the legacy runs under `artifactsDir` (folders with `decisions.jsonl` and no
 * `manifest.json`); other folders are reported. Reads only.
 * @example const { runs, problems } = scanLegacyRuns('artifacts');
 */
export function scanLegacyRuns(artifactsDir: string): {
  runs: LegacyRun[];
  problems: Array<{ dir: string; problem: string }>;
} {
  const root = resolve(artifactsDir);
  if (!existsSync(root))
    throw new BuffError('ROOT_MISSING', `legacy artifacts folder ${root} does not exist`, { details: { file: root } });
  const runs: LegacyRun[] = [];
  const problems: Array<{ dir: string; problem: string }> = [];
  for (const entry of readdirSync(root, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const dir = join(root, entry.name);
    if (existsSync(join(dir, 'manifest.json')))
      problems.push({ dir, problem: 'has a manifest.json: not a legacy run (left alone)' });
    else if (!existsSync(join(dir, 'decisions.jsonl')))
      problems.push({ dir, problem: 'no decisions.jsonl: not a legacy run' });
    else runs.push(readLegacyRun(dir));
  }
  return { runs, problems };
}

function readLegacyRun(dir: string): LegacyRun {
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && /^[A-Za-z0-9._-]+$/.test(entry.name))
    .map((entry) => entry.name)
    .sort()
    .map((file) => {
      const bytes = readFileSync(join(dir, file));
      return { file, sha256: sha256Hex(bytes), bytes: bytes.length };
    });
  const summary = readJson(join(dir, 'summary.json'));
  const decisions = readFileSync(join(dir, 'decisions.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => parseOrEmpty(line));
  const symbols =
    stringList(summary.symbols) ??
    (typeof summary.symbol === 'string'
      ? [summary.symbol]
      : [...new Set(decisions.map((d) => d.symbol).filter((s): s is string => typeof s === 'string'))].sort());
  const tradesPath = join(dir, 'trades.jsonl');
  const tradeLines = existsSync(tradesPath)
    ? readFileSync(tradesPath, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '').length
    : null;
  return {
    id: legacyRunId(files),
    dir,
    files,
    listing: {
      name: typeof summary.name === 'string' ? summary.name : basename(dir),
      strategy: typeof summary.strategy === 'string' ? summary.strategy : 'unknown',
      symbols,
      timeframe: typeof summary.timeframe === 'string' ? summary.timeframe : 'unknown',
      window: { since: instant(decisions[0]?.ts), until: instant(decisions.at(-1)?.ts) },
      metrics: {
        totalReturn: numberOrNull(summary.totalReturn ?? summary.total_return),
        sharpe: numberOrNull(summary.sharpe),
        maxDrawdown: numberOrNull(summary.maxDrawdown ?? summary.max_drawdown),
        tradeCount: numberOrNull(summary.tradeCount ?? summary.trades) ?? tradeLines,
      },
    },
  };
}

/** What a migration did. */
export interface MigrationReport {
  migrated: Array<{ id: string; from: string }>;
  skipped: Array<{ id: string; from: string; reason: string }>;
  problems: Array<{ dir: string; problem: string }>;
}

/**
 * Copies every legacy run into RUNS_ROOT as `<legacy id>/` (original files + a generated
 * `legacy.json`), through the registry's staging and atomic publish. Never modifies or deletes
 * the source; runs already there are skipped, so running it twice changes nothing.
 * @example const report = await migrateLegacyRuns('artifacts', registry);
 */
export async function migrateLegacyRuns(
  artifactsDir: string,
  registry: RunRegistry,
  options: { dryRun?: boolean } = {},
): Promise<MigrationReport> {
  const { runs, problems } = scanLegacyRuns(artifactsDir);
  const report: MigrationReport = { migrated: [], skipped: [], problems };
  for (const run of runs) {
    if (await registry.has(run.id)) {
      report.skipped.push({ id: run.id, from: run.dir, reason: 'already in RUNS_ROOT' });
      continue;
    }
    if (options.dryRun) {
      report.migrated.push({ id: run.id, from: run.dir });
      continue;
    }
    const staging = await registry.createStaging(run.id);
    try {
      for (const { file } of run.files) copyFileSync(join(run.dir, file), join(staging, file));
      const legacy: LegacyManifest = {
        schemaVersion: 1,
        kind: 'legacy-run',
        id: run.id,
        importedFrom: run.dir,
        files: run.files,
        listing: run.listing,
      };
      writeFileAtomic(join(staging, 'legacy.json'), canonicalJsonPretty(legacy));
      await registry.publish(run.id, staging);
    } catch (err) {
      await registry.discard(staging);
      throw err;
    }
    report.migrated.push({ id: run.id, from: run.dir });
  }
  return report;
}

function readJson(path: string): Record<string, unknown> {
  if (!existsSync(path) || !statSync(path).isFile()) return {};
  return parseOrEmpty(readFileSync(path, 'utf8'));
}

function parseOrEmpty(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? (value as string[]) : undefined;
}

function instant(value: unknown): string | null {
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
  if (typeof value === 'number' && Number.isFinite(value))
    return new Date(value < 1e11 ? value * 1000 : value).toISOString();
  return null;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
