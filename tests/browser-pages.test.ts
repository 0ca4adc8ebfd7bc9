import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestCsv } from '@buff/ingest';
import { openModelRegistry } from '@buff/registry';
import { startServer, type RunningServer } from '@buff/server';
import { browserAvailable, expectNoHorizontalScroll, connectBrowser, watchErrors } from './helpers/browser.js';
import { REPO_ROOT } from './helpers/cli.js';
import { promotedFixture } from './helpers/model-fixture.js';
import { buildFixtureRun, call } from './helpers/server.js';
import { makeTempDir, REAL_DATA_DIR } from './helpers/tmp.js';

const SHOTS = join(REPO_ROOT, 'test-artifacts', 'screenshots');
const TOKEN = 'pages-token';
const WIDTHS = [1400, 390] as const;
const available = browserAvailable();

async function signIn(context: BrowserContext, url: string): Promise<void> {
  const page = await context.newPage();
  await page.goto(`${url}/login`);
  await page.fill('#login-form input[name=token]', TOKEN);
  await Promise.all([page.waitForURL('**/runs'), page.click('#login-form button[type=submit]')]);
  await page.close();
}

/**
 * A second champion for model `name`: the fixture's folder registered again with another model id
 * (the same weights, so its evaluation is the fixture's) and promoted, so that a rollback has
 * somewhere to go.
 */
async function promoteSecondVersion(modelsRoot: string, modelDir: string, name: string): Promise<number> {
  const copy = join(modelsRoot, '..', 'second-model');
  cpSync(modelDir, copy, { recursive: true });
  const card = JSON.parse(readFileSync(join(copy, 'model-card.json'), 'utf8'));
  const evaluation = JSON.parse(readFileSync(join(copy, 'evaluation.json'), 'utf8'));
  card.modelId = 'feedfacefeedface';
  writeFileSync(join(copy, 'model-card.json'), JSON.stringify(card));
  const registry = await openModelRegistry({ modelsRoot });
  try {
    const version = await registry.registerVersion(name, { sourceDir: copy, card, evaluation });
    await registry.promote(name, version, { actor: 'test', reason: 'second champion' });
    return version;
  } finally {
    await registry.close();
  }
}

