import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, connectBrowser, watchErrors } from './helpers/browser.js';
import { REPO_ROOT } from './helpers/cli.js';
import { buildFixtureRun, makeRoots, startTestServer, type TestServer } from './helpers/server.js';
import { REAL_DATA_DIR } from './helpers/tmp.js';

const SHOTS = join(REPO_ROOT, 'test-artifacts');
const TOKEN = 'browser-token';
const available = browserAvailable();

/** Painted (non-background) pixels of the busiest canvas inside a chart container. */
async function paintedPixels(page: Page, selector: string): Promise<number> {
  // a function, not a string: the page's CSP forbids eval
  return page.evaluate((sel) => {
    const doc = (globalThis as any).document;
    let best = 0;
    for (const canvas of Array.from(doc.querySelectorAll(`${sel} canvas`)) as any[]) {
      const ctx = canvas.getContext('2d');
      if (!ctx || canvas.width === 0 || canvas.height === 0) continue;
      const data: Uint8ClampedArray = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 0; i < data.length; i += 4) {
        const white = (data[i] as number) > 245 && (data[i + 1] as number) > 245 && (data[i + 2] as number) > 245;
        if ((data[i + 3] as number) > 0 && !white) painted++;
      }
      best = Math.max(best, painted);
    }
    return best;
  }, selector);
}

async function expectChartsDrawn(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const charts = (globalThis as any).buffCharts;
      return Boolean(charts && (charts.drawn || charts.error));
    },
    null,
    { timeout: 30_000 },
  );
  const state = await page.evaluate(() => (globalThis as any).buffCharts);
  expect(state).toEqual({ drawn: true, error: null });
  for (const chart of ['#price-chart', '#equity-chart', '#drawdown-chart']) {
    expect(await page.locator(`${chart} canvas`).count(), chart).toBeGreaterThan(0);
    expect(await paintedPixels(page, chart), chart).toBeGreaterThan(500);
  }
}

