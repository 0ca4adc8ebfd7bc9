import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestCsv } from './ingest-csv.js';

// Issue 16: temp tables of killed ingests are cleaned on the next write; a live writer's stay.
const dir = mkdtempSync(join(tmpdir(), 'buff-stale-temps-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stale temp files', () => {
  it('removes a dead writer temp table on the next ingest and keeps a live one', async () => {
    const dataRoot = join(dir, 'data');
    const folder = join(dataRoot, 'T');
    mkdirSync(folder, { recursive: true });
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid as number; // exited: its pid is free
    const dead = join(folder, `.1m.arrow.${deadPid}.0a1b2c3d.tmp`);
    const live = join(folder, `.1m.arrow.${process.ppid}.0a1b2c3d.tmp`);
    writeFileSync(dead, 'x'.repeat(1000));
    writeFileSync(live, 'x');
    const csv = join(dir, 'bars.csv');
    writeFileSync(csv, 'timestamp,open,high,low,close,volume\n2024-01-01T00:00:00Z,1,2,0.5,1.5,10\n');
    await ingestCsv(csv, { symbol: 'T', dataRoot });
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });
});
