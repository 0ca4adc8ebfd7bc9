import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sliceBars } from '@buff/core';
import { synthesizeBars, writeDataset } from '@buff/ingest';
import { computeFeatures, writeFeatureTable, makeLabels } from '@buff/ml';
import { lastJson, runBuff } from './helpers/cli.js';
import { makeTempDir } from './helpers/tmp.js';

const tmp = makeTempDir('buff-ml-features-');
const dataRoot = join(tmp.dir, 'data');
afterAll(() => tmp.cleanup());

beforeAll(async () => {
  const bars = synthesizeBars({ days: 1, seed: 3, signal: 1, symbol: 'BTC-USD' });
  await writeDataset(dataRoot, {
    symbol: 'BTC-USD',
    timeframe: '1m',
    bars,
    source: { kind: 'synthetic', params: { days: 1, seed: 3, signal: 1 } },
  });
  await writeDataset(dataRoot, {
    symbol: 'TINY',
    timeframe: '1m',
    bars: sliceBars(bars, 0, 40),
    source: { kind: 'synthetic' },
  });
});

describe('buff features', () => {
  it('computes and stores the feature table with its own content id, naming the source dataset', async () => {
    const result = await runBuff([
      'features',
      '--symbol',
      'BTC-USD',
      '--timeframe',
      '1m',
      '--data-root',
      dataRoot,
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const json = lastJson<{
      featureTable: { contentId: string; sourceContentId: string; rows: number; names: string[] };
    }>(result.stdout);
    expect(json.featureTable.rows).toBe(1440);
    expect(json.featureTable.names).toContain('ret_1');
    expect(json.featureTable.contentId).toMatch(/^[0-9a-f]{64}$/);
    expect(json.featureTable.contentId).not.toBe(json.featureTable.sourceContentId);
    expect(existsSync(join(dataRoot, 'BTC-USD', 'features', '1m.arrow'))).toBe(true);
    expect(existsSync(join(dataRoot, 'BTC-USD', 'features', 'features.json'))).toBe(true);
  });

  it('buff features check passes honest features and prints the roots', async () => {
    const result = await runBuff([
      'features',
      'check',
      '--symbol',
      'BTC-USD',
      '--timeframe',
      '1m',
      '--data-root',
      dataRoot,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('feature check: ok');
    expect(result.stdout).toMatch(/ret_1\s+nan 0 inf 0/);
    expect(result.stderr).toContain(`DATA_ROOT=${dataRoot}`);
  });

  it('buff features check exits 3 on a leaky feature table', async () => {
    const { readBars } = await import('@buff/ingest');
    const { bars, table: source } = await readBars(dataRoot, 'BTC-USD', '1m');
    const table = computeFeatures(bars);
    const labels = makeLabels(bars);
    const leaky = {
      ...table,
      names: [...table.names, 'next_ret'],
      columns: [...table.columns, Float32Array.from(labels.forwardReturns)],
    };
    await writeFeatureTable(dataRoot, {
      symbol: 'BTC-USD',
      timeframe: '1m',
      table: leaky,
      sourceContentId: source.contentId,
    });
    const result = await runBuff([
      'features',
      'check',
      '--symbol',
      'BTC-USD',
      '--timeframe',
      '1m',
      '--data-root',
      dataRoot,
    ]);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('ERROR LEAKAGE_FUTURE_RETURN next_ret');
    expect(result.stderr).toMatch(/VALIDATION_FAILED.*next_ret: equals the future return/);
  });

  it('refuses a feature table computed from another dataset (exit 3, DATASET_MISMATCH)', async () => {
    const other = synthesizeBars({ days: 1, seed: 4, signal: 0, symbol: 'BTC-USD' });
    await writeDataset(dataRoot, { symbol: 'BTC-USD', timeframe: '1m', bars: other, source: { kind: 'synthetic' } });
    const result = await runBuff([
      'features',
      'check',
      '--symbol',
      'BTC-USD',
      '--timeframe',
      '1m',
      '--data-root',
      dataRoot,
      '--json',
    ]);
    expect(result.code).toBe(3);
    const json = lastJson<{ ok: boolean; code: string; message: string; details: { rule: string } }>(result.stdout);
    expect(json.ok).toBe(false);
    expect(json.details.rule).toBe('DATASET_MISMATCH');
    expect(json.message).toMatch(/recompute it with buff features/);
  });

  it('too little data for the window: INSUFFICIENT_DATA, exit 3', async () => {
    const result = await runBuff(['features', '--symbol', 'TINY', '--timeframe', '1m', '--data-root', dataRoot]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/INSUFFICIENT_DATA.*more than 60 bars of history, got 40/);
  });

  it('a missing --symbol is a usage error (exit 2)', async () => {
    const result = await runBuff(['features', 'check', '--data-root', dataRoot]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('symbol');
  });

  it('a missing dataset is a clear error', async () => {
    const result = await runBuff(['features', '--symbol', 'NOPE', '--data-root', dataRoot]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('DATASET_NOT_FOUND');
  });
});
