import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import {
  BuffError,
  SymbolSchema,
  TimestampFormatSchema,
  sha256Hex,
  sweepStaleTemps,
  writeFileAtomic,
  type TimestampFormat,
} from '@buff/core';
import { ingestCsv, listDatasets } from '@buff/ingest';

/** What is kept beside an accepted upload. */
export const UploadMetaSchema = z
  .object({
    id: z.string(),
    symbol: SymbolSchema,
    allowGaps: z.boolean(),
    /** Zone of timestamps that carry none, and how timestamps are written (ingest options). */
    timezone: z.string().optional(),
    timestampFormat: TimestampFormatSchema.optional(),
    /** First and last bar of the upload (its covered span ends one minute after `last`). */
    first: z.string().nullable().optional(),
    last: z.string().nullable().optional(),
    sha256: z.string(),
    rows: z.number().int(),
    bytes: z.number().int(),
  })
  .strict();
export type UploadMeta = z.infer<typeof UploadMetaSchema>;

export const UploadIdSchema = z.string().regex(/^upload-[0-9a-f]{16}$/, 'upload id must be upload-<16 hex>');

function uploadsDir(runsRoot: string): string {
  return join(runsRoot, '.buff', 'uploads');
}

/**
 * Checks an uploaded CSV with the same ingest rules as `buff ingest csv` (parse only, in a
 * private temp folder), and keeps it for a job only when it passes. A rejected file leaves
 * nothing behind. A symbol already in the dataset store with other data is a CONFLICT.
 * @example const meta = await stageUpload(runsRoot, dataRoot, { csv, symbol: 'BTC-USD', allowGaps: false });
 */
export async function stageUpload(
  runsRoot: string,
  dataRoot: string,
  input: {
    csv: string;
    symbol: string;
    allowGaps: boolean;
    timezone?: string;
    timestampFormat?: TimestampFormat;
    ttlMs?: number;
  },
): Promise<UploadMeta> {
  if (input.ttlMs !== undefined) await sweepStaleUploads(runsRoot, input.ttlMs);
  const bytes = Buffer.from(input.csv, 'utf8');
  const existing = (await listDatasets(dataRoot)).find((d) => d.symbol === input.symbol);
  const sha256 = sha256Hex(bytes);
  if (existing !== undefined && existing.source.sha256 !== sha256) {
    throw new BuffError(
      'CONFLICT',
      `dataset ${input.symbol} already exists with other data; upload under a new symbol`,
      {
        details: { key: 'symbol', value: input.symbol, rule: 'dataset-exists' },
      },
    );
  }
  const temp = await mkdtemp(join(tmpdir(), 'buff-upload-'));
  let rows: number;
  let span: { first: string | null; last: string | null };
  const options = {
    ...(input.timezone === undefined ? {} : { timezone: input.timezone }),
    ...(input.timestampFormat === undefined ? {} : { timestampFormat: input.timestampFormat }),
  };
  try {
    const file = join(temp, `${input.symbol}.csv`);
    await writeFile(file, bytes);
    // streamed through the ingest's rules (no table written): memory is set by its block size, not the upload
    const parsed = await ingestCsv(file, { symbol: input.symbol, allowGaps: input.allowGaps, ...options });
    rows = parsed.quality.rows;
    span = { first: parsed.quality.first, last: parsed.quality.last };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
  const meta: UploadMeta = {
    id: `upload-${randomBytes(8).toString('hex')}`,
    symbol: input.symbol,
    allowGaps: input.allowGaps,
    ...options,
    ...span,
    sha256,
    rows,
    bytes: bytes.length,
  };
  writeFileAtomic(join(uploadsDir(runsRoot), `${meta.id}.csv`), bytes);
  writeFileAtomic(join(uploadsDir(runsRoot), `${meta.id}.json`), `${JSON.stringify(meta)}\n`);
  return meta;
}

/** An accepted upload and its CSV path; NOT_FOUND when unknown. */
export async function readUpload(runsRoot: string, id: string): Promise<UploadMeta & { path: string }> {
  const valid = UploadIdSchema.safeParse(id);
  if (!valid.success)
    throw new BuffError('INVALID_ID', `not an upload id: ${id.slice(0, 40)}`, {
      details: { key: 'uploadId', value: id.slice(0, 40) },
    });
  try {
    const meta = UploadMetaSchema.parse(JSON.parse(await readFile(join(uploadsDir(runsRoot), `${id}.json`), 'utf8')));
    return { ...meta, path: join(uploadsDir(runsRoot), `${id}.csv`) };
  } catch {
    throw new BuffError('NOT_FOUND', `no upload ${id}`, { details: { key: 'uploadId', value: id } });
  }
}

/** Removes an upload once ingested. */
export async function removeUpload(runsRoot: string, id: string): Promise<void> {
  await rm(join(uploadsDir(runsRoot), `${id}.csv`), { force: true });
  await rm(join(uploadsDir(runsRoot), `${id}.json`), { force: true });
}

const UPLOAD_FILE = /^upload-[0-9a-f]{16}\.(csv|json)$/;

/**
 * Removes uploads that no job used within `ttlMs` (a job removes its upload when it ends, so what is
 * older was never submitted, or its job died with a server), and temp files of killed upload writes.
 * Returns the names removed. Run at server start and before each new upload.
 * @example await sweepStaleUploads('runs', 3_600_000) // ['upload-0123456789abcdef.csv', ...]
 */
export async function sweepStaleUploads(runsRoot: string, ttlMs: number, now = Date.now()): Promise<string[]> {
  const dir = uploadsDir(runsRoot);
  const removed = sweepStaleTemps(dir, now);
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => UPLOAD_FILE.test(n))) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info === undefined || now - info.mtimeMs <= ttlMs) continue;
    await rm(path, { force: true });
    removed.push(name);
  }
  return removed;
}
