import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/cli.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'buff-pack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const npm = (args: string[], cwd: string) =>
  run('npm', args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } });

/** A consumer that only knows the published API: synthesize, resample, store, ingest a CSV. */
const CONSUMER = `
import { writeFileSync } from 'node:fs';
import { TIMEFRAMES, BuffError } from '@buff/core';
import { synthesizeBars, resample, writeDataset, readBars, ingestCsv, barsToCsv } from '@buff/ingest';

const bars = synthesizeBars({ days: 1, seed: 7, symbol: 'BTC-USD' });
const hourly = resample(bars, '1h');
const stored = await writeDataset('data', { symbol: 'BTC-USD', timeframe: '1m', bars, source: { kind: 'synthetic' } });
const csv = 'btc.csv';
writeFileSync(csv, barsToCsv(bars));
const ingested = await ingestCsv(csv, { symbol: 'CSV-BTC', dataRoot: 'data' });
const roundTrip = await readBars('data', 'CSV-BTC', '1m');
let rejected = '';
writeFileSync('bad.csv', 'timestamp,open,high,low,close,volume\\n2024-01-01T00:00:00Z,1,2,0.5,1.5,-3\\n');
try { await ingestCsv('bad.csv', { symbol: 'BAD', dataRoot: 'data' }); } catch (err) { rejected = err instanceof BuffError ? err.code : String(err); }
console.log(JSON.stringify({
  timeframes: TIMEFRAMES.length, rows: bars.ts.length, hourly: hourly.ts.length, contentId: stored.contentId,
  csvContentId: ingested.dataset?.contentId, csvRows: roundTrip.bars.ts.length, rejected,
}));
`;

describe('npm pack of @buff/core and @buff/ingest', () => {
  it('holds built JS and type declarations and installs into a fresh ESM project that ingests a file', async () => {
    await npm(['run', 'build', '-w', '@buff/core', '-w', '@buff/ingest'], REPO_ROOT);
    const packed = await npm(
      ['pack', '-w', '@buff/core', '-w', '@buff/ingest', '--pack-destination', dir, '--json'],
      REPO_ROOT,
    );
    const manifests = JSON.parse(packed.stdout) as Array<{
      name: string;
      filename: string;
      files: Array<{ path: string }>;
    }>;
    expect(manifests.map((m) => m.name).sort()).toEqual(['@buff/core', '@buff/ingest']);
    for (const manifest of manifests) {
      const files = manifest.files.map((f) => f.path);
      expect(files).toContain('dist/index.js');
      expect(files).toContain('dist/index.d.ts');
      expect(files).toContain('package.json');
      expect(files.filter((f) => f.startsWith('src/') || f.endsWith('.test.ts'))).toEqual([]);
    }
    const tarball = (name: string) => join(dir, manifests.find((m) => m.name === name)?.filename ?? 'missing.tgz');

    const project = join(dir, 'consumer');
    rmSync(project, { recursive: true, force: true });
    await run('mkdir', ['-p', project]);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({
        name: 'consumer',
        private: true,
        type: 'module',
        dependencies: {
          '@buff/core': `file:${tarball('@buff/core')}`,
          '@buff/ingest': `file:${tarball('@buff/ingest')}`,
        },
      }),
    );
    await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], project);
    writeFileSync(join(project, 'consume.mjs'), CONSUMER);
    const { stdout } = await run(process.execPath, ['consume.mjs'], { cwd: project });
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    expect(result).toMatchObject({ timeframes: 7, rows: 1440, hourly: 24, csvRows: 1440, rejected: 'NEGATIVE_VOLUME' });
    expect(result.csvContentId).toBe(result.contentId); // CSV export re-ingests to the same Arrow bytes
  }, 180_000);
});
