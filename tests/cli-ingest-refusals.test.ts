import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBuilt } from './helpers/built-cli.js';
import { lastJson } from './helpers/cli.js';
import { makeTempDir } from './helpers/tmp.js';

describe('buff ingest csv refuses instead of guessing (built CLI)', () => {
  const tmp = makeTempDir('buff-cli-refusals-');
  afterAll(() => tmp.cleanup());

  it('names a folder given as --input (exit 3, no stack)', async () => {
    const folder = join(tmp.dir, 'folder');
    mkdirSync(folder);
    const r = await runBuilt(['ingest', 'csv', '--input', folder, '--symbol', 'T', '--data-root', join(tmp.dir, 'd')]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('is a folder');
    expect(r.stderr).not.toContain('unexpected error');
  });

  it('refuses a repeated local hour unless --ambiguous says which, and records the choice', async () => {
    const path = join(tmp.dir, 'fall.csv');
    writeFileSync(path, 'timestamp,open,high,low,close,volume\n2024-10-27 02:30:00,1,2,0.5,1.5,10\n');
    const dataRoot = join(tmp.dir, 'data');
    const base = ['ingest', 'csv', '--json', '--input', path, '--symbol', 'T', '--data-root', dataRoot];
    const refused = await runBuilt([...base, '--timezone', 'Europe/Prague']);
    expect(refused.code, refused.stderr).toBe(3);
    expect(lastJson<{ code: string }>(refused.stdout).code).toBe('BAD_TIMESTAMP');
    const later = await runBuilt([...base, '--timezone', 'Europe/Prague', '--ambiguous', 'later']);
    expect(later.code, later.stdout + later.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dataRoot, 'T', 'dataset.json'), 'utf8'));
    expect(manifest.ingestOptions.ambiguous).toBe('later');
    expect(manifest.tables['1m'].first).toBe('2024-10-27T01:30:00.000Z');
  });
});
