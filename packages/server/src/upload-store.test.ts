import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServerContext } from './server-context.js';
import { stageUpload, sweepStaleUploads } from './upload-store.js';

const HOUR = 3_600_000;
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A runs root with one upload two hours old, one fresh, and a killed writer's temp file. */
function rootWithUploads(): { runsRoot: string; uploads: string } {
  const runsRoot = mkdtempSync(join(tmpdir(), 'buff-uploads-'));
  dirs.push(runsRoot);
  const uploads = join(runsRoot, '.buff', 'uploads');
  mkdirSync(uploads, { recursive: true });
  const old = (Date.now() - 2 * HOUR) / 1000;
  for (const name of ['upload-00000000000000aa.csv', 'upload-00000000000000aa.json']) {
    writeFileSync(join(uploads, name), 'x');
    utimesSync(join(uploads, name), old, old);
  }
  for (const name of ['upload-00000000000000bb.csv', 'upload-00000000000000bb.json'])
    writeFileSync(join(uploads, name), 'x');
  writeFileSync(join(uploads, '.upload-00000000000000cc.csv.999999999.0a1b2c3d.tmp'), 'partial'); // pid 999999999 is not alive
  return { runsRoot, uploads };
}

describe('stale uploads', () => {
  it('removes unused uploads past the TTL and killed writers’ temp files, keeps fresh ones', async () => {
    const { runsRoot, uploads } = rootWithUploads();
    const removed = await sweepStaleUploads(runsRoot, HOUR);
    expect(removed.sort()).toEqual([
      '.upload-00000000000000cc.csv.999999999.0a1b2c3d.tmp',
      'upload-00000000000000aa.csv',
      'upload-00000000000000aa.json',
    ]);
    expect(existsSync(join(uploads, 'upload-00000000000000bb.csv'))).toBe(true);
    expect(await sweepStaleUploads(join(runsRoot, 'nowhere'), HOUR)).toEqual([]);
  });

  it('runs at server start and before each new upload', async () => {
    const { runsRoot, uploads } = rootWithUploads();
    const ctx = createServerContext({ runsRoot, dataRoot: join(runsRoot, 'data') });
    for (let i = 0; i < 100 && existsSync(join(uploads, 'upload-00000000000000aa.csv')); i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(existsSync(join(uploads, 'upload-00000000000000aa.csv'))).toBe(false);
    expect(existsSync(join(uploads, 'upload-00000000000000bb.csv'))).toBe(true);
    await ctx.close();

    const fresh = join(uploads, 'upload-00000000000000bb.json');
    const old = (Date.now() - 2 * HOUR) / 1000;
    utimesSync(fresh, old, old);
    const csv = 'timestamp,open,high,low,close,volume\n2024-01-01T00:00:00Z,1,1,1,1,1\n';
    const meta = await stageUpload(runsRoot, join(runsRoot, 'data'), {
      csv,
      symbol: 'BTC-USD',
      allowGaps: false,
      ttlMs: HOUR,
    });
    expect(existsSync(fresh)).toBe(false);
    expect(existsSync(join(uploads, `${meta.id}.csv`))).toBe(true);
  });
});
