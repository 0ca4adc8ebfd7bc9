import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureRun, call, makeRoots, startTestServer, type TestServer } from './helpers/server.js';

const TOKEN = 'upload-token';
const auth = { authorization: `Bearer ${TOKEN}` };

/** `rows` 1m candles from `start`, timestamps written by `stamp`. */
function csvOf(rows: number, start: number, stamp: (ms: number) => string): string {
  const lines = ['timestamp,open,high,low,close,volume'];
  for (let i = 0; i < rows; i++) lines.push(`${stamp(start + i * 60_000)},10,11,9,10.5,1`);
  return `${lines.join('\n')}\n`;
}

// /runs/new's API: the upload takes a time zone and a timestamp format; a window the data do not
// cover is refused before any job with the covered span (422), for uploads and stored datasets.
describe('new run: upload time zone and format, window refusal', () => {
  const roots = makeRoots('buff-run-new-');
  let server: TestServer;

  beforeAll(async () => {
    await buildFixtureRun(roots); // stores BTC-USD 2024-01-01 .. 2024-01-11 (synthetic)
    server = await startTestServer({
      runsRoot: roots.runsRoot,
      dataRoot: roots.dataRoot,
      adminToken: TOKEN,
      features: { runsNew: true },
    });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    roots.cleanup();
  });

  const upload = (query: string, csv: string) =>
    call(`${server.url}/api/uploads?${query}`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/csv' },
      body: csv,
    });

  it('reads naive local times in the declared zone and epoch seconds when told', async () => {
    const start = Date.parse('2024-03-01T00:00:00Z');
    const naive = csvOf(120, start, (ms) => new Date(ms + 3_600_000).toISOString().slice(0, 19).replace('T', ' '));
    expect((await upload('symbol=NAIVE', naive)).status).toBe(422);
    const prague = await upload('symbol=NAIVE&timezone=Europe/Prague&timestampFormat=iso', naive);
    expect(prague.status, JSON.stringify(prague.body)).toBe(201);
    expect(prague.body).toMatchObject({ timezone: 'Europe/Prague', first: '2024-03-01T00:00:00.000Z' });
    const epoch = await upload(
      'symbol=EPOCH&timestampFormat=epoch-s',
      csvOf(60, start, (ms) => String(ms / 1000)),
    );
    expect(epoch.status, JSON.stringify(epoch.body)).toBe(201);
    expect(epoch.body.last).toBe('2024-03-01T00:59:00.000Z');
    expect((await upload('symbol=BAD&timestampFormat=julian', naive)).status).toBe(400);
  });

  it('refuses a window the upload does not cover, naming the covered span, and queues nothing', async () => {
    const start = Date.parse('2024-03-01T00:00:00Z');
    const up = await upload(
      'symbol=SHORT',
      csvOf(6 * 1440, start, (ms) => new Date(ms).toISOString()),
    );
    expect(up.status).toBe(201);
    const config = {
      name: 'too long a window',
      strategy: { name: 'sma-cross', params: {} },
      symbols: ['SHORT'],
      timeframe: '1h',
      window: { since: '2024-03-01T00:00:00Z', until: '2024-05-30T00:00:00Z' },
    };
    const job = await call(`${server.url}/api/jobs`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ config, uploadId: up.body.id }),
    });
    expect(job.status).toBe(422);
    expect(job.body.code).toBe('INSUFFICIENT_DATA');
    expect(job.body.message).toContain('cover [2024-03-01T00:00:00.000Z, 2024-03-07T00:00:00.000Z)');
    const stored = await call(`${server.url}/api/jobs`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        config: {
          ...config,
          symbols: ['BTC-USD'],
          window: { since: '2023-12-01T00:00:00Z', until: '2024-01-05T00:00:00Z' },
        },
      }),
    });
    expect(stored.status).toBe(422);
    expect(stored.body.message).toContain('the data of BTC-USD cover [2024-01-01T00:00:00.000Z');
    expect((await call(`${server.url}/api/runs`)).body.total).toBe(1);
  });
});
