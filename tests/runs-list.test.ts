import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastJson, runBuff } from './helpers/cli.js';
import { buildFixtureRun, call, makeRoots, startTestServer, type TestServer } from './helpers/server.js';

// The runs list over a real server and registry: metric filters, case-insensitive symbol, param
// columns, selection for compare, empty states and tags set with `buff runs tag`.
describe('runs list: filters, params, tags, empty states', () => {
  const roots = makeRoots('buff-runs-list-');
  const empty = makeRoots('buff-runs-empty-');
  let server: TestServer;
  let emptyServer: TestServer;
  let ids: string[];

  beforeAll(async () => {
    ids = [
      await buildFixtureRun(roots, {
        name: 'fast one',
        strategy: { name: 'sma-cross', params: { fast: 3, slow: 12 } },
      }),
      await buildFixtureRun(roots, {
        name: 'slow one',
        strategy: { name: 'sma-cross', params: { fast: 10, slow: 40 } },
      }),
    ];
    server = await startTestServer({ runsRoot: roots.runsRoot, dataRoot: roots.dataRoot, limits: { listCacheMs: 0 } });
    emptyServer = await startTestServer({ runsRoot: empty.runsRoot, dataRoot: empty.dataRoot });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await emptyServer?.close();
    roots.cleanup();
    empty.cleanup();
  });

  it('filters on metrics (sharpe, return and drawdown in %) and matches symbols without regard to case', async () => {
    const all = (await call(`${server.url}/api/runs`)).body.items as Array<{
      id: string;
      metrics: Record<string, number>;
    }>;
    expect(all).toHaveLength(2);
    const [a, b] = [...all].sort((x, y) => (x.metrics.sharpe ?? 0) - (y.metrics.sharpe ?? 0));
    expect(a?.metrics.sharpe).not.toBe(b?.metrics.sharpe);
    const cut = ((a?.metrics.sharpe ?? 0) + (b?.metrics.sharpe ?? 0)) / 2;
    const above = await call(`${server.url}/api/runs?where=${encodeURIComponent(`sharpe>${cut.toFixed(6)}`)}`);
    expect(above.body.items.map((r: { id: string }) => r.id)).toEqual([b?.id]);
    const dd = (b?.metrics.maxDrawdown ?? 0) * 100;
    const both = await call(
      `${server.url}/api/runs?where=${encodeURIComponent(`sharpe>${cut.toFixed(6)}, drawdown>=${(dd - 0.001).toFixed(4)}`)}`,
    );
    expect(both.body.total).toBe(1);
    expect((await call(`${server.url}/api/runs?symbol=btc-usd`)).body.total).toBe(2);
    expect((await call(`${server.url}/api/runs?symbol=eth-usd`)).body.total).toBe(0);
    const bad = await call(`${server.url}/api/runs?where=${encodeURIComponent('sharp>1')}`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('sharp>1');
  });

  it('shows param columns, checkboxes for compare and the metric filter on /runs', async () => {
    const page = await call(`${server.url}/runs?symbol=BTC-usd`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<th class="num" title="strategy param">fast</th>');
    expect(page.text).toContain('<th class="num" title="strategy param">slow</th>');
    for (const id of ids) expect(page.text).toContain(`name="runs" value="${id}" form="compare-form"`);
    expect(page.text).toContain('id="compare-button"');
    expect(page.text).toContain('name="where"');
  });

  it('has real empty states: no runs yet, and no match', async () => {
    const none = await call(`${emptyServer.url}/runs`);
    expect(none.text).toContain('No runs yet.');
    expect(none.text).not.toContain('id="runs-table"');
    const nomatch = await call(`${server.url}/runs?where=${encodeURIComponent('trades>100000')}`);
    expect(nomatch.text).toContain('No runs match these filters.');
  });

  it('sets and removes tags with buff runs tag; the list filters on them', async () => {
    const id = ids[0] as string;
    const added = await runBuff(['runs', 'tag', id, 'baseline', 'sma', '--runs-root', roots.runsRoot, '--json']);
    expect(added.code, added.stderr).toBe(0);
    expect(lastJson(added.stdout)).toMatchObject({ id, tags: ['baseline', 'sma'] });
    expect((await call(`${server.url}/api/runs?tag=baseline`)).body.items.map((r: { id: string }) => r.id)).toEqual([
      id,
    ]);
    const removed = await runBuff(['runs', 'tag', id, 'sma', '--remove', '--runs-root', roots.runsRoot, '--json']);
    expect(lastJson(removed.stdout)).toMatchObject({ tags: ['baseline'] });
    const bad = await runBuff(['runs', 'tag', id, 'no spaces allowed', '--runs-root', roots.runsRoot]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('INVALID_INPUT');
    const missing = await runBuff(['runs', 'tag', 'run-0000000000000000', 'x', '--runs-root', roots.runsRoot]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('RUN_NOT_FOUND');
  }, 120_000);
});
