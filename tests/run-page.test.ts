import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRun, parseRunConfig } from '@buff/engine';
import { openRunRegistry } from '@buff/registry';
import { REPO_ROOT } from './helpers/cli.js';
import { buildFixtureRun, call, GUARDED_RUN, makeRoots, startTestServer, type TestServer } from './helpers/server.js';

/** GET with `accept-encoding: br` through node:http (fetch would decode it silently). */
function getBrotli(
  url: string,
  headers: Record<string, string> = { 'accept-encoding': 'br, gzip' },
): Promise<{ status: number | undefined; encoding: string | undefined; etag: string | undefined; raw: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode,
          encoding: res.headers['content-encoding'],
          etag: res.headers.etag,
          raw: Buffer.concat(chunks),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

// The run page's server side over a real server: downsampled series, guardrail periods,
// compression, trades (sorted, paged, grouped, CSV), grouped metrics and the reproduce command.
describe('run page and its API', () => {
  const roots = makeRoots('buff-run-page-');
  let server: TestServer;
  let runId: string;

  beforeAll(async () => {
    runId = await buildFixtureRun(roots, GUARDED_RUN);
    server = await startTestServer({ runsRoot: roots.runsRoot, dataRoot: roots.dataRoot });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    roots.cleanup();
  });

  it('downsamples the series to the asked points, keeps the extremes and the whole window', async () => {
    const full = await call(`${server.url}/api/runs/${runId}/series?points=20000`);
    expect(full.body.bars).toEqual({ inRange: 4320, shown: 4320 });
    const small = await call(`${server.url}/api/runs/${runId}/series?points=400`);
    expect(small.status).toBe(200);
    expect(small.body.bars.inRange).toBe(4320);
    expect(small.body.candles.time.length).toBeLessThanOrEqual(400);
    // min/max decimation: at most the asked points (a flat bucket keeps one), every extreme kept
    expect(small.body.equity.time.length).toBeLessThanOrEqual(400);
    expect(small.body.equity.time.length).toBeGreaterThan(100);
    expect(Math.max(...small.body.equity.value)).toBe(Math.max(...full.body.equity.value));
    expect(Math.min(...small.body.equity.value)).toBe(Math.min(...full.body.equity.value));
    const since = Date.parse(GUARDED_RUN.window.since) / 1000;
    expect(small.body.window).toEqual({ since, until: since + 3 * 86_400 });
    // fitted to the window: the first candle and equity point are at its start, the last near its end
    expect(small.body.candles.time[0]).toBe(since);
    expect(small.body.equity.time[0]).toBe(full.body.equity.time[0]);
    expect(small.body.equity.time.at(-1)).toBe(full.body.equity.time.at(-1));
    expect(Math.max(...small.body.candles.high)).toBe(Math.max(...full.body.candles.high));
    expect(Math.min(...small.body.candles.low)).toBe(Math.min(...full.body.candles.low));
    expect(Math.min(...small.body.drawdownPct.value)).toBeCloseTo(Math.min(...full.body.drawdownPct.value), 10);
    // drawdown in percent, like the metrics
    const metrics = JSON.parse(readFileSync(join(roots.runsRoot, runId, 'metrics.json'), 'utf8'));
    expect(Math.min(...full.body.drawdownPct.value)).toBeCloseTo(metrics.maxDrawdown * 100, 4);
  });

  it('serves a visible range in detail and refuses a bad range', async () => {
    const since = Date.parse(GUARDED_RUN.window.since) / 1000;
    const part = await call(
      `${server.url}/api/runs/${runId}/series?from=${since + 3600}&to=${since + 7200}&points=400`,
    );
    expect(part.body.bars).toEqual({ inRange: 61, shown: 61 });
    expect(part.body.candles.time[0]).toBe(since + 3600);
    expect(part.body.equity.time.every((t: number) => t >= since + 3600 && t <= since + 7200)).toBe(true);
    for (const bad of ['from=5&to=1', 'points=3', 'from=abc', 'zoom=2']) {
      const res = await call(`${server.url}/api/runs/${runId}/series?${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.code, bad).toBe('INVALID_INPUT');
    }
  });

  it('sends guardrail refusals as a few periods, not one marker per bar', async () => {
    const { body } = await call(`${server.url}/api/runs/${runId}/series`);
    const metrics = JSON.parse(readFileSync(join(roots.runsRoot, runId, 'metrics.json'), 'utf8'));
    expect(metrics.guardrailBlocks.total).toBeGreaterThan(1000);
    expect(body.markers.every((m: { side: string }) => m.side === 'buy' || m.side === 'sell')).toBe(true);
    const kinds = new Set(body.blocks.map((p: { guardrail: string }) => p.guardrail));
    expect(kinds).toEqual(new Set(['max_daily_loss', 'max_total_loss']));
    expect(body.blocks.length).toBeLessThan(20);
    const stop = body.blocks.find((p: { guardrail: string }) => p.guardrail === 'max_total_loss');
    expect(stop.to).toBe(body.window.until);
  });

  it('compresses the series with brotli', async () => {
    const { encoding, raw } = await getBrotli(`${server.url}/api/runs/${runId}/series?points=20000`);
    expect(encoding).toBe('br');
    const text = brotliDecompressSync(raw).toString();
    expect(JSON.parse(text).bars.shown).toBe(4320);
    expect(raw.length).toBeLessThan(text.length / 3);
  });

  it('serves the chart library and the page scripts compressed once, as the client accepts, and 304 when unchanged', async () => {
    const file = readFileSync(
      join(REPO_ROOT, 'node_modules/lightweight-charts/dist/lightweight-charts.standalone.production.js'),
    );
    const url = `${server.url}/assets/lightweight-charts.js`;
    const br = await getBrotli(url);
    expect([br.status, br.encoding]).toEqual([200, 'br']);
    expect(brotliDecompressSync(br.raw).equals(file)).toBe(true);
    expect(br.raw.length).toBeLessThan(file.length / 3);
    const gz = await getBrotli(url, { 'accept-encoding': 'gzip' });
    expect([gz.encoding, gunzipSync(gz.raw).equals(file)]).toEqual(['gzip', true]);
    const plain = await getBrotli(url, { 'accept-encoding': 'identity' });
    expect([plain.encoding, plain.raw.equals(file)]).toEqual([undefined, true]);
    expect(new Set([br.etag, gz.etag, plain.etag]).size).toBe(1);
    const again = await getBrotli(url, { 'accept-encoding': 'br', 'if-none-match': String(br.etag) });
    expect([again.status, again.raw.length]).toEqual([304, 0]);
    const script = await getBrotli(`${server.url}/assets/run-detail.js`);
    const source = readFileSync(join(REPO_ROOT, 'packages/server/client/run-detail.js'));
    expect(brotliDecompressSync(script.raw).equals(source)).toBe(true);
  });

  it('serves trades sorted, paged and grouped, and as CSV', async () => {
    const all = await call(`${server.url}/api/runs/${runId}/trades?limit=1000`);
    expect(all.status).toBe(200);
    const metrics = JSON.parse(readFileSync(join(roots.runsRoot, runId, 'metrics.json'), 'utf8'));
    expect(all.body.total).toBe(metrics.tradeCount);
    const pnls = all.body.items.map((t: { pnl: number }) => t.pnl);
    const byPnl = await call(`${server.url}/api/runs/${runId}/trades?sort=pnl&order=desc&limit=3&offset=1`);
    expect(byPnl.body.items.map((t: { pnl: number }) => t.pnl)).toEqual([...pnls].sort((a, b) => b - a).slice(1, 4));
    expect(all.body.bySymbol).toEqual([expect.objectContaining({ key: 'BTC-USD', trades: metrics.tradeCount })]);
    const reasons = all.body.byExitReason.map((g: { key: string }) => g.key);
    expect(reasons).toContain('fast SMA below slow SMA');
    expect(all.body.items.every((t: { exitReason: string }) => t.exitReason.length > 0)).toBe(true);
    expect(all.body.byExitReason.reduce((n: number, g: { trades: number }) => n + g.trades, 0)).toBe(
      metrics.tradeCount,
    );
    const csv = await call(`${server.url}/api/runs/${runId}/trades.csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toContain(`${runId}-trades.csv`);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe('symbol,side,entryTime,entryPrice,exitTime,exitPrice,quantity,fees,pnl,returnPct,exitReason');
    expect(lines.length).toBe(metrics.tradeCount + 1);
    expect((await call(`${server.url}/api/runs/${runId}/trades?sort=nope`)).status).toBe(400);
  });

  it('renders grouped metrics in percent, no CAGR for a 3-day run, no schemaVersion, and the trades table', async () => {
    const page = await call(`${server.url}/runs/${runId}?sort=pnl&order=desc`);
    expect(page.status).toBe(200);
    for (const group of ['Returns', 'Risk', 'Trades', 'Guardrails and objectives'])
      expect(page.text).toContain(`<h3>${group}</h3>`);
    const metrics = page.text.slice(page.text.indexOf('id="metrics-table"'), page.text.indexOf('id="trades"'));
    expect(metrics).not.toContain('schemaVersion');
    expect(metrics).toMatch(/<th class="">Max drawdown<\/th><td class="num" title="">-1\.52%<\/td>/);
    expect(page.text).toContain('not annualised: the run spans less than a year');
    expect(page.text).toContain('id="trades-table"');
    expect(page.text).toContain('P&amp;L ▼');
    expect(page.text).toContain(`href="/api/runs/${runId}/trades.csv"`);
  });

  it('names the command that rebuilds the run, and its config rebuilds the same id', async () => {
    const page = await call(`${server.url}/runs/${runId}`);
    expect(page.text).toContain(`buff run build --config ${runId}-config.json`);
    expect(page.text).toContain(`buff run validate ${runId} --runs-root`);
    const config = await call(`${server.url}/api/runs/${runId}/config.json?download=1`);
    expect(config.headers.get('content-disposition')).toContain(`${runId}-config.json`);
    const registry = await openRunRegistry({ runsRoot: roots.runsRoot });
    try {
      const again = await buildRun(parseRunConfig(config.text, 'config.json'), {
        runStore: registry,
        dataRoot: roots.dataRoot,
      });
      expect(again).toMatchObject({ runId, created: false });
    } finally {
      await registry.close();
    }
  });
});