describe.skipIf(!available)('models, datasets and compare pages in real Chromium', () => {
  const tmp = makeTempDir('buff-pages-');
  // the standalone server of `buff serve`: it answers unknown paths with the styled 404
  let server: RunningServer;
  let browser: Browser;
  let runA: string;
  let runB: string;
  let model: Awaited<ReturnType<typeof promotedFixture>>;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    model = await promotedFixture(tmp.dir, 'sig');
    await promoteSecondVersion(model.modelsRoot, model.modelDir, 'sig');
    const roots = { runsRoot: join(tmp.dir, 'runs'), dataRoot: model.dataRoot };
    mkdirSync(roots.runsRoot, { recursive: true });
    // real exchange bars with gaps, for the quality report and the gap timeline
    await ingestCsv(join(REAL_DATA_DIR, 'xrp_eth_1m.csv'), {
      symbol: 'XRP-ETH',
      allowGaps: true,
      dataRoot: model.dataRoot,
    });
    runA = await buildFixtureRun(roots, { name: 'sma 10/30' });
    runB = await buildFixtureRun(roots, {
      name: 'sma 5/20',
      strategy: { name: 'sma-cross', params: { fast: 5, slow: 20 } },
    });
    server = await startServer({ ...roots, modelsRoot: model.modelsRoot, adminToken: TOKEN, port: 0 });
    browser = await connectBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    tmp.cleanup();
  });

  it('every page fits 1400 and 390 px without horizontal scrolling or console errors, with the same nav', async () => {
    const pages: Array<[string, string, number]> = [
      ['models', '/models', 200],
      ['model', '/models/sig', 200],
      ['model-version', '/models/sig/v/1', 200],
      ['datasets', '/datasets', 200],
      ['dataset', `/datasets/${model.symbol}`, 200],
      ['dataset-gaps', '/datasets/XRP-ETH', 200],
      ['compare-picker', '/compare', 200],
      ['compare', `/compare?runs=${runA},${runB}`, 200],
      ['not-found', '/no/such/page', 404],
      ['login', '/login', 200],
    ];
    for (const width of WIDTHS) {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      for (const [shot, path, status] of pages) {
        const page = await context.newPage();
        const errors = watchErrors(page);
        const res = await page.goto(`${server.url}${path}`);
        expect(res?.status(), path).toBe(status);
        await expectNoHorizontalScroll(page, `${path} at ${width}px`);
        await expect(page.locator('header nav a').allTextContents()).resolves.toEqual(
          expect.arrayContaining(['Runs', 'Compare', 'Models', 'Datasets']),
        );
        await expect(page.locator('#sign-in').count()).resolves.toBe(1);
        await page.screenshot({ path: join(SHOTS, `${shot}-${width}.png`), fullPage: true });
        // a 404 document is itself the expected answer; anything else logged is a fault
        expect(
          errors.filter((e) => !(status === 404 && e.includes('404'))),
          path,
        ).toEqual([]);
        await page.close();
      }
      await context.close();
    }
  }, 400_000);

  it('follows a dark system setting: dark page, light text, plots drawn in the dark palette', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: 'dark' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/models/sig/v/1`);
    const colours = await page.evaluate(() => {
      const g = globalThis as any;
      const style = (el: unknown) => g.getComputedStyle(el);
      return {
        background: style(g.document.body).backgroundColor as string,
        text: style(g.document.body).color as string,
        line: style(g.document.querySelector('#training-loss polyline')).stroke as string,
      };
    });
    expect(colours).toEqual({ background: 'rgb(18, 21, 27)', text: 'rgb(227, 231, 238)', line: 'rgb(91, 155, 255)' });
    await page.screenshot({ path: join(SHOTS, 'model-version-dark-1400.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('compare, model and dataset plots take the dark palette, and switch with the system setting while open', async () => {
    // each page's plot elements and the colour (computed, after the scheme's CSS) of one property each
    const plots: Array<[string, string, Array<[string, string]>]> = [
      [
        'compare',
        `/compare?runs=${runA},${runB}`,
        [
          ['#equity-overlay svg.plot', 'backgroundColor'],
          ['#equity-overlay polyline.s1', 'stroke'],
          ['#equity-overlay text', 'fill'],
        ],
      ],
      [
        'model-version',
        '/models/sig/v/1',
        [
          ['#training-loss svg.plot', 'backgroundColor'],
          ['#training-loss polyline.s0', 'stroke'],
          ['#reliability-diagram', 'filter'],
        ],
      ],
      [
        'dataset',
        '/datasets/XRP-ETH',
        [
          ['#gap-timeline svg.plot', 'backgroundColor'],
          ['#gap-timeline rect.gap', 'fill'],
          ['#gap-timeline rect.covered', 'fill'],
        ],
      ],
    ];
    const light = ['rgb(255, 255, 255)', 'rgb(217, 119, 6)', 'rgb(102, 102, 102)'];
    const expected: Record<string, { light: string[]; dark: string[] }> = {
      compare: { light, dark: ['rgb(27, 31, 39)', 'rgb(245, 165, 36)', 'rgb(154, 163, 178)'] },
      'model-version': {
        light: ['rgb(255, 255, 255)', 'rgb(31, 111, 235)', 'none'],
        dark: ['rgb(27, 31, 39)', 'rgb(91, 155, 255)', 'invert(0.9) hue-rotate(180deg)'],
      },
      dataset: {
        light: ['rgb(255, 255, 255)', 'rgb(163, 0, 27)', 'rgb(31, 157, 85)'],
        dark: ['rgb(27, 31, 39)', 'rgb(255, 123, 138)', 'rgb(76, 194, 127)'],
      },
    };
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, colorScheme: 'light' });
    const errors = watchErrors(page);
    for (const [name, path, elements] of plots) {
      await page.emulateMedia({ colorScheme: 'light' });
      await page.goto(`${server.url}${path}`);
      const read = () =>
        page.evaluate(
          (els) =>
            els.map(([selector, property]) => {
              const el = (globalThis as any).document.querySelector(selector);
              return el ? ((globalThis as any).getComputedStyle(el)[property] as string) : `missing ${selector}`;
            }),
          elements,
        );
      expect(await read(), `${name} light`).toEqual(expected[name]?.light);
      // switched while the page is open: the same elements, now in the dark palette
      await page.emulateMedia({ colorScheme: 'dark' });
      expect(await read(), `${name} dark`).toEqual(expected[name]?.dark);
      await page.screenshot({ path: join(SHOTS, `${name}-dark-1400.png`), fullPage: true });
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows what the registry holds: versions, aliases, the evaluation behind a promotion, curves and reports', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}/models`);
    await expect(page.locator('#models-table').textContent()).resolves.toMatch(/sig.*2.*v2.*champion v2/s);
    await page.goto(`${server.url}/models/sig/v/1`);
    const evaluation = await page.locator('#evaluation-table').textContent();
    for (const label of ['Accuracy', 'Balanced accuracy', 'Log loss', 'Brier', 'ECE', 'majority', 'persistence'])
      expect(evaluation).toContain(label);
    expect(evaluation).toContain('0.6795'); // the fixture's test accuracy, from its evaluation.json
    await expect(page.locator('#confusion-matrix td').allTextContents()).resolves.toEqual(['476', '306', '234', '669']);
    await expect(page.locator('#training-loss polyline').count()).resolves.toBe(2);
    const loaded = await page
      .locator('#reliability-diagram')
      .evaluate((img) => (img as any).complete && (img as any).naturalWidth > 0);
    expect(loaded).toBe(true);
    await expect(page.locator('#model-card').textContent()).resolves.toContain(model.modelId);
    await page.close();
  });

  it('rolls the champion back from the form once signed in, and the audit log records it', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 900 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/models/sig`);
    await expect(page.locator('#rollback-sign-in').count()).resolves.toBe(1);
    await expect(page.locator('.rollback-form').count()).resolves.toBe(0);
    // without a session the POST is refused and nothing moves
    const refused = await call(`${server.url}/models/sig/rollback`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: 'alias=champion',
    });
    expect(refused.status).toBe(401);
    await signIn(context, server.url);
    await page.goto(`${server.url}/models/sig`);
    await expect(page.locator('#signed-in').count()).resolves.toBe(1);
    await page.fill('#rollback-champion input[name=reason]', 'v2 misbehaves live');
    await page.screenshot({ path: join(SHOTS, 'model-rollback-form-390.png'), fullPage: true });
    await Promise.all([page.waitForURL('**/models/sig'), page.click('#rollback-champion button[type=submit]')]);
    await expect(
      page.locator('#versions-table tr', { hasText: 'v1' }).locator('.badge.champion').count(),
    ).resolves.toBe(1);
    const last = await page.locator('#audit-table tbody tr').first().textContent();
    expect(last).toMatch(/rollback.*champion v2 → v1: v2 misbehaves live.*ui:admin@/s);
    await page.screenshot({ path: join(SHOTS, 'model-rolled-back-390.png'), fullPage: true });
    const registry = await openModelRegistry({ modelsRoot: model.modelsRoot });
    expect((await registry.resolve('sig', 'champion'))?.version).toBe(1);
    await registry.close();
    // nothing left to roll back to: no form, and a forced POST is refused with the registry's reason
    await expect(page.locator('.rollback-form').count()).resolves.toBe(0);
    expect(errors).toEqual([]);
    await page.click('#logout-form button[type=submit]');
    await page.waitForURL('**/runs');
    await expect(page.locator('#sign-in').count()).resolves.toBe(1);
    await context.close();
  });

  it('compares two runs picked on /compare: metrics with differences, equity overlay, config diff, same data', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors = watchErrors(page);
    await page.goto(`${server.url}/compare`);
    await page.check(`#compare-form input[value="${runA}"]`);
    await page.check(`#compare-form input[value="${runB}"]`);
    await Promise.all([page.waitForURL('**/compare?*'), page.click('#compare-form button[type=submit]')]);
    await expect(page.locator('#compared-runs li').count()).resolves.toBe(2);
    await expect(page.locator('#equity-overlay polyline').count()).resolves.toBe(2);
    const diff = await page.locator('#config-diff').textContent();
    expect(diff).toContain('strategy.params');
    expect(diff).toContain('name');
    await expect(page.locator('#same-data').textContent()).resolves.toContain('Same data');
    await expect(page.locator('#compare-metrics .delta').count()).resolves.toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'compare-flow-1400.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws one red mark per gap of real exchange data on the dataset timeline', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}/datasets/XRP-ETH`);
    const gaps = Number((await page.locator('#quality-facts').textContent())?.match(/Gaps(\d+)/)?.[1]);
    expect(gaps).toBeGreaterThan(0);
    await expect(page.locator('#gap-timeline rect.gap').count()).resolves.toBe(gaps);
    await expect(page.locator('#datasets-table').count()).resolves.toBe(0);
    await page.goto(`${server.url}/datasets`);
    await expect(page.locator('#datasets-table a').allTextContents()).resolves.toEqual(
      ['SIG-DRY', 'XRP-ETH', 'BTC-USD'].sort(),
    );
    await page.close();
  });

  it('downloads a dataset as CSV and Parquet, the same bars the store holds', async () => {
    const base = `${server.url}/datasets/${model.symbol}/download/1m`;
    const csv = await call(`${base}.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toContain(`${model.symbol}_1m.csv`);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe('timestamp,open,high,low,close,volume');
    expect(lines).toHaveLength(5760 + 1);
    const parquet = await fetch(`${base}.parquet`);
    expect(parquet.status).toBe(200);
    const bytes = new Uint8Array(await parquet.arrayBuffer());
    expect(Buffer.from(bytes.slice(0, 4)).toString()).toBe('PAR1');
    expect(Buffer.from(bytes.slice(-4)).toString()).toBe('PAR1');
    expect((await call(`${server.url}/datasets/${model.symbol}/download/7x.csv`)).status).toBe(404);
    const api = await call(`${server.url}/api/no-such-route`);
    expect(api.status).toBe(404);
    expect(api.body.code).toBe('NOT_FOUND');
  });
});
