import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, expectNoHorizontalScroll, connectBrowser, watchErrors } from './helpers/browser.js';
import { REPO_ROOT } from './helpers/cli.js';
import { buildFixtureRun, GUARDED_RUN, makeRoots, startTestServer, type TestServer } from './helpers/server.js';

const SHOTS = join(REPO_ROOT, 'test-artifacts', 'screenshots');
const WIDTHS = [1400, 390];
const available = browserAvailable();

async function chartsDrawn(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const charts = (globalThis as any).buffCharts;
      return Boolean(charts && (charts.drawn || charts.error));
    },
    null,
    { timeout: 60_000 },
  );
  expect(await page.evaluate(() => (globalThis as any).buffCharts)).toEqual({ drawn: true, error: null });
}

// The run page and the runs list in real Chromium at a laptop and a phone width, and the
// "filter by a metric" flow; screenshots in test-artifacts/screenshots/.
describe.skipIf(!available)('run page and runs list in Chromium at 1400 and 390 px', () => {
  const roots = makeRoots('buff-browser-run-');
  let server: TestServer;
  let browser: Browser;
  let guarded: string;
  let plain: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    guarded = await buildFixtureRun(roots, GUARDED_RUN);
    plain = await buildFixtureRun(roots, { name: 'plain 1h run' });
    server = await startTestServer({ runsRoot: roots.runsRoot, dataRoot: roots.dataRoot });
    browser = await connectBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    roots.cleanup();
  });

  for (const width of WIDTHS) {
    it(`run page fits ${width} px: charts over the whole window, shaded guardrail periods, trades`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      const errors = watchErrors(page);
      expect((await page.goto(`${server.url}/runs/${guarded}`))?.status()).toBe(200);
      await chartsDrawn(page);
      await expect(page.locator('#guardrail-periods-table tbody tr').count()).resolves.toBeGreaterThan(1);
      await expect(page.locator('#trades-table tbody tr').count()).resolves.toBeGreaterThan(0);
      await expect(page.locator('#reproduce-command').textContent()).resolves.toContain(
        `buff run build --config ${guarded}-config.json`,
      );
      // the price chart's visible range spans the run's 3-day window, not its last day and a half
      const [from, to] = ((await page.locator('#run-charts').getAttribute('data-visible-range')) ?? '')
        .split(',')
        .map(Number);
      const since = Date.parse(GUARDED_RUN.window.since) / 1000;
      expect(from).toBeLessThanOrEqual(since + 3600);
      expect(to).toBeGreaterThanOrEqual(since + 3 * 86_400 - 3 * 3600);
      await expectNoHorizontalScroll(page);
      await page.screenshot({ path: join(SHOTS, `run-page-${width}.png`), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    }, 120_000);

    it(`runs list fits ${width} px and selects two runs to compare`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      const errors = watchErrors(page);
      await page.goto(`${server.url}/runs`);
      await expectNoHorizontalScroll(page);
      await page.screenshot({ path: join(SHOTS, `runs-list-${width}.png`), fullPage: true });
      await expect(page.locator('#compare-button').isDisabled()).resolves.toBe(true);
      await page.check(`input[name=runs][value="${guarded}"]`);
      await page.check(`input[name=runs][value="${plain}"]`);
      await Promise.all([page.waitForURL('**/compare?runs=*'), page.click('#compare-button')]);
      const url = new URL(page.url());
      expect(url.searchParams.get('runs')?.split(',').sort()).toEqual([guarded, plain].sort());
      expect(errors.filter((e) => !e.includes('404'))).toEqual([]);
      await page.close();
    }, 120_000);
  }

  it('filters by a metric: sharpe above the guarded run leaves the other run', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors = watchErrors(page);
    await page.goto(`${server.url}/runs`);
    await expect(page.locator('#runs-table tbody tr').count()).resolves.toBe(2);
    const sharpe = (id: string) => page.locator(`tr[data-run-id="${id}"] td`).nth(10).textContent();
    const low = Number(await sharpe(guarded));
    const high = Number(await sharpe(plain));
    expect(high).toBeGreaterThan(low);
    await page.fill('input[name=where]', `sharpe>${((low + high) / 2).toFixed(2)}`);
    await Promise.all([page.waitForURL('**/runs?*where=*'), page.click('form.filters button[type=submit]')]);
    await expect(page.locator('#runs-table tbody tr').count()).resolves.toBe(1);
    await expect(page.locator(`tr[data-run-id="${plain}"]`).count()).resolves.toBe(1);
    await page.screenshot({ path: join(SHOTS, 'runs-filtered-by-sharpe.png'), fullPage: true });
    await page.fill('input[name=where]', 'sharpe>1000');
    await Promise.all([page.waitForURL('**/runs?*'), page.click('form.filters button[type=submit]')]);
    await expect(page.locator('#runs-empty').textContent()).resolves.toContain('No runs match these filters.');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
