import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, connectBrowser, watchErrors } from './helpers/browser.js';
import { REPO_ROOT } from './helpers/cli.js';
import { buildFixtureRun, makeRoots, startTestServer, type TestServer } from './helpers/server.js';

const SHOTS = join(REPO_ROOT, 'test-artifacts', 'screenshots');
const available = browserAvailable();

/** What the run page's charts paint: the equity chart's background pixel and candle colour counts. */
interface Painted {
  scheme: string | undefined;
  background: number[];
  colours: Record<string, number>;
}

/** Reads the chart canvases' pixels (lightweight-charts draws into 2d canvases). */
async function painted(page: Page): Promise<Painted> {
  return page.evaluate(() => {
    const doc = (globalThis as any).document;
    const canvases = (id: string): any[] => [...doc.querySelectorAll(`#${id} canvas`)];
    const biggest = canvases('equity-chart').sort((a, b) => b.width * b.height - a.width * a.height)[0];
    const background = [...biggest.getContext('2d').getImageData(2, 2, 1, 1).data].slice(0, 3) as number[];
    const colours: Record<string, number> = {};
    for (const canvas of canvases('price-chart')) {
      if (canvas.width === 0 || canvas.height === 0) continue;
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] !== 255) continue;
        const hex = `#${[data[i], data[i + 1], data[i + 2]].map((v: number) => v.toString(16).padStart(2, '0')).join('')}`;
        colours[hex] = (colours[hex] ?? 0) + 1;
      }
    }
    return { scheme: doc.getElementById('run-charts').dataset.chartScheme, background, colours };
  });
}

// The run page's charts follow the system colour scheme (prefers-color-scheme), in real Chromium.
describe.skipIf(!available)('run page charts in dark mode (Chromium)', () => {
  const roots = makeRoots('buff-browser-dark-');
  let server: TestServer;
  let browser: Browser;
  let runId: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    runId = await buildFixtureRun(roots, { name: 'dark mode run' });
    server = await startTestServer({ runsRoot: roots.runsRoot, dataRoot: roots.dataRoot });
    browser = await connectBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    roots.cleanup();
  });

  /** The run page drawn under a colour scheme; what its charts painted. */
  async function drawnIn(colorScheme: 'light' | 'dark'): Promise<Painted> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, colorScheme });
    const errors = watchErrors(page);
    expect((await page.goto(`${server.url}/runs/${runId}`))?.status()).toBe(200);
    await page.waitForFunction(
      () => Boolean((globalThis as any).buffCharts?.drawn || (globalThis as any).buffCharts?.error),
      null,
      {
        timeout: 60_000,
      },
    );
    expect(await page.evaluate(() => (globalThis as any).buffCharts)).toEqual({ drawn: true, error: null });
    const result = await painted(page);
    await page.screenshot({ path: join(SHOTS, `run-page-${colorScheme}.png`), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
    return result;
  }

  it('charts are dark with light-on-dark series colours under prefers-color-scheme: dark, and differ from light', async () => {
    const light = await drawnIn('light');
    const dark = await drawnIn('dark');
    expect(light.scheme).toBe('light');
    expect(dark.scheme).toBe('dark');
    expect(light.background).toEqual([255, 255, 255]);
    // the dark chart background is the dark page's panel colour (#1b1f27), not white
    expect(dark.background).toEqual([0x1b, 0x1f, 0x27]);
    // candles in the scheme's own up/down colours, and none in the other scheme's
    const candles = (p: Painted, up: string, down: string) => (p.colours[up] ?? 0) + (p.colours[down] ?? 0);
    expect(candles(light, '#1f9d55', '#cc1f1a')).toBeGreaterThan(100);
    expect(candles(dark, '#4cc27f', '#ff6b6b')).toBeGreaterThan(100);
    expect(candles(dark, '#1f9d55', '#cc1f1a')).toBe(0);
    expect(candles(light, '#4cc27f', '#ff6b6b')).toBe(0);
  }, 120_000);

  it('repaints the charts in the other palette when the system scheme changes while the page is open', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, colorScheme: 'light' });
    const errors = watchErrors(page);
    await page.goto(`${server.url}/runs/${runId}`);
    await page.waitForFunction(() => Boolean((globalThis as any).buffCharts?.drawn), null, { timeout: 60_000 });
    const candles = (p: Painted, up: string, down: string) => (p.colours[up] ?? 0) + (p.colours[down] ?? 0);
    /** Switches the emulated scheme and waits until the charts say they repainted in it. */
    async function switchTo(colorScheme: 'light' | 'dark'): Promise<Painted> {
      await page.emulateMedia({ colorScheme });
      await page.waitForFunction(
        (scheme) => (globalThis as any).document.getElementById('run-charts').dataset.chartScheme === scheme,
        colorScheme,
        { timeout: 30_000 },
      );
      return painted(page);
    }
    const light = await painted(page);
    expect(light.background).toEqual([255, 255, 255]);
    const dark = await switchTo('dark');
    expect(dark.scheme).toBe('dark');
    // the same canvases, repainted: dark background, dark-palette candles, none left in the light ones
    expect(dark.background).toEqual([0x1b, 0x1f, 0x27]);
    expect(candles(dark, '#4cc27f', '#ff6b6b')).toBeGreaterThan(100);
    expect(candles(dark, '#1f9d55', '#cc1f1a')).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'run-page-switched-dark.png'), fullPage: true });
    const back = await switchTo('light');
    expect(back.background).toEqual([255, 255, 255]);
    expect(candles(back, '#1f9d55', '#cc1f1a')).toBeGreaterThan(100);
    expect(candles(back, '#4cc27f', '#ff6b6b')).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
