import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureRun, call, makeRoots, startTestServer, waitForJob, type TestServer } from './helpers/server.js';
import { REAL_DATA_DIR } from './helpers/tmp.js';

// The JSON API against a real server on loopback, with the router mounted under /research
// in a host app (the embedding case), over a run built by the real builder.
describe('server JSON API (mounted under /research)', () => {
  const roots = makeRoots();
  let server: TestServer;
  let runId: string;

  beforeAll(async () => {
    runId = await buildFixtureRun(roots);
    server = await startTestServer({ runsRoot: roots.runsRoot, dataRoot: roots.dataRoot, prefix: '/research' });
  });
  afterAll(async () => {
    await server?.close();
    roots.cleanup();
  });

  it('lists runs with filters, sorting and paging, validated', async () => {
    const all = await call(`${server.url}/api/runs`);
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(1);
    expect(all.body.items[0]).toMatchObject({
      id: runId,
      strategy: 'sma-cross',
      symbols: ['BTC-USD'],
      timeframe: '1h',
    });
    expect(
      (await call(`${server.url}/api/runs?strategy=sma-cross&symbol=BTC-USD&limit=5&offset=0&sort=sharpe&order=asc`))
        .body.total,
    ).toBe(1);
    expect((await call(`${server.url}/api/runs?strategy=rsi-reversion`)).body.total).toBe(0);
    for (const bad of [
      'limit=abc',
      'limit=0',
      'sort=password',
      'offset=-1',
      'unknown=1',
      'status=weird',
      'strategy=a&strategy=b',
    ]) {
      const res = await call(`${server.url}/api/runs?${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.code, bad).toBe('INVALID_INPUT');
      expect(res.body).toHaveProperty('details');
    }
  });

  it('shows one run with manifest, metrics and data quality', async () => {
    const res = await call(`${server.url}/api/runs/${runId}`);
    expect(res.status).toBe(200);
    expect(res.body.record.id).toBe(runId);
    expect(res.body.manifest.id).toBe(runId);
    expect(res.body.metrics).toBeTypeOf('object');
    expect(res.body.quality).toHaveProperty('BTC-USD');
    expect(res.body.manifest.inputs[0]).toMatchObject({ symbol: 'BTC-USD', timeframe: '1h', rows: 240 });
    expect(res.body.artifacts.map((a: { file: string }) => a.file)).toContain('equity.arrow');
    expect((await call(`${server.url}/api/runs/run-0000000000000000`)).body.code).toBe('RUN_NOT_FOUND');
    expect((await call(`${server.url}/api/runs/run-0000000000000000`)).status).toBe(404);
  });

  it('serves chart series for the run', async () => {
    const res = await call(`${server.url}/api/runs/${runId}/series`);
    expect(res.status).toBe(200);
    expect(res.body.candleSource).toBe('dataset');
    expect(res.body.candles.time.length).toBe(240);
    expect(res.body.equity.time.length).toBeGreaterThan(0);
    expect(res.body.markers.length).toBeGreaterThan(0);
  });

  it('serves artifacts read-only with their content types, byte for byte', async () => {
    const manifest = await call(`${server.url}/api/runs/${runId}/artifacts/manifest.json`);
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('content-type')).toMatch(/^application\/json/);
    expect(manifest.text).toBe(readFileSync(join(roots.runsRoot, runId, 'manifest.json'), 'utf8'));
    const arrow = await fetch(`${server.url}/api/runs/${runId}/artifacts/equity.arrow?download=1`);
    expect(arrow.headers.get('content-type')).toBe('application/vnd.apache.arrow.file');
    expect(arrow.headers.get('content-disposition')).toContain('attachment');
    expect(
      Buffer.from(await arrow.arrayBuffer()).equals(readFileSync(join(roots.runsRoot, runId, 'equity.arrow'))),
    ).toBe(true);
    for (const method of ['PUT', 'DELETE', 'POST']) {
      expect((await call(`${server.url}/api/runs/${runId}/artifacts/manifest.json`, { method })).status, method).toBe(
        404,
      );
    }
  });

  it('answers datasets, health and Prometheus metrics', async () => {
    const datasets = await call(`${server.url}/api/datasets`);
    expect(datasets.body.items.map((d: { symbol: string }) => d.symbol)).toEqual(['BTC-USD']);
    const health = await call(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    expect(health.body.ok).toBe(true);
    expect(Object.keys(health.body.checks).sort()).toEqual([
      'dataRoot',
      'disk',
      'dryrun',
      'jobs',
      'killSwitch',
      'registry',
      'strategies',
    ]);
    const metrics = await call(`${server.url}/api/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.text).toContain('buff_http_requests_total');
    expect(metrics.text).toContain('buff_kill_switch_on 0');
  });

  it('gives JSON 404 for unknown API routes and leaves host routes alone', async () => {
    const res = await call(`${server.url}/api/nope`);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
    const host = await call(server.url.replace('/research', '/host-owned'));
    expect(host.text).toBe('host app route');
  });

  it('renders /runs with links under the mount prefix', async () => {
    const res = await call(`${server.url}/runs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.text).toContain(`href="/research/runs/${runId}"`);
    const detail = await call(`${server.url}/runs/${runId}`);
    expect(detail.text).toContain('/research/assets/lightweight-charts.js');
    const lib = await call(`${server.url}/assets/lightweight-charts.js`);
    expect(lib.status).toBe(200);
    expect(lib.text).toContain('LightweightCharts');
  });
});

// A real exchange CSV (freqtrade's XRP/ETH 1m test data, 676 gaps) through the upload form's API:
// rejected without allowGaps (the ingest GAP rule), accepted with it, then ingested and built by a job.
describe('CSV upload -> ingest -> build job', () => {
  const roots = makeRoots('buff-upload-');
  const TOKEN = 'upload-token';
  const auth = { authorization: `Bearer ${TOKEN}` };
  let server: TestServer;
  const csv = readFileSync(join(REAL_DATA_DIR, 'xrp_eth_1m.csv'), 'utf8');

  beforeAll(async () => {
    server = await startTestServer({
      runsRoot: roots.runsRoot,
      dataRoot: roots.dataRoot,
      adminToken: TOKEN,
      features: { runsNew: true },
    });
  });
  afterAll(async () => {
    await server?.close();
    roots.cleanup();
  });

  it('applies the ingest rules to the upload, then ingests it in the job and builds the run', async () => {
    const strict = await call(`${server.url}/api/uploads?symbol=XRP-ETH`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/csv' },
      body: csv,
    });
    expect(strict.status).toBe(422);
    expect(strict.body.code).toBe('GAP');
    expect(existsSync(join(roots.dataRoot, 'XRP-ETH'))).toBe(false);

    const upload = await call(`${server.url}/api/uploads?symbol=XRP-ETH&allowGaps=true`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/csv' },
      body: csv,
    });
    expect(upload.status).toBe(201);
    expect(upload.body).toMatchObject({ symbol: 'XRP-ETH', rows: 2469, allowGaps: true });
    expect(existsSync(join(roots.dataRoot, 'XRP-ETH'))).toBe(false); // ingested by the job, not the upload

    const config = {
      name: 'xrp-eth upload',
      strategy: { name: 'sma-cross', params: { fast: 5, slow: 20 } },
      symbols: ['XRP-ETH'],
      timeframe: '15m',
      window: { since: '2019-10-11T00:00:00Z', until: '2019-10-13T11:00:00Z' },
    };
    const job = await call(`${server.url}/api/jobs`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ config, uploadId: upload.body.id }),
    });
    expect(job.status).toBe(202);
    const done = await waitForJob(`${new URL(server.url).origin}${job.body.statusUrl}`);
    expect(done, JSON.stringify(done.error)).toMatchObject({ status: 'done' });
    expect(readdirSync(join(roots.runsRoot, '.buff', 'uploads'))).toEqual([]);
    const detail = await call(`${server.url}/api/runs/${done.runId}`);
    expect(detail.body.quality['XRP-ETH']).toMatchObject({ symbol: 'XRP-ETH', rows: 2469, gapsAllowed: true });
    expect(detail.body.quality['XRP-ETH'].gapCount).toBeGreaterThan(0);
    const series = await call(`${server.url}/api/runs/${done.runId}/series`);
    expect(series.body.candleSource).toBe('dataset');
    expect(series.body.candles.time.length).toBe(detail.body.manifest.inputs[0].rows);
    expect(server.logs.some((l) => l.msg === 'ingested upload' && typeof l.requestId === 'string')).toBe(true);
  });
});
