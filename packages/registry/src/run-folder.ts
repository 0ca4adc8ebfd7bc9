import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BuffError, RunManifestSchema, parseOrThrow, type RunManifest } from '@buff/core';
import { sha256FileOffThread } from '@buff/core/io';
import { LegacyManifestSchema } from './legacy-manifest.js';
import { RunStatusSchema, type HeadlineMetrics, type RunRecord } from './run-record.js';

/** How hard to check a folder: sizes only (cheap, used on open) or sha256 of every artifact. */
export type FolderCheck = 'sizes' | 'hashes';

/**
 * Reads a published (or staged) run folder into its registry record, checking the manifest and
 * every listed artifact. `createdAt` is the folder's mtime, which publish sets to the wall clock.
 * Throws CORRUPT_ARTIFACT naming the file and what is wrong.
 * @example const record = readRunFolder('runs/run-0123456789abcdef', { check: 'hashes' });
 */
export function readRunFolder(
  dir: string,
  options: { check?: FolderCheck; expectId?: string; tags?: string[] } = {},
): RunRecord {
  const { record, files } = readFolder(dir, options);
  if ((options.check ?? 'sizes') === 'hashes')
    for (const entry of files) checkHash(join(dir, entry.file), entry, sha256OfFile(join(dir, entry.file)));
  return record;
}

/**
 * {@link readRunFolder} with the hash check on two cores: the large files alternate between
 * core's hash worker and this thread (publish hashes a 1M-bar run's 66 MB in about half the time).
 * `alreadyHashed(path, entry)` may vouch for a file whose bytes the caller hashed itself as it
 * wrote them (and that is unchanged since); those are not read again.
 * @example const record = await readRunFolderHashed('runs/.staging/run-0123456789abcdef-1', { expectId: 'run-0123456789abcdef' });
 */
export async function readRunFolderHashed(
  dir: string,
  options: { expectId?: string; tags?: string[]; alreadyHashed?: (path: string, entry: ListedFile) => boolean } = {},
): Promise<RunRecord> {
  const { record, files } = readFolder(dir, { ...options, check: 'sizes' });
  const known = options.alreadyHashed;
  const bySize = files.filter((entry) => !known?.(join(dir, entry.file), entry)).sort((a, b) => b.bytes - a.bytes);
  const elsewhere = bySize.filter((_, index) => index % 2 === 0); // small ones are hashed on this thread by core anyway
  const here = bySize.filter((_, index) => index % 2 === 1);
  const offThread = elsewhere.map(async (entry) =>
    checkHash(join(dir, entry.file), entry, await sha256FileOffThread(join(dir, entry.file))),
  );
  const settled = Promise.allSettled(offThread);
  let failedHere: { error: unknown } | undefined;
  try {
    for (const entry of here) checkHash(join(dir, entry.file), entry, sha256OfFile(join(dir, entry.file)));
  } catch (error) {
    failedHere = { error };
  }
  // The off-thread hashes are always awaited (no worker is left running); their failure wins, as before.
  for (const result of await settled) if (result.status === 'rejected') throw result.reason;
  if (failedHere) throw failedHere.error;
  return record;
}

/** The record of a run folder and the files its manifest lists (checked for presence and size). */
function readFolder(
  dir: string,
  options: { check?: FolderCheck; expectId?: string; tags?: string[] },
): { record: RunRecord; files: ListedFile[] } {
  const expectId = options.expectId ?? basename(dir);
  const createdAt = new Date(Math.round(statSync(dir).mtimeMs)).toISOString();
  const legacyPath = join(dir, 'legacy.json');
  if (!existsSync(join(dir, 'manifest.json')) && existsSync(legacyPath)) {
    const legacy = parseJsonFile(legacyPath, LegacyManifestSchema);
    if (legacy.id !== expectId)
      corrupt(legacyPath, 'ID_MISMATCH', `legacy.json names ${legacy.id}, folder is ${expectId}`);
    checkSizes(dir, legacy.files);
    return {
      record: { id: legacy.id, ...legacy.listing, createdAt, status: 'legacy', tags: options.tags ?? [], legacy: true },
      files: legacy.files,
    };
  }
  const manifestPath = join(dir, 'manifest.json');
  const manifest = parseJsonFile(manifestPath, RunManifestSchema);
  if (manifest.id !== expectId)
    corrupt(manifestPath, 'ID_MISMATCH', `manifest names ${manifest.id}, folder is ${expectId}`);
  checkSizes(dir, manifest.artifacts);
  const metricsPath = join(dir, 'metrics.json');
  const metrics = existsSync(metricsPath) ? (parseJsonFile(metricsPath) as Record<string, unknown>) : {};
  return {
    record: {
      ...listingOf(manifest),
      createdAt,
      ...statusAndMetrics(metrics),
      tags: options.tags ?? [],
      legacy: false,
    },
    files: manifest.artifacts,
  };
}

