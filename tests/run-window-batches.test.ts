import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordBatchReader } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { isBuffError } from '@buff/core';
import { buildRun, readRunArtifacts, type RunConfigInput } from '@buff/engine';
import { synthesizeBars, writeDataset } from '@buff/ingest';
import { dirRunStore } from '../packages/engine/src/test-support/dir-run-store.js';
import { storeBatched } from './helpers/batched-dataset.js';
import { makeTempDir } from './helpers/tmp.js';

const { dir: root, cleanup } = makeTempDir('buff-run-window-');
afterAll(() => cleanup());

// 10 days of 1m bars in 2000-row batches; the run's window (days 3 to 5) crosses two batch boundaries.
const bars = synthesizeBars({ days: 10, seed: 5, symbol: 'AAA', start: '2024-01-01T00:00:00Z' });
const config: RunConfigInput = {
  name: 'window',
  strategy: { name: 'sma-cross', params: { fast: 5, slow: 20 } },
  symbols: ['AAA'],
  timeframe: '1m',
  window: { since: '2024-01-03T00:00:00Z', until: '2024-01-05T07:13:00Z' },
  guardrails: { preset: 'ftmo-2step' },
};

async function build(name: string) {
  return buildRun(config, { runStore: dirRunStore(join(root, name, 'runs')), dataRoot: join(root, name, 'data') });
}

describe('run inputs read from the record batches of the window', () => {
  it('builds the same decisions and metrics from a many-batch table as from a one-batch table', async () => {
    await writeDataset(join(root, 'one', 'data'), {
      symbol: 'AAA',
      timeframe: '1m',
      bars,
      source: { kind: 'synthetic' },
    });
    const stored = await storeBatched(join(root, 'many', 'data'), 'AAA', '1m', bars, 2000);
    expect(stored.batches).toBe(8);
    const one = await readRunArtifacts((await build('one')).runDir);
    const many = await readRunArtifacts((await build('many')).runDir);
    expect(many.metrics).toEqual(one.metrics);
    expect(many.decisions).toEqual(one.decisions);
    const [input] = many.manifest.inputs;
    expect(input).toMatchObject({ contentId: stored.contentId, rows: 3313, first: '2024-01-03T00:00:00.000Z' });
    expect({ ...input, contentId: '', source: '' }).toEqual({ ...one.manifest.inputs[0], contentId: '', source: '' });
  });

  it('still verifies the whole file: a flipped value outside the window fails the build', async () => {
    const { path } = await storeBatched(join(root, 'bad', 'data'), 'AAA', '1m', bars, 2000);
    const bytes = readFileSync(path);
    const reader = RecordBatchReader.from(bytes);
    reader.open();
    const last = reader.footer?.getRecordBatch(reader.numRecordBatches - 1);
    if (!last) throw new Error('no footer');
    const at = last.offset + last.metaDataLength + last.bodyLength - 8; // a volume of the last batch
    bytes[at] = (bytes[at] as number) ^ 1;
    writeFileSync(path, bytes);
    const err = await build('bad').then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(isBuffError(err, 'CORRUPT_ARTIFACT')).toBe(true);
  });
});
