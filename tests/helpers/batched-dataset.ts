import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Table, tableToIPC, type RecordBatch } from 'apache-arrow';
import { canonicalJsonPretty, sha256Hex, type Bars, type DatasetManifest, type Timeframe } from '@buff/core';
import { barsToTable, writeDataset } from '@buff/ingest';

/**
 * Stores `bars` as the symbol's `timeframe` table (writeDataset), then rewrites its file as an
 * Arrow IPC file of `batchRows`-row record batches (content id, file name and size updated in
 * dataset.json): a small table with the layout of a large streamed one.
 * @example const { contentId } = await storeBatched(root, 'BTC-USD', '1m', bars, 1000);
 */
export async function storeBatched(
  root: string,
  symbol: string,
  timeframe: Timeframe,
  bars: Bars,
  batchRows: number,
): Promise<{ contentId: string; batches: number; path: string }> {
  await writeDataset(root, { symbol, timeframe, bars, source: { kind: 'synthetic' } });
  const dir = join(root, symbol);
  const manifestPath = join(dir, 'dataset.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as DatasetManifest;
  const entry = manifest.tables[timeframe];
  if (entry === undefined) throw new Error(`no ${timeframe} table written`);
  const whole = barsToTable(bars);
  const batches: RecordBatch[] = [];
  for (let at = 0; at < whole.numRows; at += batchRows) batches.push(...whole.slice(at, at + batchRows).batches);
  const bytes = tableToIPC(new Table(batches), 'file');
  const contentId = sha256Hex(bytes);
  const file = `${timeframe}.${contentId.slice(0, 16)}.arrow`;
  writeFileSync(join(dir, file), bytes);
  // writeDataset writes BATCH_ROWS-row batches: that layout is the file already there
  if (file !== entry.file) rmSync(join(dir, entry.file));
  manifest.tables[timeframe] = { ...entry, file, contentId, bytes: bytes.length };
  writeFileSync(`${manifestPath}.tmp`, `${canonicalJsonPretty(manifest)}\n`);
  renameSync(`${manifestPath}.tmp`, manifestPath);
  return { contentId, batches: batches.length, path: join(dir, file) };
}
