// vitest globalSetup of the `browser` project (vitest.config.ts): starts ONE headless Chromium for the
// whole run and provides its WebSocket endpoint; each browser test file connects to it
// (tests/helpers/browser.ts `connectBrowser`) instead of launching its own Chromium.
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumMissingMessage } from './browser-env.js';

/**
 * Starts the shared Chromium server; returns the teardown that stops it. Under BUFF_REQUIRE_BROWSER=1 a
 * missing Chromium fails the run here.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (!existsSync(CHROMIUM_PATH)) {
    if (process.env.BUFF_REQUIRE_BROWSER === '1')
      throw new Error(`${chromiumMissingMessage()} (BUFF_REQUIRE_BROWSER=1)`);
    project.provide('chromiumWsEndpoint', null);
    return undefined;
  }
  const { chromium } = await import('playwright-core');
  const server = await chromium.launchServer({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
  project.provide('chromiumWsEndpoint', server.wsEndpoint());
  return () => server.close();
}
