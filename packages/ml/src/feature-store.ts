import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  Float32,
  Table,
  TimestampMillisecond,
  makeData,
  makeVector,
  tableFromIPC,
  tableToIPC,
  type Vector,
} from 'apache-arrow';
import { z } from 'zod';
import {
  BuffError,
  Sha256Schema,
  StoredTableSchema,
  canonicalJsonPretty,
  parseOrThrow,
  sha256Hex,
  writeFileAtomic,
  type Timeframe,
} from '@buff/core';
import { readBars, readDatasetManifest } from '@buff/ingest';
import {
  FeatureOptionsSchema,
  computeFeatures,
  parseFeatureOptions,
  type FeatureOptionsInput,
  type FeatureTable,
} from './features/compute-features.js';

/** Folder of a symbol's feature tables and the name of their manifest. */
export const FEATURES_DIR = 'features';
export const FEATURES_MANIFEST = 'features.json';

/** One stored feature table; `sourceContentId` is the content id of the bars it was computed from. */
export const FeatureTableEntrySchema = z
  .object({
    ...StoredTableSchema.shape,
    warmup: z.number().int().nonnegative(),
    names: z.array(z.string()),
    sourceContentId: Sha256Schema,
    options: FeatureOptionsSchema,
  })
  .strict();
export type FeatureTableEntry = z.infer<typeof FeatureTableEntrySchema>;

/** `<DATA_ROOT>/<symbol>/features/features.json`. */
export const FeatureManifestSchema = z
  .object({ schemaVersion: z.literal(1), symbol: z.string(), tables: z.record(z.string(), FeatureTableEntrySchema) })
  .strict();
export type FeatureManifest = z.infer<typeof FeatureManifestSchema>;

/**
 * A feature table as Arrow IPC file bytes: `ts` Timestamp(ms, UTC) then one Float32 column per feature.
 * Deterministic: equal tables give equal bytes (and so equal content ids).
 * @example const contentId = sha256Hex(featureTableToIpc(table));
 */
export function featureTableToIpc(table: FeatureTable): Uint8Array {
  const length = table.ts.length;
  const ts = BigInt64Array.from(table.ts, (v) => BigInt(v));
  const vectors: Record<string, Vector> = {
    ts: makeVector(makeData({ type: new TimestampMillisecond('UTC'), data: ts, length, nullCount: 0 })),
  };
  table.names.forEach((name, i) => {
    vectors[name] = makeVector(
      makeData({ type: new Float32(), data: table.columns[i] as Float32Array, length, nullCount: 0 }),
    );
  });
  return tableToIPC(new Table(vectors), 'file');
}

/**
 * Reads a feature table back from Arrow IPC bytes; `warmup` comes from its manifest entry.
 * @example const table = ipcToFeatureTable(bytes, entry.warmup);
 */
export function ipcToFeatureTable(bytes: Uint8Array, warmup: number): FeatureTable {
  const arrow = tableFromIPC(bytes);
  const names = arrow.schema.fields.map((f) => f.name).filter((name) => name !== 'ts');
  const tsVector = arrow.getChild('ts');
  if (!tsVector)
    throw new BuffError('CORRUPT_ARTIFACT', 'feature table has no ts column', { details: { column: 'ts' } });
  const ts = Float64Array.from(tsVector.toArray() as BigInt64Array, (v) => Number(v));
  const columns = names.map((name) => Float32Array.from(arrow.getChild(name)?.toArray() as Float32Array));
  return { names, columns, ts, warmup };
}

function featuresDir(dataRoot: string, symbol: string): string {
  return join(dataRoot, symbol, FEATURES_DIR);
}

async function readFeatureManifest(dataRoot: string, symbol: string): Promise<FeatureManifest | undefined> {
  const path = join(featuresDir(dataRoot, symbol), FEATURES_MANIFEST);
  if (!existsSync(path)) return undefined;
  const value: unknown = JSON.parse(await readFile(path, 'utf8'));
  return parseOrThrow(FeatureManifestSchema, value, 'CORRUPT_ARTIFACT', {
    what: `${path}: feature manifest`,
    file: path,
  });
}

/**
 * Stores a feature table as `<dataRoot>/<symbol>/features/<timeframe>.arrow` (content id = sha256
 * of its bytes) and records it, with the source dataset's content id, in `features.json`.
 * Both files are written atomically, the manifest last.
 * @example await writeFeatureTable('data', { symbol: 'BTC-USD', timeframe: '1m', table, sourceContentId, options: {} });
 */
