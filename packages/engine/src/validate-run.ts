import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BuffError, RunIdSchema, RunManifestSchema, sha256Hex, type RunManifest } from '@buff/core';
import { ARTIFACT_COLUMNS, ARTIFACT_FILES, INPUT_PREFIX } from './run-artifacts.js';
import { ipcToColumns, type ColumnValues } from './arrow-columns.js';
import { RunMetricsSchema, type RunMetrics } from './metrics.js';
import { parseRunConfig } from './run-config.js';
import { computeRunId } from './run-id.js';
import { checkRunConsistency, type ArtifactTables, type RunProblem } from './run-consistency.js';

/** Records one problem with a run. */
type AddProblem = (file: string, rule: string, message: string) => void;

export interface RunValidation {
  ok: boolean;
  problems: RunProblem[];
}

/**
 * Checks a published run: the manifest against its schema and its own id; every artifact's
 * bytes and sha256 against the manifest; missing and extra files; every artifact read back
 * against its schema; cross-checks (each trade has its entry and exit decisions, decision rows
 * match the inputs, final equity agrees with the trades within 1e-6 relative). Lists every
 * problem found; RUN_NOT_FOUND only when the run folder does not exist.
 * @example const { ok, problems } = await validateRun('runs', 'run-0123456789abcdef');
 */
export async function validateRun(runsRoot: string, runId: string): Promise<RunValidation> {
  const id = RunIdSchema.safeParse(runId);
  if (!id.success)
    throw new BuffError('INVALID_ID', `not a run id: ${runId}`, { details: { key: 'runId', value: runId } });
  const runDir = join(runsRoot, runId);
  if (!existsSync(runDir))
    throw new BuffError('RUN_NOT_FOUND', `no run ${runId} under ${runsRoot}`, {
      details: { file: runDir, value: runId },
    });
  const problems: RunProblem[] = [];
  const problem: AddProblem = (file, rule, message) => void problems.push({ file, rule, message });

  const manifest = await readManifest(runDir, runId, problem);
  if (!manifest) return { ok: false, problems };

  const present = (await readdir(runDir)).sort();
  checkFileList(manifest, present, problem);

  const bytesOf = await readArtifactBytes(runDir, manifest, present, problem);

  const tables: Partial<ArtifactTables> = {};
  for (const kind of ['decisions', 'trades', 'equity', 'days'] as const) {
    const file = ARTIFACT_FILES[kind];
    const bytes = bytesOf.get(file);
    if (!bytes) continue;
    const read = readTable(bytes, file, kind, problem);
    if (read) tables[kind] = read;
  }
  const metrics = readMetrics(bytesOf.get(ARTIFACT_FILES.metrics), problem);
  if (tables.decisions && tables.trades && tables.equity && tables.days) {
    for (const p of checkRunConsistency(manifest, tables as ArtifactTables, metrics)) problems.push(p);
  }
  return { ok: problems.length === 0, problems };
}

/** Files in the run folder that the manifest does not list, and standard artifacts the manifest leaves out. */
function checkFileList(manifest: RunManifest, present: readonly string[], problem: AddProblem): void {
  const listed = new Set(['manifest.json', ...manifest.artifacts.map((a) => a.file)]);
  for (const file of present)
    if (!listed.has(file)) problem(file, 'extra', `${file} is in the run folder but not in the manifest`);
  for (const required of Object.values(ARTIFACT_FILES)) {
    if (!manifest.artifacts.some((a) => a.file === required))
      problem('manifest.json', 'artifacts', `the manifest does not list ${required}`);
  }
}

