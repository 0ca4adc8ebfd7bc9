import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipcToColumns, listSessions, readJournalFrom, readSession } from '@buff/engine';
import { setKillSwitch } from '@buff/registry';
import { browserAvailable, expectNoHorizontalScroll, connectBrowser, watchErrors } from './helpers/browser.js';
import { lastJson, REPO_ROOT, runBuff } from './helpers/cli.js';
import { promotedFixture } from './helpers/model-fixture.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { makeTempDir, REAL_DATA_DIR } from './helpers/tmp.js';

// The dry-run pages in real Chromium: a session paced by --sleep-seconds runs in a child process;
// /dryrun lists it as running and /dryrun/<id> receives new bars through server-sent events while it
// runs (at 1400 and 390 px: no console error, no horizontal page scroll). A second, completed session
// replays a day of real candles (gaps, ftmo-2step blocks): its page's counts, guardrail state and kill
// switch arrive by SSE and equal what the engine recorded; turning the kill switch on stops the paced
// session, and its open page shows the switch and the stop without a reload.
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

/** `buff dryrun` of 2017-11-06 of the vendored real candles (gaps allowed at ingest), to completion. */
async function realDataSession(roots: string[]): Promise<string> {
  const [, runsRoot = '', , dataRoot = ''] = roots;
  const csv = join(REAL_DATA_DIR, 'unittest_btc_1m.csv');
  const ingest = await runBuff([
    'ingest',
    'csv',
    '--input',
    csv,
    '--symbol',
    'REAL-BTC',
    '--allow-gaps',
    '--data-root',
    dataRoot,
  ]);
  expect(ingest.code, ingest.stderr).toBe(0);
  const config = join(runsRoot, '..', 'real.yml');
  const yaml = [
    'name: real candles',
    'strategy: { name: model-signal, params: { model: { name: sig } } }',
    'symbols: [REAL-BTC]',
    'timeframe: 1m',
    'window: { since: "2017-11-06T00:00:00Z", until: "2017-11-07T00:00:00Z" }',
    'allowShort: true',
    'guardrails: { preset: ftmo-2step }',
  ];
  writeFileSync(config, `${yaml.join('\n')}\n`);
  const run = await runBuff(['dryrun', '--config', config, ...roots, '--json']);
  expect(run.code, run.stderr).toBe(0);
  return lastJson<{ sessionId: string }>(run.stdout).sessionId;
}

const text = (page: Page, selector: string) => page.locator(selector).textContent();

