import { readFileSync, writeFileSync } from 'node:fs';
import { RecordBatchReader } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeBars } from '@buff/ingest';
import { storeBatched } from './helpers/batched-dataset.js';
import { buildFixtureRun, call, makeRoots, startTestServer } from './helpers/server.js';

// A 1m run over [Jan 3, Jan 5 07:13) of a 10-day table stored in 2000-row record batches.
const roots = makeRoots('buff-series-batches-');
const bars = synthesizeBars({ days: 10, seed: 8, symbol: 'BTC-USD', start: '2024-01-01T00:00:00Z' });
const since = Date.parse('2024-01-03T00:00:00Z');
const until = Date.parse('2024-01-05T07:13:00Z');
let runId: string;
let tablePath: string;
beforeAll(async () => {
  tablePath = (await storeBatched(roots.dataRoot, 'BTC-USD', '1m', bars, 2000)).path;
  runId = await buildFixtureRun(roots, {
    timeframe: '1m',
    data: { provider: 'store' },
    window: { since: new Date(since).toISOString(), until: new Date(until).toISOString() },
  });
}, 60_000);
afterAll(() => roots.cleanup());

async function series() {
  const server = await startTestServer({ runsRoot: roots.runsRoot, dataRoot: roots.dataRoot });
  try {
    return (await call(`${server.url}/api/runs/${runId}/series?points=100000`)).body;
  } finally {
    await server.close();
  }
}

describe('run series from the record batches of the run window', () => {
  it('serves the stored candles of the window, read from the batches that hold it', async () => {
    const body = await series();
    expect(body.candleSource).toBe('dataset');
    const inWindow = Array.from(bars.ts).filter((t) => t >= since && t < until);
    expect(body.candles.time).toEqual(inWindow.map((t) => t / 1000));
    const first = bars.ts.indexOf(since);
    expect(body.candles.close.slice(0, 3)).toEqual(Array.from(bars.close.subarray(first, first + 3)));
  });

  it('still checks the whole table: a flipped value outside the window falls back to the decisions', async () => {
    const bytes = readFileSync(tablePath);
    const reader = RecordBatchReader.from(bytes);
    reader.open();
    const last = reader.footer?.getRecordBatch(reader.numRecordBatches - 1);
    if (!last) throw new Error('no footer');
    const at = last.offset + last.metaDataLength + last.bodyLength - 8;
    bytes[at] = (bytes[at] as number) ^ 1;
    writeFileSync(tablePath, bytes);
    expect((await series()).candleSource).toBe('decisions');
  });
});
