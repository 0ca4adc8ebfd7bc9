import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSweepConfig, runSweep } from '@buff/engine';
import { openRunRegistry } from '@buff/registry';
import { browserAvailable, expectNoHorizontalScroll, connectBrowser, watchErrors } from './helpers/browser.js';
import { REPO_ROOT } from './helpers/cli.js';
import { fixtureConfig, makeRoots, startTestServer, type TestServer } from './helpers/server.js';

// The sweep pages in real Chromium at a desktop and a phone width: the list links the sweep, the
// sweep page shows its verdict figures, walk-forward choices, every cell's in/out-of-sample Sharpe
// per fold and the best cell linked to its run page; no console error, no horizontal page scroll.
const SHOTS = join(REPO_ROOT, 'test-artifacts');
const available = browserAvailable();

describe.skipIf(!available)('sweep pages in real Chromium', () => {
  const roots = makeRoots('buff-browser-sweeps-');
  let server: TestServer;
  let browser: Browser;
  let sweepId: string;
  let bestRun: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    writeFileSync(join(roots.dir, 'base.json'), JSON.stringify(fixtureConfig({ name: 'sweep base' })));
    const configPath = join(roots.dir, 'sweep.yml');
    writeFileSync(
      configPath,
      'name: page grid\nbase: base.json\ngrid:\n  strategy.params.fast: [3, 5, 8]\n  strategy.params.slow: [12, 24]\nwalkForward: { scheme: rolling, folds: 3 }\ncscvBlocks: 4\n',
    );
    const runStore = await openRunRegistry({ runsRoot: roots.runsRoot, create: true });
    try {
      const { report } = await runSweep(parseSweepConfig(readFileSync(configPath, 'utf8'), configPath), {
        configPath,
        dataRoot: roots.dataRoot,
        runStore,
      });
      sweepId = report.sweepId;
      bestRun = report.best?.runId as string;
    } finally {
      await runStore.close();
    }
    server = await startTestServer({ runsRoot: roots.runsRoot, dataRoot: roots.dataRoot });
    browser = await connectBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    roots.cleanup();
  });

  for (const width of [1400, 390]) {
    it(`lists the sweep and shows its page at ${width} px`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      const errors = watchErrors(page);
      const list = await page.goto(`${server.url}/sweeps`);
      expect(list?.status()).toBe(200);
      await page.click(`#sweeps-table a[href$="/sweeps/${sweepId}"]`);
      await page.waitForURL(`**/sweeps/${sweepId}`);
      await expect(page.locator('#sweep-verdict').textContent()).resolves.toMatch(/6 cells tried/);
      await expect(page.locator('#sweep-pvalue').textContent()).resolves.toMatch(/^\d\.\d{4}$/);
      await expect(page.locator('#sweep-pbo').textContent()).resolves.toMatch(/^\d\.\d{4}$/);
      await expect(page.locator('#choices-table tbody tr').count()).resolves.toBe(3);
      await expect(page.locator('#cells-table tbody tr').count()).resolves.toBe(6);
      // header, cell, params, Sharpe, then in and out of sample for each of the 3 folds
      await expect(page.locator('#cells-table tbody tr').first().locator('td').count()).resolves.toBe(9);
      await expectNoHorizontalScroll(page);
      await page.screenshot({ path: join(SHOTS, `sweep-${width}.png`), fullPage: true });
      await page.click('#best-run');
      await page.waitForURL(`**/runs/${bestRun}`);
      expect(errors).toEqual([]);
      await page.close();
    }, 120_000);
  }

  it('answers the API and a 404 for an unknown sweep', async () => {
    const list = (await (await fetch(`${server.url}/api/sweeps`)).json()) as { items: Array<{ sweepId: string }> };
    expect(list.items.map((s) => s.sweepId)).toEqual([sweepId]);
    const one = (await (await fetch(`${server.url}/api/sweeps/${sweepId}`)).json()) as { folds: unknown[] };
    expect(one.folds).toHaveLength(18);
    expect((await fetch(`${server.url}/api/sweeps/sweep-0000000000000000`)).status).toBe(404);
    expect((await fetch(`${server.url}/sweeps/nope`)).status).toBe(404);
  });
});
