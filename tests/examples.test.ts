import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { lastJson, REPO_ROOT } from './helpers/cli.js';
import { promotedFixture } from './helpers/model-fixture.js';
import { makeTempDir } from './helpers/tmp.js';

// Each script in examples/ runs as a user would run it (tsx, importing the built @buff/* packages),
// in a temp folder; its last line is JSON that the test checks.
const run = promisify(execFile);
const TSX_LOADER = join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs');
const example = (name: string) => join(REPO_ROOT, 'examples', name);
const tmp = makeTempDir('buff-examples-');
afterAll(tmp.cleanup);

async function runExample<T>(name: string, args: string[]): Promise<T> {
  const { stdout } = await run(process.execPath, ['--import', TSX_LOADER, example(name), ...args], {
    cwd: tmp.dir,
    env: { ...process.env, BUFF_LOG_LEVEL: 'warn' },
    maxBuffer: 16 * 1024 * 1024,
  });
  return lastJson<T>(stdout);
}

describe('examples/', () => {
  it('ingest-quality.ts: ingests the real XRP/ETH candles and reads their gaps from the quality report', async () => {
    const result = await runExample<{ rows: number; gapCount: number; missingBars: number; contentId: string }>(
      'ingest-quality.ts',
      [join(REPO_ROOT, 'tests/fixtures/real/xrp_eth_1m.csv'), join(tmp.dir, 'ingest-data')],
    );
    expect(result).toMatchObject({ rows: 2469, gapCount: 676 });
    expect(result.missingBars).toBeGreaterThanOrEqual(676);
    expect(result.contentId).toMatch(/^[0-9a-f]{64}$/);
  }, 120_000);

  it('build-run-trades.ts: builds a run and reads as many trades from trades.arrow as metrics.json counts', async () => {
    const args = [join(tmp.dir, 'runs'), join(tmp.dir, 'data')];
    const first = await runExample<Record<string, unknown>>('build-run-trades.ts', args);
    expect(first).toMatchObject({ created: true, status: 'completed' });
    expect(first.trades).toBeGreaterThan(0);
    expect(first.trades).toBe(first.metricsTradeCount);
    const again = await runExample<Record<string, unknown>>('build-run-trades.ts', args);
    expect(again).toMatchObject({ runId: first.runId, created: false, trades: first.trades, pnl: first.pnl });
  }, 180_000);

  it('query-registry.ts: filters, sorts and pages the registry', async () => {
    const result = await runExample<{ total: number; smaOnBtc: number; eth: number; pages: string[][]; best: string }>(
      'query-registry.ts',
      [join(tmp.dir, 'query-runs'), join(tmp.dir, 'data')],
    );
    expect(result).toMatchObject({ total: 5, smaOnBtc: 2, eth: 2 });
    expect(result.pages.map((page) => page.length)).toEqual([2, 2, 1]);
    const ids = result.pages.flat();
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(5);
    expect(ids).toContain(result.best);
  }, 240_000);

  it('train-evaluate-promote.ts: trains a CI-sized LSTM that passes its gates and becomes champion', async () => {
    const result = await runExample<{ accuracy: number; ece: number; passed: boolean; champion: number }>(
      'train-evaluate-promote.ts',
      [join(tmp.dir, 'ml')],
    );
    expect(result.accuracy).toBeGreaterThanOrEqual(0.68);
    expect(result.ece).toBeLessThanOrEqual(0.05);
    expect(result).toMatchObject({ passed: true, champion: 1 });
  }, 300_000);
});

describe('examples/dry-run-signals.ts', () => {
  it('replays the last hours of a dataset through a promoted model and reads the same signals back from disk', async () => {
    const work = join(tmp.dir, 'dry');
    const fx = await promotedFixture(work, 'sig'); // the cached CI-sized champion (trained once per checkout)
    const result = await runExample<{
      status: string;
      model: { name: string; version: number; id: string };
      bars: number;
      signals: number;
      sameSignals: boolean;
      firstSignal: { symbol: string; model: string; modelId: string; probability: number } | null;
    }>('dry-run-signals.ts', [work, 'sig', fx.symbol, '2']);
    expect(result).toMatchObject({ status: 'completed', bars: 120, sameSignals: true });
    expect(result.model).toEqual({ name: 'sig', version: fx.version, id: fx.modelId });
    expect(result.signals).toBeGreaterThan(0);
    expect(result.firstSignal).toMatchObject({ symbol: fx.symbol, model: 'sig', modelId: fx.modelId });
  }, 300_000);
});

describe('examples/embed-express.ts', () => {
  let child: ChildProcess | undefined;
  afterAll(() => child?.kill('SIGKILL'));

  it("serves the host app's routes and Buff's under /research side by side, behind the host's auth", async () => {
    const runsRoot = join(tmp.dir, 'embed-runs');
    const built = await runExample<{ runId: string }>('build-run-trades.ts', [runsRoot, join(tmp.dir, 'data')]);
    child = spawn(
      process.execPath,
      ['--import', TSX_LOADER, example('embed-express.ts'), runsRoot, join(tmp.dir, 'data'), '0'],
      {
        cwd: tmp.dir,
        env: { ...process.env, HOST_API_KEY: 'k-123', BUFF_LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no URL in 60 s: ${out}`)), 60_000);
      child?.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((l) => l.startsWith('{"url"'));
        if (line !== undefined) clearTimeout(timer), resolve((JSON.parse(line) as { url: string }).url);
      });
      child?.once('exit', (code) => (clearTimeout(timer), reject(new Error(`exited ${code}: ${out}`))));
    });
    const key = { 'x-api-key': 'k-123' };
    const get = (path: string, headers: Record<string, string> = {}) => fetch(`${url}${path}`, { headers });

    expect(await (await get('/healthz')).json()).toEqual({ ok: true, app: 'host' });
    expect(await (await get('/api/account', key)).json()).toEqual({ user: 'analyst', plan: 'research' });
    expect((await get('/api/account')).status).toBe(401);
    // Buff's API and pages, mounted under /research, behind the host's key.
    expect((await get('/research/api/runs')).status).toBe(401);
    const runs = (await (await get('/research/api/runs', key)).json()) as { items: Array<{ id: string }> };
    expect(runs.items.map((r) => r.id)).toEqual([built.runId]);
    const page = await get(`/research/runs/${built.runId}`, key);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(built.runId);
    expect((await get('/research/api/nope', key)).status).toBe(404);
    // The host's fallback still answers its own unknown routes.
    expect(await (await get('/nope')).json()).toEqual({ error: 'not found (host)' });
  }, 180_000);
});
