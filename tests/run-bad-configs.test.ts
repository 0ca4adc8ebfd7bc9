import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resampleDataset, synthesizeBars, writeDataset } from '@buff/ingest';
import { lastJson, runBuff } from './helpers/cli.js';
import { makeTempDir } from './helpers/tmp.js';

const tmp = makeTempDir('buff-run-bad-configs-');
afterAll(() => tmp.cleanup());
const dataRoot = join(tmp.dir, 'data');
let hourlyId = '';

const good = {
  name: 'bad-config probe',
  strategy: { name: 'sma-cross', params: { fast: 5, slow: 20 } },
  symbols: ['AAA'],
  timeframe: '1h',
  window: { since: '2024-01-01T00:00:00Z', until: '2024-01-05T00:00:00Z' },
  data: { provider: 'store' },
};

beforeAll(async () => {
  await writeDataset(dataRoot, {
    symbol: 'AAA',
    timeframe: '1m',
    bars: synthesizeBars({ days: 5, seed: 1, symbol: 'AAA' }),
    source: { kind: 'synthetic' },
  });
  hourlyId = (await resampleDataset(dataRoot, 'AAA', '1h')).contentId;
});

async function buildWith(name: string, config: unknown, format: 'json' | 'yaml' = 'json') {
  const path = join(tmp.dir, `${name}.${format}`);
  writeFileSync(path, typeof config === 'string' ? config : JSON.stringify(config));
  const human = await runBuff([
    'run',
    'build',
    '--config',
    path,
    '--runs-root',
    join(tmp.dir, 'runs'),
    '--data-root',
    dataRoot,
  ]);
  const json = await runBuff([
    'run',
    'build',
    '--config',
    path,
    '--runs-root',
    join(tmp.dir, 'runs'),
    '--data-root',
    dataRoot,
    '--json',
  ]);
  return {
    human,
    error: lastJson<{ ok: boolean; code: string; details: { key?: string } }>(json.stdout),
    jsonCode: json.code,
  };
}

describe('buff run build rejects bad configs with exit 3 naming the key', () => {
  it('accepts the good config (control)', async () => {
    writeFileSync(join(tmp.dir, 'good.json'), JSON.stringify(good));
    const ok = await runBuff([
      'run',
      'build',
      '--config',
      join(tmp.dir, 'good.json'),
      '--runs-root',
      join(tmp.dir, 'runs'),
      '--data-root',
      dataRoot,
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^run-[0-9a-f]{16}\n/);
  });

  const cases: Array<[string, () => unknown, string, string]> = [
    [
      'unknown key',
      () => ({ ...good, window: { ...good.window, untill: '2024-01-03T00:00:00Z' } }),
      'INVALID_CONFIG',
      'window.untill',
    ],
    ['unknown top-level key', () => ({ ...good, colour: 'red' }), 'INVALID_CONFIG', 'colour'],
    [
      'unknown strategy',
      () => ({ ...good, strategy: { name: 'moon-phase', params: {} } }),
      'UNKNOWN_STRATEGY',
      'strategy.name',
    ],
    [
      'invalid strategy params',
      () => ({ ...good, strategy: { name: 'sma-cross', params: { fast: 0 } } }),
      'INVALID_CONFIG',
      'strategy.params.fast',
    ],
    ['unknown symbol', () => ({ ...good, symbols: ['AAA', 'ZZZ'] }), 'DATASET_NOT_FOUND', 'symbols.1'],
    [
      'until before since',
      () => ({ ...good, window: { since: '2024-01-05T00:00:00Z', until: '2024-01-01T00:00:00Z' } }),
      'INVALID_CONFIG',
      'window.until',
    ],
    [
      'timeframe finer than the data',
      () => ({ ...good, timeframe: '5m', data: { provider: 'store', datasets: { AAA: hourlyId } } }),
      'INVALID_CONFIG',
      'timeframe',
    ],
    ['unknown timeframe', () => ({ ...good, timeframe: '2h' }), 'INVALID_CONFIG', 'timeframe'],
  ];
  for (const [what, config, code, key] of cases) {
    it(what, async () => {
      const { human, error, jsonCode } = await buildWith(what.replace(/ /g, '-'), config());
      expect(human.code).toBe(3);
      expect(human.stderr).toContain(code);
      expect(human.stderr).toContain(key);
      expect(jsonCode).toBe(3);
      expect(error).toMatchObject({ ok: false, code, details: { key } });
    });
  }

  it('a YAML syntax error and a missing file exit 3 naming the file', async () => {
    const { human } = await buildWith('broken', 'name: [unclosed\n', 'yaml');
    expect(human.code).toBe(3);
    expect(human.stderr).toContain('broken.yaml');
    const missing = await runBuff([
      'run',
      'build',
      '--config',
      join(tmp.dir, 'nope.yml'),
      '--runs-root',
      join(tmp.dir, 'runs'),
      '--data-root',
      dataRoot,
    ]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('nope.yml');
  });
});