export async function writeFeatureTable(
  dataRoot: string,
  input: {
    symbol: string;
    timeframe: Timeframe;
    table: FeatureTable;
    sourceContentId: string;
    options?: FeatureOptionsInput;
  },
): Promise<FeatureTableEntry> {
  const bytes = featureTableToIpc(input.table);
  const entry = FeatureTableEntrySchema.parse({
    timeframe: input.timeframe,
    file: `${input.timeframe}.arrow`,
    contentId: sha256Hex(bytes),
    bytes: bytes.length,
    rows: input.table.ts.length,
    warmup: input.table.warmup,
    names: input.table.names,
    sourceContentId: input.sourceContentId,
    options: parseFeatureOptions(input.options),
  });
  const dir = featuresDir(dataRoot, input.symbol);
  const previous = await readFeatureManifest(dataRoot, input.symbol);
  const tables = { ...(previous?.tables ?? {}), [input.timeframe]: entry };
  const manifest: FeatureManifest = {
    schemaVersion: 1,
    symbol: input.symbol,
    tables: Object.fromEntries(Object.entries(tables).sort(([a], [b]) => a.localeCompare(b))),
  };
  writeFileAtomic(join(dir, entry.file), bytes);
  writeFileAtomic(join(dir, FEATURES_MANIFEST), `${canonicalJsonPretty(manifest)}\n`);
  return entry;
}

/**
 * Reads a stored feature table, verifying its bytes against `features.json` (CORRUPT_ARTIFACT) and,
 * when `expectedSourceContentId` is given, that it was computed from that dataset (INVALID_INPUT,
 * rule DATASET_MISMATCH: a feature table from another dataset is never used silently).
 * @example const { table, entry } = await readFeatureTable('data', 'BTC-USD', '1m', { expectedSourceContentId });
 */
export async function readFeatureTable(
  dataRoot: string,
  symbol: string,
  timeframe: Timeframe,
  options: { expectedSourceContentId?: string } = {},
): Promise<{ table: FeatureTable; entry: FeatureTableEntry }> {
  const manifest = await readFeatureManifest(dataRoot, symbol);
  const entry = manifest?.tables[timeframe];
  if (!entry) {
    throw new BuffError(
      'NOT_FOUND',
      `no ${timeframe} feature table for ${symbol} under ${dataRoot}; run buff features --symbol ${symbol} --timeframe ${timeframe}`,
      {
        details: { file: join(featuresDir(dataRoot, symbol), FEATURES_MANIFEST), key: timeframe },
      },
    );
  }
  if (options.expectedSourceContentId !== undefined && entry.sourceContentId !== options.expectedSourceContentId) {
    throw new BuffError(
      'INVALID_INPUT',
      `feature table ${symbol}/${timeframe} was computed from dataset ${entry.sourceContentId.slice(0, 12)}, not ${options.expectedSourceContentId.slice(0, 12)}; recompute it with buff features`,
      {
        details: {
          file: join(featuresDir(dataRoot, symbol), FEATURES_MANIFEST),
          key: 'sourceContentId',
          value: entry.sourceContentId,
          expected: options.expectedSourceContentId,
          rule: 'DATASET_MISMATCH',
        },
      },
    );
  }
  const path = join(featuresDir(dataRoot, symbol), entry.file);
  const bytes = await readFile(path).catch((err: unknown) => {
    throw new BuffError('CORRUPT_ARTIFACT', `${path}: listed in ${FEATURES_MANIFEST} but unreadable`, {
      cause: err,
      details: { file: path },
    });
  });
  const actual = sha256Hex(bytes);
  if (actual !== entry.contentId) {
    throw new BuffError(
      'CORRUPT_ARTIFACT',
      `${path}: sha256 ${actual.slice(0, 12)} does not match ${FEATURES_MANIFEST} ${entry.contentId.slice(0, 12)}`,
      {
        details: { file: path, rule: 'CONTENT_ID', value: actual, expected: entry.contentId },
      },
    );
  }
  return { table: ipcToFeatureTable(bytes, entry.warmup), entry };
}

/**
 * Computes the features of a stored dataset table and stores them beside it.
 * @example const entry = await buildFeatureTable('data', 'BTC-USD', '1m'); entry.contentId
 */
export async function buildFeatureTable(
  dataRoot: string,
  symbol: string,
  timeframe: Timeframe,
  options: FeatureOptionsInput = {},
): Promise<FeatureTableEntry> {
  const { bars, table: source } = await readBars(dataRoot, symbol, timeframe);
  const table = computeFeatures(bars, options);
  return writeFeatureTable(dataRoot, { symbol, timeframe, table, sourceContentId: source.contentId, options });
}

/**
 * The stored feature table of a dataset, checked against the dataset's CURRENT content id: after
 * the bars change, stale features are refused (INVALID_INPUT, rule DATASET_MISMATCH).
 * @example const { table } = await loadFeatureTable('data', 'BTC-USD', '1m');
 */
export async function loadFeatureTable(
  dataRoot: string,
  symbol: string,
  timeframe: Timeframe,
): Promise<{ table: FeatureTable; entry: FeatureTableEntry }> {
  const source = (await readDatasetManifest(dataRoot, symbol)).tables[timeframe];
  if (!source) {
    throw new BuffError('DATASET_NOT_FOUND', `no ${timeframe} table for ${symbol} under ${dataRoot}`, {
      details: { key: 'timeframe', value: timeframe },
    });
  }
  return readFeatureTable(dataRoot, symbol, timeframe, { expectedSourceContentId: source.contentId });
}
