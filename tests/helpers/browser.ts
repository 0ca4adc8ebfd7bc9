import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's Chromium (`apt-get install chromium`); a downloaded browser will not install here. */
export const CHROMIUM_PATH = process.env.BUFF_CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * True when Chromium can be launched. When it is missing: throws under BUFF_REQUIRE_BROWSER=1
 * (CI), otherwise warns loudly so the caller can skip.
 * @example const available = browserAvailable(); describe.skipIf(!available)('ui', ...)
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const message = `Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\``;
  if (process.env.BUFF_REQUIRE_BROWSER === '1') throw new Error(`${message} (BUFF_REQUIRE_BROWSER=1)`);
  console.warn(`\n!!! SKIPPING BROWSER TESTS: ${message} !!!\n`);
  return false;
}

/**
 * Launches headless Chromium through playwright-core.
 * @example const browser = await launchBrowser(); const page = await browser.newPage();
 */
export async function launchBrowser(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/**
 * Collects the page's console errors and uncaught page errors, from now on, into the returned array.
 * @example const errors = watchErrors(page); await page.goto(url); expect(errors).toEqual([]);
 */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

/**
 * Expects the page to fit its window: the document is no wider than the viewport (scrollWidth <=
 * innerWidth), so there is no horizontal page scroll. `label` names the page in the failure.
 * @example await expectNoHorizontalScroll(page, `/runs at ${width}px`);
 */
export async function expectNoHorizontalScroll(page: Page, label = page.url()): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: (globalThis as any).document.documentElement.scrollWidth as number,
    innerWidth: (globalThis as any).innerWidth as number,
  }));
  expect(scrollWidth, `${label}: page is ${scrollWidth} px wide in a ${innerWidth} px window`).toBeLessThanOrEqual(
    innerWidth,
  );
}