describe.skipIf(!available)('web UI in real Chromium', () => {
  const roots = makeRoots('buff-browser-');
  let server: TestServer;
  let flagOff: TestServer;
  let browser: Browser;
  let runId: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    runId = await buildFixtureRun(roots);
    server = await startTestServer({
      runsRoot: roots.runsRoot,
      dataRoot: roots.dataRoot,
      adminToken: TOKEN,
      features: { runsNew: true },
    });
    flagOff = await startTestServer({
      runsRoot: roots.runsRoot,
      dataRoot: roots.dataRoot,
      adminToken: TOKEN,
      features: { runsNew: false },
    });
    browser = await connectBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await flagOff?.close();
    roots.cleanup();
  });

  it('/runs lists the run and /runs/<id> draws its charts without console errors', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors = watchErrors(page);
    const list = await page.goto(`${server.url}/runs`);
    expect(list?.status()).toBe(200);
    await expect(page.locator(`#runs-table a[href$="/runs/${runId}"]`).count()).resolves.toBe(1);
    await page.screenshot({ path: join(SHOTS, 'runs-list.png'), fullPage: true });
    // the overview series is requested once, by the <head>'s preload, and the page's script reuses it
    const seriesRequests: string[] = [];
    const warnings: string[] = [];
    page.on('request', (req) => req.url().includes('/series?') && seriesRequests.push(req.url()));
    page.on('console', (msg) => msg.type() === 'warning' && warnings.push(msg.text()));
    await page.click(`#runs-table a[href$="/runs/${runId}"]`);
    await page.waitForURL(`**/runs/${runId}`);
    await expectChartsDrawn(page);
    expect(seriesRequests).toHaveLength(1);
    expect(await page.locator('link[rel=preload][as=fetch]').getAttribute('href')).toBe(
      new URL(seriesRequests[0] as string).pathname + new URL(seriesRequests[0] as string).search,
    );
    expect(warnings.filter((w) => w.includes('preload'))).toEqual([]);
    await expect(page.locator('#metrics-table tr').count()).resolves.toBeGreaterThan(3);
    await expect(page.locator('#artifacts-table a').count()).resolves.toBeGreaterThan(2);
    await page.screenshot({ path: join(SHOTS, 'run-detail.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('with the flag on, signs in, creates a run from the form and lands on its page', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors = watchErrors(page);
    await page.goto(`${server.url}/runs/new`);
    await page.fill('#login-form input[name=token]', TOKEN);
    await Promise.all([page.waitForURL('**/runs/new'), page.click('#login-form button[type=submit]')]);
    await page.selectOption('select[name=strategy]', 'sma-cross');
    await page.fill('input[name=name]', 'made in the browser');
    await page.fill('input[name=tags]', 'browser, web browser');
    await page.fill('input[name=since]', '2024-01-02T00:00:00Z');
    await page.fill('input[name=until]', '2024-01-08T00:00:00Z');
    await page.screenshot({ path: join(SHOTS, 'run-new-form.png'), fullPage: true });
    await page.click('#new-run-form button[type=submit]');
    await page.waitForURL(/\/runs\/run-[0-9a-f]{16}$/, { timeout: 60_000 });
    const newId = page.url().split('/').pop();
    expect(newId).not.toBe(runId);
    await expect(page.locator('h1').textContent()).resolves.toContain('made in the browser');
    // the form's tags reach the registry record (as a config's `tags:` do with `buff run build`)
    const tagged = (await (await fetch(`${server.url}/api/runs?tag=browser`)).json()) as { items: Array<any> };
    expect(tagged.items.map((r) => [r.id, r.tags])).toEqual([[newId, ['browser', 'web']]]);
    await expectChartsDrawn(page);
    await page.screenshot({ path: join(SHOTS, 'run-created.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('uploads a real CSV from the form (ingest rules, gaps allowed), builds on it and lands on the run', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/login?next=/runs/new`);
    await page.fill('#login-form input[name=token]', TOKEN);
    await Promise.all([page.waitForURL('**/runs/new'), page.click('#login-form button[type=submit]')]);
    await page.fill('input[name=name]', 'uploaded xrp-eth');
    await page.uncheck('input[name=symbols][value="BTC-USD"]');
    await page.setInputFiles('input[name=csv]', join(REAL_DATA_DIR, 'xrp_eth_1m.csv'));
    await page.fill('input[name=uploadSymbol]', 'XRP-ETH');
    await page.check('input[name=allowGaps]');
    await page.selectOption('select[name=timeframe]', '15m');
    await page.fill('input[name=since]', '2019-10-11T00:00:00Z');
    await page.fill('input[name=until]', '2019-10-13T11:00:00Z');
    await page.click('#new-run-form button[type=submit]');
    await page.waitForURL(/\/runs\/run-[0-9a-f]{16}$/, { timeout: 60_000 });
    await expect(page.locator('h1').textContent()).resolves.toContain('uploaded xrp-eth');
    await expectChartsDrawn(page);
    await expect(page.locator('#inputs-table').textContent()).resolves.toContain('XRP-ETH');
    await page.screenshot({ path: join(SHOTS, 'run-from-upload.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows a server-side validation error on the form and creates nothing', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/login?next=/runs/new`);
    await page.fill('#login-form input[name=token]', TOKEN);
    await Promise.all([page.waitForURL('**/runs/new'), page.click('#login-form button[type=submit]')]);
    await page.fill('input[name=since]', '2024-01-08T00:00:00Z');
    await page.fill('input[name=until]', '2024-01-02T00:00:00Z');
    await page.click('#new-run-form button[type=submit]');
    await page.locator('#form-error').waitFor({ state: 'visible', timeout: 15_000 });
    await expect(page.locator('#form-error').textContent()).resolves.toContain('INVALID_CONFIG');
    expect(page.url()).toMatch(/\/runs\/new$/);
    await page.screenshot({ path: join(SHOTS, 'run-new-error.png'), fullPage: true });
    await context.close();
  });

  it('with the flag off, /runs/new is 404', async () => {
    const page = await browser.newPage();
    const res = await page.goto(`${flagOff.url}/runs/new`);
    expect(res?.status()).toBe(404);
    await page.screenshot({ path: join(SHOTS, 'run-new-flag-off.png') });
    await page.close();
  });
});
