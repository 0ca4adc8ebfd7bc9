import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isBuffError, sha256Hex } from '@buff/core';
import { computeFeatures } from './features/compute-features.js';
import { featureTableToIpc, ipcToFeatureTable, readFeatureTable, writeFeatureTable } from './feature-store.js';
import { walkBars } from './fixtures/walk-bars.js';

const dir = mkdtempSync(join(tmpdir(), 'buff-features-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('feature store', () => {
  const table = computeFeatures(walkBars(300, 9));
  const source = sha256Hex('bars of BTC-USD');

  it('round-trips a feature table through Arrow IPC, deterministically', () => {
    const bytes = featureTableToIpc(table);
    expect(sha256Hex(featureTableToIpc(table))).toBe(sha256Hex(bytes));
    const back = ipcToFeatureTable(bytes, table.warmup);
    expect(back.names).toEqual(table.names);
    expect(back.ts).toEqual(table.ts);
    back.columns.forEach((column, i) =>
      expect(Buffer.from(column.buffer).equals(Buffer.from(table.columns[i]!.buffer))).toBe(true),
    );
  });

  it('writes <root>/<symbol>/features/<tf>.arrow and features.json naming the source dataset', async () => {
    const entry = await writeFeatureTable(dir, { symbol: 'BTC-USD', timeframe: '1m', table, sourceContentId: source });
    const manifest = JSON.parse(readFileSync(join(dir, 'BTC-USD', 'features', 'features.json'), 'utf8'));
    expect(manifest.tables['1m'].sourceContentId).toBe(source);
    expect(manifest.tables['1m'].contentId).toBe(sha256Hex(readFileSync(join(dir, 'BTC-USD', 'features', '1m.arrow'))));
    expect(entry.names).toEqual(table.names);
    const { table: back } = await readFeatureTable(dir, 'BTC-USD', '1m', { expectedSourceContentId: source });
    expect(back.warmup).toBe(table.warmup);
  });

  it('refuses a feature table from another dataset (DATASET_MISMATCH)', async () => {
    const err = await caught(
      readFeatureTable(dir, 'BTC-USD', '1m', { expectedSourceContentId: sha256Hex('other bars') }),
    );
    expect(isBuffError(err, 'INVALID_INPUT')).toBe(true);
    expect((err as { details: { rule: string } }).details.rule).toBe('DATASET_MISMATCH');
    expect((err as Error).message).toMatch(/was computed from dataset .* recompute it with buff features/);
  });

  it('detects corrupted bytes and a missing table', async () => {
    const path = join(dir, 'BTC-USD', 'features', '1m.arrow');
    const bytes = readFileSync(path);
    bytes[bytes.length - 20] = (bytes[bytes.length - 20] as number) ^ 0xff;
    writeFileSync(path, bytes);
    expect(isBuffError(await caught(readFeatureTable(dir, 'BTC-USD', '1m')), 'CORRUPT_ARTIFACT')).toBe(true);
    expect(isBuffError(await caught(readFeatureTable(dir, 'BTC-USD', '5m')), 'NOT_FOUND')).toBe(true);
  });
});