/** Each artifact the manifest lists, read and checked against its listed size and sha256; the missing ones named. */
async function readArtifactBytes(
  runDir: string,
  manifest: RunManifest,
  present: readonly string[],
  problem: AddProblem,
): Promise<Map<string, Uint8Array>> {
  const bytesOf = new Map<string, Uint8Array>();
  for (const entry of manifest.artifacts) {
    if (!present.includes(entry.file)) {
      problem(entry.file, 'missing', `${entry.file} is listed in the manifest but missing`);
      continue;
    }
    const bytes = await readFile(join(runDir, entry.file));
    if (bytes.length !== entry.bytes)
      problem(entry.file, 'bytes', `${entry.file} has ${bytes.length} bytes, the manifest says ${entry.bytes}`);
    const actual = sha256Hex(bytes);
    if (actual !== entry.sha256)
      problem(
        entry.file,
        'sha256',
        `${entry.file} sha256 ${actual.slice(0, 12)}... differs from the manifest's ${entry.sha256.slice(0, 12)}...`,
      );
    bytesOf.set(entry.file, bytes);
  }
  return bytesOf;
}

/** metrics.json parsed against its schema, or undefined (with the problem) when it is absent, not JSON or off-schema. */
function readMetrics(metricsBytes: Uint8Array | undefined, problem: AddProblem): RunMetrics | undefined {
  if (!metricsBytes) return undefined;
  try {
    const parsed = RunMetricsSchema.safeParse(JSON.parse(Buffer.from(metricsBytes).toString('utf8')));
    if (parsed.success) return parsed.data;
    problem(
      ARTIFACT_FILES.metrics,
      'schema',
      `metrics.json does not match its schema: ${issueText(parsed.error.issues)}`,
    );
  } catch (err) {
    problem(ARTIFACT_FILES.metrics, 'json', `metrics.json is not JSON: ${(err as Error).message}`);
  }
  return undefined;
}

async function readManifest(
  runDir: string,
  runId: string,
  problem: (file: string, rule: string, message: string) => void,
): Promise<RunManifest | undefined> {
  const file = 'manifest.json';
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(runDir, file), 'utf8'));
  } catch (err) {
    problem(
      file,
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'json',
      `manifest.json cannot be read: ${(err as Error).message}`,
    );
    return undefined;
  }
  const parsed = RunManifestSchema.safeParse(raw);
  if (!parsed.success) {
    problem(file, 'schema', `manifest.json does not match the RunManifest schema: ${issueText(parsed.error.issues)}`);
    return undefined;
  }
  const manifest = parsed.data;
  if (manifest.id !== runId) problem(file, 'id', `manifest id ${manifest.id} is not the folder's ${runId}`);
  try {
    const config = parseRunConfig(manifest.config, 'manifest.json config');
    const expected = computeRunId(config, manifest.inputs, manifest.engineVersion);
    if (expected !== manifest.id)
      problem(
        file,
        'run-id',
        `config, inputs and engine version hash to ${expected}, not ${manifest.id}: the manifest was edited`,
      );
  } catch (err) {
    problem(file, 'config', `manifest config is not a valid run config: ${(err as Error).message}`);
  }
  return manifest;
}

function readTable(
  bytes: Uint8Array,
  file: string,
  kind: 'decisions' | 'trades' | 'equity' | 'days',
  problem: (file: string, rule: string, message: string) => void,
): { numRows: number; columns: Map<string, ColumnValues> } | undefined {
  let table: ReturnType<typeof ipcToColumns>;
  try {
    table = ipcToColumns(bytes);
  } catch (err) {
    problem(file, 'arrow', `${file} is not a readable Arrow file: ${(err as Error).message}`);
    return undefined;
  }
  const expected: Record<string, string> = ARTIFACT_COLUMNS[kind];
  let ok = true;
  for (const [name, type] of Object.entries(expected)) {
    const column = table.columns.get(name);
    if (!column) {
      problem(file, 'schema', `${file} lacks column ${name}`);
      ok = false;
    } else if (column.kind !== type) {
      problem(file, 'schema', `${file} column ${name} is ${column.kind}, expected ${type}`);
      ok = false;
    }
  }
  for (const [name, column] of table.columns) {
    if (name in expected) continue;
    if (kind === 'decisions' && name.startsWith(INPUT_PREFIX) && column.kind === 'float64') continue;
    problem(file, 'schema', `${file} has an unexpected column ${name}`);
    ok = false;
  }
  return ok ? table : undefined;
}

function issueText(issues: Array<{ path: PropertyKey[]; message: string }>): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
