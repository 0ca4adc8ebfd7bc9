import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

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
