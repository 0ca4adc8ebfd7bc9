import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listSessions } from '@buff/engine';
import { browserAvailable, expectNoHorizontalScroll, launchBrowser, watchErrors } from './helpers/browser.js';
import { REPO_ROOT } from './helpers/cli.js';
import { promotedFixture } from './helpers/model-fixture.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { makeTempDir } from './helpers/tmp.js';

// The dry-run pages in real Chromium: a session paced by --sleep-seconds runs in a child process;
// /dryrun lists it as running and /dryrun/<id> receives new bars through server-sent events while it
// runs (at 1400 and 390 px: no console error, no horizontal page scroll).
const SHOTS = join(REPO_ROOT, 'test-artifacts');
const available = browserAvailable();

async function until<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.skipIf(!available)('dry-run pages in real Chromium', () => {
  const tmp = makeTempDir('buff-browser-dryrun-');
  const runsRoot = join(tmp.dir, 'runs');
  let server: TestServer;
  let browser: Browser;
  let child: ChildProcess | undefined;
  let sessionId: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const fx = await promotedFixture(tmp.dir);
    const configPath = join(tmp.dir, 'dry.yml');
    const yaml = [
      'name: dry run page',
      'strategy: { name: model-signal, params: { model: { name: sig } } }',
      `symbols: [${fx.symbol}]`,
      'timeframe: 1m',
      'window: { since: "2024-01-04T00:00:00Z", until: "2024-01-04T08:00:00Z" }',
      'allowShort: true',
      'guardrails: { preset: ftmo-2step }',
    ];
    writeFileSync(configPath, `${yaml.join('\n')}\n`);
    const roots = ['--runs-root', runsRoot, '--data-root', fx.dataRoot, '--models-root', fx.modelsRoot];
    // 480 bars at 0.15 s each: the session keeps running for the whole test (killed in afterAll)
    child = spawn(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs'),
        join(REPO_ROOT, 'packages/cli/src/bin.ts'),
        'dryrun',
        '--config',
        configPath,
        '--feed',
        'replay',
        '--sleep-seconds',
        '0.15',
        ...roots,
      ],
      { stdio: 'ignore', env: { ...process.env, BUFF_LOG_LEVEL: 'warn' } },
    );
    sessionId = await until('the session to start', () => listSessions(runsRoot)[0]?.id, 120_000);
    server = await startTestServer({ runsRoot, dataRoot: fx.dataRoot });
    browser = await launchBrowser();
  }, 600_000);
  afterAll(async () => {
    child?.kill('SIGKILL');
    await browser?.close();
    await server?.close();
    tmp.cleanup();
  });

  for (const width of [1400, 390]) {
    it(`lists the running session and its page receives new bars by SSE at ${width} px`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      const errors = watchErrors(page);
      expect((await page.goto(`${server.url}/dryrun`))?.status()).toBe(200);
      const row = page.locator(`#sessions-table tr[data-session-id="${sessionId}"]`);
      await expect(row.locator('.state').textContent()).resolves.toBe('running');
      await row.locator('a').click();
      await page.waitForURL(`**/dryrun/${sessionId}`);
      const bars = () => page.evaluate(() => ((globalThis as any).buffDryrun?.bars ?? 0) as number);
      await page.waitForFunction(() => ((globalThis as any).buffDryrun?.bars ?? 0) > 0, null, { timeout: 60_000 });
      const seen = await bars();
      // new bars arrive while the page stays open (no reload): the stream is live
      await page.waitForFunction((n) => ((globalThis as any).buffDryrun?.bars ?? 0) > n + 2, seen, {
        timeout: 60_000,
      });
      await expect(page.locator('#bars-table tbody tr').count()).resolves.toBeGreaterThan(2);
      await expect(page.locator('#stream-state').textContent()).resolves.toBe('live');
      await expect(page.locator('#bars-table tbody tr td').nth(1).textContent()).resolves.toMatch(/^2024-01-04T/);
      await expectNoHorizontalScroll(page);
      await page.screenshot({ path: join(SHOTS, `dryrun-${width}.png`), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    }, 180_000);
  }

  it('answers the API, and a 404 for an unknown session', async () => {
    const list = (await (await fetch(`${server.url}/api/dryrun`)).json()) as { sessions: Array<{ id: string }> };
    expect(list.sessions.map((s) => s.id)).toEqual([sessionId]);
    expect((await fetch(`${server.url}/api/dryrun/dry-0000000000000000`)).status).toBe(404);
    expect((await fetch(`${server.url}/dryrun/dry-0000000000000000/`)).status).toBe(404);
  });
});
