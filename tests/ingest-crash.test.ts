import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportDataset, readBars, readDatasetManifest, readQualityReport } from '@buff/ingest';
import { runBuilt } from './helpers/built-cli.js';
import { makeTempDir } from './helpers/tmp.js';

// A re-ingest killed (SIGKILL) at each rename and unlink of its commit, through the built `buff`:
// every time, readBars, the quality report and export see the old dataset or the new one, whole,
// and the next ingest cleans up after the killed one.

const CRASH_STEP_ENV = 'BUFF_TEST_CRASH_AT_COMMIT_STEP'; // packages/ingest/src/store/commit-dataset.ts
const temp = makeTempDir('buff-ingest-crash-');
afterAll(() => temp.cleanup());

/** A gap-free 1m CSV of `rows` bars from 2024-01-01 whose closes start at `base`. */
function writeCsv(name: string, rows: number, base: number): string {
  const lines = ['timestamp,open,high,low,close,volume'];
  const start = Date.UTC(2024, 0, 1);
  for (let i = 0; i < rows; i++) {
    const close = base + (i % 37) / 8;
    const ts = new Date(start + i * 60_000).toISOString();
    lines.push(`${ts},${close},${close + 1},${close - 1},${close},${i % 11}`);
  }
  const path = join(temp.dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const ingestArgs = (input: string, dataRoot: string): string[] => [
  'ingest',
  'csv',
  '--input',
  input,
  '--symbol',
  'CRASH-USD',
  '--data-root',
  dataRoot,
];

/** What a whole version of the dataset looks like from the readers. */
interface Version {
  contentId: string;
  rows: number;
  source: string;
}

async function expectWhole(dataRoot: string, versions: Version[], label: string): Promise<Version> {
  const { bars, table } = await readBars(dataRoot, 'CRASH-USD', '1m'); // throws unless the bytes match dataset.json
  const version = versions.find((v) => v.contentId === table.contentId);
  expect(version, `${label}: 1m content id ${table.contentId} is neither version`).toBeDefined();
  expect(bars.ts.length, label).toBe(version?.rows);
  const quality = await readQualityReport(dataRoot, 'CRASH-USD');
  expect(quality?.rows, label).toBe(version?.rows);
  expect(quality?.source, label).toBe(version?.source);
  const manifest = await readDatasetManifest(dataRoot, 'CRASH-USD');
  for (const timeframe of Object.keys(manifest.tables)) await readBars(dataRoot, 'CRASH-USD', timeframe as '1h');
  const out = join(temp.dir, `export-${label.replace(/\W+/g, '-')}.csv`);
  const exported = await exportDataset(dataRoot, { symbol: 'CRASH-USD', timeframe: '1m', format: 'csv', out });
  expect(exported.contentId, label).toBe(table.contentId);
  expect(readFileSync(out, 'utf8').trimEnd().split('\n').length, label).toBe((version?.rows ?? 0) + 1);
  return version as Version;
}

describe('a re-ingest killed at each step of its commit', () => {
  const before = join(temp.dir, 'before');
  const versions: Version[] = [];
  let newCsv: string;

  beforeAll(async () => {
    const oldCsv = writeCsv('old.csv', 3000, 100);
    newCsv = writeCsv('new.csv', 2000, 200);
    const ingest = await runBuilt(ingestArgs(oldCsv, before));
    expect(ingest.code, ingest.stderr).toBe(0);
    const resample = await runBuilt(['resample', '--symbol', 'CRASH-USD', '--timeframe', '1h', '--data-root', before]);
    expect(resample.code, resample.stderr).toBe(0);
    const after = join(temp.dir, 'after'); // the new version, ingested without a crash
    const fresh = await runBuilt(ingestArgs(newCsv, after));
    expect(fresh.code, fresh.stderr).toBe(0);
    for (const [root, rows, source] of [
      [before, 3000, 'old.csv'],
      [after, 2000, 'new.csv'],
    ] as const) {
      const { table } = await readBars(root, 'CRASH-USD', '1m');
      versions.push({ contentId: table.contentId, rows, source });
    }
  }, 120_000);

  it('leaves the old dataset or the new one, whole, at every step; the next ingest cleans up', async () => {
    const seen: string[] = [];
    let completed = false;
    for (let step = 1; step <= 20 && !completed; step++) {
      const dataRoot = join(temp.dir, `step-${step}`);
      cpSync(before, dataRoot, { recursive: true });
      const crashed = await runBuilt(ingestArgs(newCsv, dataRoot), { env: { [CRASH_STEP_ENV]: String(step) } });
      completed = crashed.code === 0; // past the commit's last step
      if (!completed) {
        expect(crashed.code, `step ${step} was killed, not refused: ${crashed.stderr}`).toBe(1);
        expect(crashed.stderr, `step ${step}`).not.toMatch(/error/i);
        seen.push(`${step}:${(await expectWhole(dataRoot, versions, `step ${step}`)).source}`);
        // An ingest after the crash completes and leaves nothing of the killed one behind.
        const again = await runBuilt(ingestArgs(newCsv, dataRoot));
        expect(again.code, again.stderr).toBe(0);
      }
      expect((await expectWhole(dataRoot, versions, `step ${step} done`)).source).toBe('new.csv');
      const manifest = await readDatasetManifest(dataRoot, 'CRASH-USD');
      expect(readdirSync(join(dataRoot, 'CRASH-USD')).sort(), `step ${step}`).toEqual(
        [manifest.tables['1m']?.file, manifest.quality?.file, 'dataset.json'].sort(),
      );
    }
    expect(completed, 'the ingest never completed').toBe(true);
    // Three renames (table, quality report, dataset.json), then three unlinks (old 1h, old 1m, old report).
    expect(seen).toEqual(['1:old.csv', '2:old.csv', '3:old.csv', '4:new.csv', '5:new.csv', '6:new.csv']);
  }, 300_000);
});