function listingOf(
  manifest: RunManifest,
): Pick<RunRecord, 'id' | 'name' | 'strategy' | 'symbols' | 'timeframe' | 'window'> {
  const config = manifest.config;
  const strategy = config.strategy;
  const window = (config.window ?? {}) as Record<string, unknown>;
  return {
    id: manifest.id,
    name: typeof config.name === 'string' ? config.name : manifest.id,
    strategy:
      typeof strategy === 'string'
        ? strategy
        : typeof (strategy as { name?: unknown })?.name === 'string'
          ? (strategy as { name: string }).name
          : 'unknown',
    symbols: Array.isArray(config.symbols) ? config.symbols.filter((s): s is string => typeof s === 'string') : [],
    timeframe: typeof config.timeframe === 'string' ? config.timeframe : 'unknown',
    window: { since: stringOrNull(window.since), until: stringOrNull(window.until) },
  };
}

function statusAndMetrics(metrics: Record<string, unknown>): { status: RunRecord['status']; metrics: HeadlineMetrics } {
  const source = (
    typeof metrics.headline === 'object' && metrics.headline !== null ? metrics.headline : metrics
  ) as Record<string, unknown>;
  const status = RunStatusSchema.safeParse(metrics.status);
  return {
    status: status.success ? status.data : 'completed',
    metrics: {
      totalReturn: numberOrNull(source.totalReturn),
      sharpe: numberOrNull(source.sharpe),
      maxDrawdown: numberOrNull(source.maxDrawdown),
      tradeCount: numberOrNull(source.tradeCount),
    },
  };
}

export interface ListedFile {
  file: string;
  sha256: string;
  bytes: number;
}

function checkSizes(dir: string, files: ListedFile[]): void {
  for (const entry of files) {
    const path = join(dir, entry.file);
    if (!existsSync(path))
      corrupt(path, 'MISSING_ARTIFACT', `artifact ${entry.file} listed in the manifest is missing`);
    const size = statSync(path).size;
    if (size !== entry.bytes)
      corrupt(path, 'SIZE_MISMATCH', `artifact ${entry.file} has ${size} bytes, manifest says ${entry.bytes}`);
  }
}

function checkHash(path: string, entry: ListedFile, sha256: string): void {
  if (sha256 !== entry.sha256)
    corrupt(path, 'HASH_MISMATCH', `artifact ${entry.file} has sha256 ${sha256}, manifest says ${entry.sha256}`);
}

function sha256OfFile(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function parseJsonFile<T>(path: string, schema: z.ZodType<T>): T;
function parseJsonFile(path: string): unknown;
function parseJsonFile<T>(path: string, schema?: z.ZodType<T>): unknown {
  if (!existsSync(path)) corrupt(path, 'MISSING_MANIFEST', `${basename(path)} is missing`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    corrupt(path, 'UNPARSABLE_JSON', `${basename(path)} is not valid JSON (${(err as Error).message})`);
  }
  if (!schema) return value;
  return parseOrThrow(schema, value, 'CORRUPT_ARTIFACT', {
    what: `${basename(path)} fails its schema`,
    file: path,
    rule: 'SCHEMA',
  });
}

function corrupt(file: string, rule: string, message: string): never {
  throw new BuffError('CORRUPT_ARTIFACT', message, { details: { file, rule } });
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** What a scan of RUNS_ROOT found: valid runs, corrupt run folders, legacy runs, and folders that are not runs. */
export interface FolderScan {
  records: RunRecord[];
  corrupt: Array<{ dir: string; problem: string }>;
  legacy: string[];
  ignored: string[];
}

const RUN_ID = /^(?:run|legacy)-[0-9a-f]{16}$/;

/** The run-id folders directly under RUNS_ROOT (dot folders such as .index and .staging are skipped). */
export function listRunFolderNames(runsRoot: string): { ids: string[]; ignored: string[] } {
  const ids: string[] = [];
  const ignored: string[] = [];
  for (const entry of readdirSync(runsRoot, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    if (RUN_ID.test(entry.name) && entry.isDirectory()) ids.push(entry.name);
    else ignored.push(entry.name);
  }
  return { ids: ids.sort(), ignored: ignored.sort() };
}

/**
 * Reads every run folder under RUNS_ROOT, with hash checks: the source of truth an index rebuild uses.
 * Writes nothing.
 * @example const { records, corrupt } = scanRunFolders('runs');
 */
export function scanRunFolders(runsRoot: string, options: { check?: FolderCheck } = {}): FolderScan {
  const scan: FolderScan = { records: [], corrupt: [], legacy: [], ignored: [] };
  const { ids, ignored } = listRunFolderNames(runsRoot);
  scan.ignored = ignored;
  for (const id of ids) {
    const dir = join(runsRoot, id);
    try {
      const record = readRunFolder(dir, { check: options.check ?? 'hashes' });
      scan.records.push(record);
      if (record.legacy) scan.legacy.push(id);
    } catch (err) {
      if (!(err instanceof BuffError)) throw err;
      scan.corrupt.push({ dir, problem: err.message });
    }
  }
  return scan;
}