describe.skipIf(!available)('dry-run pages in real Chromium', () => {
  const tmp = makeTempDir('buff-browser-dryrun-');
  const runsRoot = join(tmp.dir, 'runs');
  let server: TestServer;
  let browser: Browser;
  let child: ChildProcess | undefined;
  let sessionId: string;
  let realId: string;
  let symbol: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const fx = await promotedFixture(tmp.dir);
    symbol = fx.symbol;
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
    // 480 bars at 0.3 s each: the session keeps running until the kill-switch test stops it
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
        '0.3',
        ...roots,
      ],
      { stdio: 'ignore', env: { ...process.env, BUFF_LOG_LEVEL: 'warn' } },
    );
    sessionId = await until('the session to start', () => listSessions(runsRoot)[0]?.id, 120_000);
    realId = await realDataSession(roots);
    server = await startTestServer({ runsRoot, dataRoot: fx.dataRoot });
    browser = await connectBrowser();
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
      // today's loss floor (ftmo-2step: 5 % of 100,000 below the balance at midnight Prague, 23:00 UTC in
      // January; the session starts that day flat, so 95,000), the equity and the distance, live
      const guard = page.locator(`#guardrail-state tbody tr[data-symbol="${symbol}"] td`);
      await guard.first().waitFor({ timeout: 60_000 });
      const cells = await guard.allTextContents();
      expect(cells.slice(0, 3)).toEqual([symbol, '2024-01-04 (Europe/Prague, from 2024-01-03T23:00Z)', '95000.00']);
      const [equity, distance] = [Number(cells[3]), Number.parseFloat(cells[4] ?? '')];
      expect(distance).toBeCloseTo(equity - 95_000, 1);
      expect(cells[4]).toMatch(/ % of the daily limit\)$/);
      expect(cells[5]).toBe('90000.00');
      await expectNoHorizontalScroll(page);
      await page.screenshot({ path: join(SHOTS, `dryrun-${width}.png`), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    }, 180_000);
  }

  it('shows the counts, guardrail blocks and kill switch of a completed session on real candles', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors = watchErrors(page);
    await page.goto(`${server.url}/dryrun/${realId}`);
    await page.waitForFunction(() => (globalThis as any).buffDryrun?.ended === true, null, { timeout: 60_000 });
    // what the engine recorded (session.json's counts, trades.arrow, the journal), read apart from the page's code
    const session = readSession(runsRoot, realId);
    const trades = ipcToColumns(readFileSync(join(runsRoot, 'dryrun', realId, 'trades.arrow'))).numRows;
    const blocked = readJournalFrom(runsRoot, realId).entries.filter((e) => e.guardrail);
    const last = blocked.at(-1);
    expect(session.counts).toMatchObject({ bars: 1414, refused: 0, gaps: 25 });
    expect(session.counts.signals).toBeGreaterThan(0);
    expect(trades).toBeGreaterThan(0);
    expect(last).toBeDefined();
    await expect(text(page, '#count-bars')).resolves.toBe('1414');
    await expect(text(page, '#count-gaps')).resolves.toBe('25');
    await expect(text(page, '#count-refused')).resolves.toBe('0');
    await expect(text(page, '#count-signals')).resolves.toBe(String(session.counts.signals));
    await expect(text(page, '#count-trades')).resolves.toBe(String(trades));
    expect(session.counts.guardrailBlocks).toBe(blocked.length);
    const rules = [...new Set(blocked.map((e) => e.guardrail))];
    const byRule = rules.map((r) => `${r}: ${blocked.filter((e) => e.guardrail === r).length}`).join(', ');
    await expect(text(page, '#guardrail-blocks')).resolves.toBe(byRule);
    const lastTs = new Date(last?.bar[0] ?? 0).toISOString().replace('.000Z', 'Z');
    await expect(text(page, '#guardrail-last')).resolves.toBe(
      `${last?.guardrail} at ${lastTs} (REAL-BTC, bar #${last?.seq})`,
    );
    await expect(text(page, '#kill-switch')).resolves.toBe('off');
    await expect(text(page, '#session-status')).resolves.toBe('completed');
    // the loss floor of the day the session ended in, worked out from equity.arrow apart from the engine's
    // monitor: the window ends 2017-11-07T00:00Z, an hour into the Prague day that began at 23:00 UTC
    // (CET), whose floor is the balance before that hour (the last row before 23:00) minus 5,000
    const eq = ipcToColumns(readFileSync(join(runsRoot, 'dryrun', realId, 'equity.arrow'))).columns;
    const col = (name: string) => Array.from((eq.get(name) as { values: ArrayLike<number> }).values, Number);
    const [ts, equity, balance] = [col('ts'), col('equity'), col('balance')];
    const midnight = Date.parse('2017-11-06T23:00:00Z');
    const before = ts.findLastIndex((t) => t < midnight);
    const floor = (balance[before] as number) - 5_000;
    const lastEquity = equity.at(-1) as number;
    const cells = await page.locator('#guardrail-state tbody tr[data-symbol="REAL-BTC"] td').allTextContents();
    expect(cells.slice(0, 4)).toEqual([
      'REAL-BTC',
      '2017-11-07 (Europe/Prague, from 2017-11-06T23:00Z)',
      floor.toFixed(2),
      lastEquity.toFixed(2),
    ]);
    expect(Number.parseFloat(cells[4] ?? '')).toBeCloseTo(lastEquity - floor, 1);
    await page.screenshot({ path: join(SHOTS, 'dryrun-real-1400.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('answers the API, and a 404 for an unknown session', async () => {
    const list = (await (await fetch(`${server.url}/api/dryrun`)).json()) as { sessions: Array<{ id: string }> };
    expect(list.sessions.map((s) => s.id).sort()).toEqual([sessionId, realId].sort());
    expect((await fetch(`${server.url}/api/dryrun/dry-0000000000000000`)).status).toBe(404);
    expect((await fetch(`${server.url}/dryrun/dry-0000000000000000/`)).status).toBe(404);
  });

  it('shows the kill switch turned on, and the session it stopped, live on the open page', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors = watchErrors(page);
    await page.goto(`${server.url}/dryrun/${sessionId}`);
    await page.waitForFunction(() => (globalThis as any).buffDryrun?.live != null, null, { timeout: 60_000 });
    await expect(text(page, '#kill-switch')).resolves.toBe('off');
    await expect(text(page, '#session-status')).resolves.toBe('running');
    const change = await setKillSwitch(runsRoot, { on: true, actor: 'browser-test', reason: 'page check' });
    expect(change.changed).toBe(true);
    // no reload: the stream brings the switch, then the session's stop
    await page.waitForFunction(
      () => /^ON since/.test((globalThis as any).document.querySelector('#kill-switch')?.textContent ?? ''),
      null,
      {
        timeout: 60_000,
      },
    );
    await expect(text(page, '#kill-switch')).resolves.toBe(
      `ON since ${change.state.changedAt} by browser-test: page check`,
    );
    await expect(page.locator('#kill-switch').getAttribute('class')).resolves.toBe('state state-on');
    await page.waitForFunction(
      () => (globalThis as any).document.querySelector('#session-status')?.textContent === 'stopped',
      null,
      {
        timeout: 60_000,
      },
    );
    await expect(text(page, '#stop-reason')).resolves.toBe(' · session: kill switch on');
    const stopped = readSession(runsRoot, sessionId);
    await page.waitForFunction(() => (globalThis as any).buffDryrun?.ended === true, null, { timeout: 60_000 });
    await expect(text(page, '#count-bars')).resolves.toBe(String(stopped.counts.bars));
    expect(stopped.counts.bars).toBeLessThan(480);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);
});
