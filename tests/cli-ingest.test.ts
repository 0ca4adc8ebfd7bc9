import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lastJson, runBuff, REPO_ROOT } from './helpers/cli.js';
import { makeTempDir, REAL_DATA_DIR } from './helpers/tmp.js';

const FIXTURES = join(REPO_ROOT, 'tests/fixtures/ingest');

let temp: { dir: string; cleanup: () => void };
beforeEach(() => {
  temp = makeTempDir('buff-cli-ingest-');
});
afterEach(() => temp.cleanup());

describe('buff ingest csv', () => {
  it('ingests real candles with gaps allowed, printing the root and the quality report', async () => {
    const dataRoot = join(temp.dir, 'data');
    const result = await runBuff([
      'ingest',
      'csv',
      '--input',
      join(REAL_DATA_DIR, 'xrp_eth_1m.csv'),
      '--symbol',
      'XRP-ETH',
      '--data-root',
      dataRoot,
      '--allow-gaps',
    ]);
    expect(result.stderr).toContain(`DATA_ROOT=${dataRoot}`);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('2469 rows');
    expect(result.stdout).toContain('gaps 676 (1091 missing bars)');
    expect(result.stdout).toMatch(/gap 2019-10-11T00:03:00.000Z \.\. 2019-10-11T00:03:00.000Z \(1 missing\)/);
    expect(result.stdout).toMatch(/content id [0-9a-f]{64}/);
    const manifest = JSON.parse(readFileSync(join(dataRoot, 'XRP-ETH', 'dataset.json'), 'utf8'));
    expect(existsSync(join(dataRoot, 'XRP-ETH', manifest.quality.file))).toBe(true);
  });

  it('prints {dataset, quality} with --json', async () => {
    const dataRoot = join(temp.dir, 'data');
    const result = await runBuff([
      'ingest',
      'csv',
      '--input',
      join(FIXTURES, 'reordered-with-extra.csv'),
      '--symbol',
      'T',
      '--data-root',
      dataRoot,
      '--map',
      'trades=ignore',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const json = lastJson<{
      ok: boolean;
      dataset: { contentId: string; rows: number };
      quality: { rows: number };
      roots: { DATA_ROOT: { path: string } };
    }>(result.stdout);
    expect(json.ok).toBe(true);
    expect(json.quality.rows).toBe(3);
    expect(json.dataset.rows).toBe(3);
    expect(json.roots.DATA_ROOT.path).toBe(dataRoot);
    const manifest = JSON.parse(readFileSync(join(dataRoot, 'T', 'dataset.json'), 'utf8'));
    expect(manifest.tables['1m'].contentId).toBe(json.dataset.contentId);
  });

  it('exits 3 with one line naming the code, file, line and rule, and writes nothing', async () => {
    const dataRoot = join(temp.dir, 'data');
    const input = join(FIXTURES, 'negative-volume.csv');
    const result = await runBuff(['ingest', 'csv', '--input', input, '--symbol', 'T', '--data-root', dataRoot]);
    expect(result.code).toBe(3);
    const lines = result.stderr
      .trim()
      .split('\n')
      .filter((line) => line.startsWith('buff:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('NEGATIVE_VOLUME');
    expect(lines[0]).toContain(input);
    expect(lines[0]).toContain('line 3');
    expect(lines[0]).toContain('"-3"');
    expect(existsSync(join(dataRoot, 'T'))).toBe(false);
  });

  it('rejects a 5m file ingested as 1m (exit 3, WRONG_SPACING)', async () => {
    const result = await runBuff([
      'ingest',
      'csv',
      '--input',
      join(REAL_DATA_DIR, 'unittest_btc_5m.csv'),
      '--symbol',
      'BTC',
      '--data-root',
      join(temp.dir, 'data'),
      '--allow-gaps',
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('WRONG_SPACING');
  });

  it('exits 2 on a usage error', async () => {
    const result = await runBuff(['ingest', 'csv', '--symbol', 'T']);
    expect(result.code).toBe(2);
  });
});

describe('buff ingest arrow', () => {
  it('ingests a ZSTD feather file (freqtrade layout) and prints the report', async () => {
    const dataRoot = join(temp.dir, 'data');
    const result = await runBuff([
      'ingest',
      'arrow',
      '--input',
      join(FIXTURES, 'freqtrade-zstd.feather'),
      '--symbol',
      'FT',
      '--data-root',
      dataRoot,
      '--json',
    ]);
    expect(result.code).toBe(0);
    const json = lastJson<{ dataset: { rows: number }; quality: { rows: number; gapCount: number } }>(result.stdout);
    expect(json.quality).toMatchObject({ rows: 480, gapCount: 0 });
    expect(json.dataset.rows).toBe(480);
  });

  it('exits 3 naming the file on a corrupt Arrow file', async () => {
    const input = join(FIXTURES, 'valid.csv'); // a CSV is not an Arrow file
    const result = await runBuff([
      'ingest',
      'arrow',
      '--input',
      input,
      '--symbol',
      'FT',
      '--data-root',
      join(temp.dir, 'data'),
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('INVALID_INPUT');
    expect(result.stderr).toContain(input);
    expect(existsSync(join(temp.dir, 'data', 'FT'))).toBe(false);
  });
});
