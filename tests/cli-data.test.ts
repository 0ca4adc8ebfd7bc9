import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lastJson, runBuff } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'buff-cli-data-'));
const dataRoot = join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface TableJson {
  rows: number;
  contentId: string;
  first: string;
  last: string;
  gapCount: number;
  derivedFrom?: string;
}

describe('buff data synth / resample / data list / data export', () => {
  let minuteId = '';

  it('data synth writes a seeded 1m dataset and prints rows and content id', async () => {
    const args = [
      'data',
      'synth',
      '--symbol',
      'BTC-USD',
      '--days',
      '2',
      '--seed',
      '7',
      '--signal',
      '1',
      '--start',
      '2024-03-01T00:00:00Z',
      '--data-root',
      dataRoot,
    ];
    const human = await runBuff(args);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(
      /synthetic BTC-USD 1m: 2880 rows, 2024-03-01T00:00:00.000Z -> 2024-03-02T23:59:00.000Z/,
    );
    expect(human.stderr).toContain(`DATA_ROOT=${dataRoot} (flag)`);
    const json = await runBuff([...args, '--json']);
    expect(json.code).toBe(0);
    const result = lastJson<{ ok: boolean; table: TableJson; roots: Record<string, { path: string }> }>(json.stdout);
    expect(result.ok).toBe(true);
    expect(result.roots.DATA_ROOT?.path).toBe(dataRoot);
    expect(result.table.rows).toBe(2880);
    expect(human.stdout).toContain(result.table.contentId); // same seed, same bytes
    minuteId = result.table.contentId;
    const manifest = JSON.parse(readFileSync(join(dataRoot, 'BTC-USD', 'dataset.json'), 'utf8')) as {
      source: unknown;
      quality: { file: string };
    };
    expect(manifest.source).toEqual({
      kind: 'synthetic',
      params: { seed: 7, days: 2, signal: 1, pattern: 'regime', start: '2024-03-01T00:00:00Z', generator: 2 },
    });
    expect(existsSync(join(dataRoot, 'BTC-USD', manifest.quality.file))).toBe(true);
  });

  it('resample writes the derived table; --include-partial is recorded', async () => {
    const result = await runBuff([
      'resample',
      '--symbol',
      'BTC-USD',
      '--timeframe',
      '1h',
      '--data-root',
      dataRoot,
      '--json',
    ]);
    expect(result.code).toBe(0);
    const { table } = lastJson<{ table: TableJson }>(result.stdout);
    expect(table).toMatchObject({
      rows: 48,
      first: '2024-03-01T00:00:00.000Z',
      last: '2024-03-02T23:00:00.000Z',
      derivedFrom: minuteId,
    });
    const partial = await runBuff([
      'resample',
      '--symbol',
      'BTC-USD',
      '--timeframe',
      '1d',
      '--include-partial',
      '--data-root',
      dataRoot,
    ]);
    expect(partial.code).toBe(0);
    expect(partial.stdout).toMatch(/resampled BTC-USD 1m -> 1d: 2 rows/);
  });

  it('data list prints the inventory, --json lists it and --markdown writes it', async () => {
    const human = await runBuff(['data', 'list', '--data-root', dataRoot]);
    expect(human.code).toBe(0);
    const lines = human.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^symbol\s+timeframe\s+rows\s+first\s+last\s+gaps\s+content id/);
    expect(lines.slice(1).map((line) => line.split(/\s+/).slice(0, 3).join(' '))).toEqual([
      'BTC-USD 1m 2880',
      'BTC-USD 1h 48',
      'BTC-USD 1d 2',
    ]);
    expect(human.stdout).toContain(minuteId.slice(0, 12));

    const json = await runBuff(['data', 'list', '--data-root', dataRoot, '--json']);
    expect(lastJson<{ datasets: Array<{ timeframe: string }> }>(json.stdout).datasets.map((d) => d.timeframe)).toEqual([
      '1m',
      '1h',
      '1d',
    ]);

    const file = join(dir, 'reports', 'data_inventory.md');
    const markdown = await runBuff(['data', 'list', '--data-root', dataRoot, '--markdown', file]);
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toContain(`wrote ${file}`);
    expect(readFileSync(file, 'utf8')).toContain(
      `| BTC-USD | 1h | 48 | 2024-03-01T00:00:00.000Z | 2024-03-02T23:00:00.000Z | 0 |`,
    );
  });

  it('data export writes CSV that re-ingests (csv provider) to the very same bytes, and Parquet', async () => {
    const csv = join(dir, 'btc.csv');
    const exported = await runBuff([
      'data',
      'export',
      '--symbol',
      'BTC-USD',
      '--timeframe',
      '1m',
      '--format',
      'csv',
      '--out',
      csv,
      '--data-root',
      dataRoot,
      '--json',
    ]);
    expect(exported.code).toBe(0);
    expect(lastJson<{ rows: number }>(exported.stdout).rows).toBe(2880);
    const reingested = await runBuff([
      'data',
      'synth',
      '--provider',
      'csv',
      '--input',
      csv,
      '--symbol',
      'COPY',
      '--data-root',
      dataRoot,
      '--json',
    ]);
    expect(reingested.code).toBe(0);
    expect(lastJson<{ table: TableJson }>(reingested.stdout).table.contentId).toBe(minuteId);

    const parquet = join(dir, 'btc_1h.parquet');
    const pq = await runBuff([
      'data',
      'export',
      '--symbol',
      'BTC-USD',
      '--timeframe',
      '1h',
      '--format',
      'parquet',
      '--out',
      parquet,
      '--data-root',
      dataRoot,
    ]);
    expect(pq.code).toBe(0);
    expect(readFileSync(parquet).subarray(0, 4).toString()).toBe('PAR1');
  });

  it('exits 2 on usage errors and 3 on rejected input, naming the code', async () => {
    expect((await runBuff(['data', 'synth', '--data-root', dataRoot])).code).toBe(2); // --symbol missing
    expect(
      (
        await runBuff([
          'data',
          'export',
          '--symbol',
          'BTC-USD',
          '--format',
          'xlsx',
          '--out',
          'x',
          '--data-root',
          dataRoot,
        ])
      ).code,
    ).toBe(2);
    const missing = await runBuff([
      'resample',
      '--symbol',
      'NOPE',
      '--timeframe',
      '1h',
      '--data-root',
      dataRoot,
      '--json',
    ]);
    expect(missing.code).toBe(3);
    expect(lastJson<{ code: string }>(missing.stdout).code).toBe('DATASET_NOT_FOUND');
    const timeframe = await runBuff(['resample', '--symbol', 'BTC-USD', '--timeframe', '2h', '--data-root', dataRoot]);
    expect(timeframe.code).toBe(3);
    expect(timeframe.stderr).toContain('UNKNOWN_TIMEFRAME');
    const provider = await runBuff(['data', 'synth', '--symbol', 'X', '--data-root', dataRoot], {
      env: { DATA_PROVIDER: 'yahoo' },
    });
    expect(provider.code).toBe(3);
    expect(provider.stderr).toContain('UNKNOWN_PROVIDER');
    const ccxt = await runBuff([
      'data',
      'synth',
      '--provider',
      'ccxt',
      '--exchange',
      'nosuchexchange',
      '--symbol',
      'BTC-USDT',
      '--data-root',
      dataRoot,
    ]);
    expect(ccxt.code).toBe(3);
    expect(ccxt.stderr).toContain('INVALID_INPUT');
    expect(ccxt.stderr).toContain('ccxt has no exchange "nosuchexchange"');
  });
});
