import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRun, readRunArtifacts, type RunConfigInput } from '@buff/engine';
import { resample, resampleDataset, synthesizeBars } from '@buff/ingest';
import { dirRunStore } from '../packages/engine/src/test-support/dir-run-store.js';
import { storeBatched } from './helpers/batched-dataset.js';
import { makeTempDir } from './helpers/tmp.js';

const { dir: root, cleanup } = makeTempDir('buff-run-resampled-');
afterAll(() => cleanup());

// 10 days of 1m bars in 2000-row batches (an hour's bucket is often cut by a batch edge); the run
// asks for 1h, which is not stored: the engine resamples the 1m table batch by batch.
const bars = synthesizeBars({ days: 10, seed: 8, symbol: 'AAA', start: '2024-01-01T00:00:00Z' });
const config: RunConfigInput = {
  name: 'resampled',
  strategy: { name: 'sma-cross', params: { fast: 3, slow: 8 } },
  symbols: ['AAA'],
  timeframe: '1h',
  window: { since: '2024-01-03T00:00:00Z', until: '2024-01-08T00:00:00Z' },
};

describe('run inputs resampled from a finer stored table, batch by batch', () => {
  it('gives the bars and the content id of the stored derived table, whether resampled or stored, pinned or not', async () => {
    const data = join(root, 'data');
    const fine = await storeBatched(data, 'AAA', '1m', bars, 2000);
    expect(fine.batches).toBe(8);
    const runStore = dirRunStore(join(root, 'runs'));
    const fromFine = await readRunArtifacts((await buildRun(config, { runStore, dataRoot: data })).runDir);
    const pinnedFine = await readRunArtifacts(
      (
        await buildRun(
          { ...config, name: 'pinned', data: { provider: 'store', datasets: { AAA: fine.contentId } } },
          { runStore, dataRoot: data },
        )
      ).runDir,
    );
    const hourly = await resampleDataset(data, 'AAA', '1h'); // now the 1h table is stored
    const fromStored = await readRunArtifacts((await buildRun(config, { runStore, dataRoot: data })).runDir);

    const expected = resample(bars, '1h');
    const inWindow = Array.from(expected.ts).filter(
      (ts) => ts >= Date.parse(config.window.since) && ts < Date.parse(config.window.until),
    );
    for (const run of [fromFine, pinnedFine, fromStored]) {
      const [input] = run.manifest.inputs;
      expect(input).toMatchObject({ contentId: hourly.contentId, rows: inWindow.length, timeframe: '1h' });
      expect(run.decisions).toEqual(fromStored.decisions);
      expect(run.metrics).toEqual(fromStored.metrics);
    }
    expect(fromFine.manifest.inputs[0]?.source).toContain(`${fine.contentId} resampled 1m->1h`);
    expect(pinnedFine.manifest.inputs[0]?.source).toContain('(pinned)');
  });
});
