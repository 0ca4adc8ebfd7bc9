import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumMissingMessage } from './browser-env.js';

export { CHROMIUM_PATH };

/**
 * True when Chromium is there: the shared one started by the browser project's globalSetup
 * (tests/helpers/browser-server.ts), or, for a file run outside that project, the installed binary.
 * When it is missing: throws under BUFF_REQUIRE_BROWSER=1 (CI), otherwise warns loudly so the caller
 * can skip.
 * @example const available = browserAvailable(); describe.skipIf(!available)('ui', ...)
 */
export function browserAvailable(): boolean {
  const endpoint = inject('chromiumWsEndpoint');
  if (endpoint || (endpoint === undefined && existsSync(CHROMIUM_PATH))) return true;
  if (process.env.BUFF_REQUIRE_BROWSER === '1') throw new Error(`${chromiumMissingMessage()} (BUFF_REQUIRE_BROWSER=1)`);
  console.warn(`\n!!! SKIPPING BROWSER TESTS: ${chromiumMissingMessage()} !!!\n`);
  return false;
}

/**
 * A connection of this test file to the run's shared Chromium; its pages and contexts are this file's
 * own, and `close()` ends only the connection. Outside the browser project (no shared Chromium) it
 * launches a Chromium of its own, which `close()` stops.
 * @example const browser = await connectBrowser(); const page = await browser.newPage();
 */
export async function connectBrowser(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  const endpoint = inject('chromiumWsEndpoint');
  if (endpoint) return chromium.connect(endpoint, { timeout: 60_000 });
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
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
