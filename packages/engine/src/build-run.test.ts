import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isBuffError } from '@buff/core';
import { synthesizeBars, writeDataset, resampleDataset } from '@buff/ingest';
import { buildRun } from './build-run.js';
import { parseRunConfig, type RunConfigInput } from './run-config.js';
import { validateRun } from './validate-run.js';
import { readRunArtifacts } from './read-run-artifacts.js';
import { dirRunStore } from './test-support/dir-run-store.js';
import { columnsToIpc, ipcToColumns } from './arrow-columns.js';

const root = mkdtempSync(join(tmpdir(), 'buff-engine-build-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const base: RunConfigInput = {
  name: 'unit',
  strategy: { name: 'sma-cross', params: { fast: 5, slow: 20 } },
  symbols: ['AAA', 'BBB'],
  timeframe: '1h',
  window: { since: '2024-01-01T00:00:00Z', until: '2024-01-11T00:00:00Z' },
  data: { provider: 'synthetic', synthetic: { seed: 3, signal: 0.5 } },
  guardrails: { preset: 'ftmo-2step' },
};

async function build(config: RunConfigInput, name: string) {
  const runs = join(root, name, 'runs');
  const data = join(root, name, 'data');
  return { ...(await buildRun(config, { runStore: dirRunStore(runs), dataRoot: data })), runs, data };
}

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

describe('buildRun', () => {
  it('builds a synthetic run, validates clean, and a second build rewrites nothing', async () => {
    const first = await build(base, 'a');
    expect(first.created).toBe(true);
    expect(first.runId).toMatch(/^run-[0-9a-f]{16}$/);
    expect(readdirSync(first.runDir).sort()).toEqual([
      'days.arrow',
      'decisions.arrow',
      'equity.arrow',
      'manifest.json',
      'metrics.json',
      'trades.arrow',
    ]);
    const validation = await validateRun(first.runs, first.runId);
    expect(validation.problems).toEqual([]);
    const mtimes = readdirSync(first.runDir).map((f) => statSync(join(first.runDir, f)).mtimeMs);
    const again = await buildRun(base, { runStore: dirRunStore(first.runs), dataRoot: first.data });
    expect(again).toEqual({ runId: first.runId, runDir: first.runDir, created: false });
    expect(readdirSync(first.runDir).map((f) => statSync(join(first.runDir, f)).mtimeMs)).toEqual(mtimes);

    const manifest = JSON.parse(readFileSync(join(first.runDir, 'manifest.json'), 'utf8'));
    expect(manifest.config.guardrails).toMatchObject({
      preset: 'ftmo-2step',
      maxDailyLossPct: 5,
      timezone: 'Europe/Prague',
    });
    expect(manifest.config.strategy.params).toEqual({ fast: 5, slow: 20 });
    expect(manifest.inputs.map((i: { symbol: string }) => i.symbol)).toEqual(['AAA', 'BBB']);

    const view = await readRunArtifacts(first.runDir, { symbol: 'AAA' });
    expect(view.decisions.symbol?.every((s) => s === 'AAA')).toBe(true);
    expect(view.decisions.close?.length).toBe(240);
    expect(view.equity.equity?.length).toBe(240);
    expect(view.days.start?.length).toBe(11); // Prague days touched by 10 UTC days
    expect(view.days.dailyFloor?.[0]).toBe(100_000 - 5_000);
    expect(view.metrics.tradeCount).toBe(view.trades.pnl?.length);
    const thin = await readRunArtifacts(first.runDir, { symbol: 'AAA', maxDecisionRows: 24, maxEquityRows: 24 });
    const events = view.decisions.action?.filter((a) => a !== 'hold').length ?? 0;
    expect(events).toBeGreaterThan(0);
    expect(thin.decisions.action?.filter((a) => a !== 'hold').length).toBe(events);
    expect(thin.decisions.ts?.length).toBeLessThanOrEqual(24 + events);
    expect(thin.equity.ts?.length).toBeLessThanOrEqual(25);
    expect(thin.equity.ts?.at(-1)).toBe(view.equity.ts?.at(-1));
  });

  it('writes the same bytes when the same run is built again in the same process', async () => {
    const first = await build(base, 'same-1');
    const second = await build(base, 'same-2'); // this process has built other tables since
    expect(second.runId).toBe(first.runId);
    for (const file of readdirSync(first.runDir)) {
      expect(readFileSync(join(second.runDir, file)).equals(readFileSync(join(first.runDir, file))), file).toBe(true);
    }
  });

  it('changes the id with one config key, and with one input value', async () => {
    const a = await build(base, 'b');
    const fee = await build({ ...base, fees: { feeBps: 11 } }, 'b');
    expect(fee.runId).not.toBe(a.runId);
    const data = join(root, 'c', 'data');
    const bars = synthesizeBars({ days: 10, seed: 1, symbol: 'AAA' });
    await writeDataset(data, { symbol: 'AAA', timeframe: '1m', bars, source: { kind: 'synthetic' } });
    const config: RunConfigInput = { ...base, symbols: ['AAA'], data: { provider: 'store' } };
    const one = await buildRun(config, { runStore: dirRunStore(join(root, 'c', 'runs')), dataRoot: data });
    bars.close[100] = (bars.close[100] as number) * 1.0001;
    await writeDataset(data, { symbol: 'AAA', timeframe: '1m', bars, source: { kind: 'synthetic' } });
    const two = await buildRun(config, { runStore: dirRunStore(join(root, 'c', 'runs')), dataRoot: data });
    expect(two.runId).not.toBe(one.runId);
    expect(two.created).toBe(true);
  });

  it('a run of one stored symbol writes the stored timestamps of its window, as the ms would convert', async () => {
    const data = join(root, 'one', 'data');
    const bars = synthesizeBars({ days: 3, seed: 4, symbol: 'AAA' });
    await writeDataset(data, { symbol: 'AAA', timeframe: '1m', bars, source: { kind: 'synthetic' } });
    const from = 6 * 60; // the window starts inside the table: the reused Int64 values are a slice
    const to = from + 36 * 60;
    const window = {
      since: new Date(bars.ts[from] as number).toISOString(),
      until: new Date(bars.ts[to] as number).toISOString(),
    };
    const run = await buildRun(
      { ...base, symbols: ['AAA'], timeframe: '1m', window, data: { provider: 'store' } },
      { runStore: dirRunStore(join(root, 'one', 'runs')), dataRoot: data },
    );
    for (const file of ['decisions.arrow', 'equity.arrow']) {
      const bytes = readFileSync(join(run.runDir, file));
      const { columns } = ipcToColumns(bytes);
      const ts = columns.get('ts');
      if (ts?.kind !== 'timestamp') throw new Error(`${file}: no timestamp column ts`);
      expect(Array.from(ts.values), file).toEqual(Array.from(bars.ts.subarray(from, to)));
      // Encoded again from the ms read back (converted, not reused): the same bytes.
      expect(Buffer.from(columnsToIpc(Object.fromEntries(columns))).equals(bytes), file).toBe(true);
    }
  });

  it('reads a stored derived table or pins a table by content id', async () => {
    const data = join(root, 'd', 'data');
    await writeDataset(data, {
      symbol: 'AAA',
      timeframe: '1m',
      bars: synthesizeBars({ days: 10, seed: 2, symbol: 'AAA' }),
      source: { kind: 'synthetic' },
    });
    const hourly = await resampleDataset(data, 'AAA', '1h');
    const store = dirRunStore(join(root, 'd', 'runs'));
    const config: RunConfigInput = { ...base, symbols: ['AAA'], data: { provider: 'store' } };
    const stored = await buildRun(config, { runStore: store, dataRoot: data });
    const pinned = await buildRun(
      { ...config, data: { provider: 'store', datasets: { AAA: hourly.contentId } } },
      { runStore: store, dataRoot: data },
    );
    const inputOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).inputs[0];
    expect(inputOf(stored.runDir).contentId).toBe(hourly.contentId);
    expect(inputOf(pinned.runDir).contentId).toBe(hourly.contentId);
    const err = await failure(
      buildRun(
        { ...config, data: { provider: 'store', datasets: { AAA: 'f'.repeat(64) } } },
        { runStore: store, dataRoot: data },
      ),
    );
    expect(isBuffError(err, 'DATASET_NOT_FOUND') && err.details.key).toBe('data.datasets.AAA');
  });

  it('rejects bad configs naming the key', async () => {
    const data = join(root, 'e', 'data');
    const store = dirRunStore(join(root, 'e', 'runs'));
    const cases: Array<[RunConfigInput, string, string]> = [
      [{ ...base, strategy: { name: 'nope', params: {} } }, 'UNKNOWN_STRATEGY', 'strategy.name'],
      [
        { ...base, strategy: { name: 'sma-cross', params: { fast: 30, slow: 20 } } },
        'INVALID_CONFIG',
        'strategy.params.fast',
      ],
      [{ ...base, strategy: { name: 'sma-cross', params: { fsat: 3 } } }, 'INVALID_CONFIG', 'strategy.params.fsat'],
      [{ ...base, symbols: ['AAA'], data: { provider: 'store' } }, 'DATASET_NOT_FOUND', 'symbols.0'],
      [
        { ...base, window: { since: '2024-02-01T00:00:00Z', until: '2024-01-01T00:00:00Z' } },
        'INVALID_CONFIG',
        'window.until',
      ],
      [
        { ...base, fees: { feeBps: 1, slipageBps: 2 } } as unknown as RunConfigInput,
        'INVALID_CONFIG',
        'fees.slipageBps',
      ],
      [{ ...base, guardrails: { timezone: 'Mars/Base' } }, 'INVALID_CONFIG', 'guardrails.timezone'],
    ];
    for (const [config, code, key] of cases) {
      const err = await failure(buildRun(config, { runStore: store, dataRoot: data }));
      expect(isBuffError(err) && [err.code, err.details.key]).toEqual([code, key]);
    }
  });

  it('refuses a stored input whose bytes no longer match its content id, and publishes nothing', async () => {
    const data = join(root, 'g', 'data');
    const runs = join(root, 'g', 'runs');
    const { file } = await writeDataset(data, {
      symbol: 'AAA',
      timeframe: '1m',
      bars: synthesizeBars({ days: 10, seed: 2, symbol: 'AAA' }),
      source: { kind: 'synthetic' },
    });
    const table = join(data, 'AAA', file);
    const bytes = readFileSync(table);
    bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] as number) ^ 0x01; // a value changes; the file still parses
    writeFileSync(table, bytes);
    const err = await failure(
      buildRun(
        { ...base, symbols: ['AAA'], timeframe: '1m', data: { provider: 'store' } },
        { runStore: dirRunStore(runs), dataRoot: data },
      ),
    );
    expect(isBuffError(err, 'CORRUPT_ARTIFACT') && err.details.file).toBe(table);
    expect(readdirSync(runs).filter((name) => name.startsWith('run-'))).toEqual([]);
  });

  it('refuses a timeframe finer than the stored data', async () => {
    const data = join(root, 'f', 'data');
    await writeDataset(data, {
      symbol: 'AAA',
      timeframe: '1m',
      bars: synthesizeBars({ days: 10, seed: 2, symbol: 'AAA' }),
      source: { kind: 'synthetic' },
    });
    const hourly = await resampleDataset(data, 'AAA', '1h');
    const err = await failure(
      buildRun(
        {
          ...base,
          symbols: ['AAA'],
          timeframe: '5m',
          data: { provider: 'store', datasets: { AAA: hourly.contentId } },
        },
        {
          runStore: dirRunStore(join(root, 'f', 'runs')),
          dataRoot: data,
        },
      ),
    );
    expect(isBuffError(err, 'INVALID_CONFIG') && err.details.key).toBe('timeframe');
  });

  it('parses YAML with unknown keys rejected by path', () => {
    const yaml =
      'name: x\nstrategy: { name: sma-cross }\nsymbols: [A]\ntimeframe: 1h\nwindow: { since: 2024-01-01T00:00:00Z, until: 2024-01-02T00:00:00Z }\ncapital: { initial: 5, extra: 1 }\n';
    let err: unknown;
    try {
      parseRunConfig(yaml, 'x.yml');
    } catch (e) {
      err = e;
    }
    expect(isBuffError(err, 'INVALID_CONFIG') && err.details.key).toBe('capital.extra');
    expect(String((err as Error).message)).toMatch(/x\.yml.*capital\.extra/);
  });
});
