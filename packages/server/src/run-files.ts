import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { BuffError, RunIdSchema, RunManifestSchema, parseOrThrow, type RunManifest } from '@buff/core';

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.arrow': 'application/vnd.apache.arrow.file',
  '.feather': 'application/vnd.apache.arrow.file',
  '.parquet': 'application/vnd.apache.parquet',
  '.csv': 'text/csv; charset=utf-8',
  '.jsonl': 'application/x-ndjson',
  '.yml': 'application/yaml',
  '.yaml': 'application/yaml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.html': 'text/plain; charset=utf-8',
};

/**
 * Content type of an artifact by its extension; unknown ones are octet-stream (and HTML is
 * served as text so an artifact can never run script in the UI's origin).
 * @example artifactContentType('equity.arrow') // 'application/vnd.apache.arrow.file'
 */
export function artifactContentType(name: string): string {
  return CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

/** Validates a run id from a URL (never a path): INVALID_ID otherwise. */
export function parseRunId(value: unknown): string {
  const parsed = RunIdSchema.safeParse(value);
  if (!parsed.success) {
    throw new BuffError('INVALID_ID', `not a run id: ${JSON.stringify(String(value)).slice(0, 80)}`, {
      details: { key: 'id', value: String(value).slice(0, 80), rule: 'RunIdSchema' },
    });
  }
  return parsed.data;
}

/** Reads and checks `<runDir>/manifest.json`; RUN_NOT_FOUND when the run has none. */
export async function readRunManifest(runDir: string, runId: string): Promise<RunManifest> {
  let text: string;
  try {
    text = await readFile(join(runDir, 'manifest.json'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new BuffError('RUN_NOT_FOUND', `no run ${runId}`, { details: { key: 'id', value: runId } });
    throw err;
  }
  return parseOrThrow(RunManifestSchema, JSON.parse(text), 'CORRUPT_ARTIFACT', {
    what: `manifest of ${runId} does not match the schema`,
    file: 'manifest.json',
  });
}

/** Names that may be downloaded for a run: the manifest itself plus every listed artifact. */
export function downloadableNames(manifest: RunManifest): string[] {
  return ['manifest.json', ...manifest.artifacts.map((a) => a.file).filter((f) => f !== 'manifest.json')];
}

/**
 * Absolute path of an artifact, only when its name is listed in the manifest (so `..`, encoded
 * slashes and anything else unlisted are NOT_FOUND without touching the file system).
 */
export function artifactPath(runDir: string, manifest: RunManifest, name: string): string {
  if (!downloadableNames(manifest).includes(name)) {
    throw new BuffError('NOT_FOUND', `run ${manifest.id} has no artifact named ${JSON.stringify(name).slice(0, 80)}`, {
      details: { key: 'name', value: name.slice(0, 80), rule: 'manifest.artifacts' },
    });
  }
  return join(runDir, name);
}
