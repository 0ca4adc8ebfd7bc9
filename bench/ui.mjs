// Browser benchmark of the run page (issue 15): a 30-day 1m run (43,200 bars, synthetic, seeded)
// opened in real Chromium, as served (series downsampled on the server to the chart's width and
// compressed) against the reference in the same run (every bar, no compression: the series request
// rewritten to points=200000 with accept-encoding: identity). Prints a markdown section: series
// bytes on the wire and time from navigation until the charts are drawn, median of BENCH_UI_ROUNDS
// (default 5) alternating rounds. BENCH_UI_DAYS changes the run's length.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { chromium } from 'playwright-core';
import { buildRun, parseRunConfig } from '@buff/engine';
import { openRunRegistry } from '@buff/registry';
import { createBuffRouter } from '@buff/server';

const DAYS = Number(process.env.BENCH_UI_DAYS ?? 30);
const ROUNDS = Number(process.env.BENCH_UI_ROUNDS ?? 5);
const WIDTH = 1400;
const root = mkdtempSync(join(tmpdir(), 'buff-bench-ui-'));
const runsRoot = join(root, 'runs');
const dataRoot = join(root, 'data');

async function buildBenchRun() {
  const since = Date.parse('2024-01-01T00:00:00Z');
  const config = parseRunConfig({
    name: `bench ui ${DAYS}d 1m`,
    strategy: { name: 'sma-cross', params: { fast: 20, slow: 120 } },
    symbols: ['BTC-USD'],
    timeframe: '1m',
    window: { since: new Date(since).toISOString(), until: new Date(since + DAYS * 86_400_000).toISOString() },
    data: { provider: 'synthetic', synthetic: { seed: 7, signal: 0.3 } },
    guardrails: { preset: 'ftmo-2step' },
  });
  const registry = await openRunRegistry({ runsRoot, create: true });
  try {
    return (await buildRun(config, { runStore: registry, dataRoot })).runId;
  } finally {
    await registry.close();
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Opens the run page once; returns series bytes on the wire and ms until the charts are drawn. */
async function openOnce(browser, base, reference) {
  const url = `${reference ? base.reference : base.served}/runs/${base.runId}`;
  const context = await browser.newContext({ viewport: { width: WIDTH, height: 900 } });
  const page = await context.newPage();
  if (reference)
    await page.route('**/series?*', (route) => {
      const u = new URL(route.request().url());
      u.searchParams.set('points', '200000');
      return route.continue({
        url: u.toString(),
        headers: { ...route.request().headers(), 'accept-encoding': 'identity' },
      });
    });
  const seriesResponse = page.waitForResponse((res) => res.url().includes('/series?'), { timeout: 120_000 });
  const started = Date.now();
  await page.goto(url);
  await page.waitForFunction(() => globalThis.buffCharts?.drawn || globalThis.buffCharts?.error, null, {
    timeout: 120_000,
    polling: 'raf',
  });
  const ms = Date.now() - started;
  const state = await page.evaluate(() => globalThis.buffCharts);
  if (process.env.BENCH_UI_TRACE)
    console.error(
      await page.evaluate(() =>
        JSON.stringify({
          now: performance.now(),
          nav: performance
            .getEntriesByType('navigation')
            .map((e) => [e.responseStart, e.responseEnd, e.domContentLoadedEventEnd]),
          res: performance
            .getEntriesByType('resource')
            .map((e) => [e.name.slice(-40), Math.round(e.startTime), Math.round(e.responseEnd)]),
        }),
      ),
    );
  if (state.error) throw new Error(`charts failed: ${state.error}`);
  const response = await seriesResponse;
  const sizes = await response.request().sizes();
  const encoding = (await response.allHeaders())['content-encoding'] ?? 'identity';
  const body = await response.body();
  await context.close();
  return { ms, wire: sizes.responseBodySize + sizes.responseHeadersSize, json: body.length, encoding };
}

const runId = await buildBenchRun();
const router = createBuffRouter({ runsRoot, dataRoot });
// the reference: the same router, but every request says it accepts no compression
const servedApp = express().use(router);
const referenceApp = express()
  .use((req, _res, next) => {
    req.headers['accept-encoding'] = 'identity';
    next();
  })
  .use(router);
const listen = (app) =>
  new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
const servers = [await listen(servedApp), await listen(referenceApp)];
const origin = (s) => `http://127.0.0.1:${s.address().port}`;
const url = { served: origin(servers[0]), reference: origin(servers[1]), runId };
const browser = await chromium.launch({
  executablePath: process.env.BUFF_CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
try {
  // warm-up of both: registry open, JIT; the run's full series is then cached by the router for both
  await openOnce(browser, url, true);
  await openOnce(browser, url, false);
  const served = [];
  const reference = [];
  for (let i = 0; i < ROUNDS; i++) {
    reference.push(await openOnce(browser, url, true));
    served.push(await openOnce(browser, url, false));
  }
  const row = (name, rs) =>
    `| ${name} | ${rs[0].encoding} | ${(median(rs.map((r) => r.json)) / 1e6).toFixed(2)} MB | ${(median(rs.map((r) => r.wire)) / 1e6).toFixed(3)} MB | ${median(rs.map((r) => r.ms))} ms | ${rs.map((r) => r.ms).join(', ')} |`;
  const wireRatio = median(reference.map((r) => r.wire)) / median(served.map((r) => r.wire));
  const timeRatio = median(reference.map((r) => r.ms)) / median(served.map((r) => r.ms));
  const servedWire = median(served.map((r) => r.wire)) / 1e6;
  const servedMs = median(served.map((r) => r.ms));
  console.log(`## UI: run page of a ${DAYS}-day 1m run in Chromium (issue 15, bench/ui.mjs)

${DAYS * 1440} bars of synthetic BTC-USD (seed 7), sma-cross 20/120, ftmo-2step guardrails; a ${WIDTH} px window; median of ${ROUNDS} alternating rounds after one warm-up. Time: navigation start until the three charts are drawn (\`window.buffCharts.drawn\`).

| series as | encoding | JSON | on the wire | charts ready | rounds (ms) |
| --- | --- | ---: | ---: | ---: | --- |
${row('reference: every bar, uncompressed', reference)}
${row('served: downsampled to the chart width, compressed', served)}

Series on the wire: ${servedWire.toFixed(3)} MB (target < 2 MB: ${servedWire < 2 ? 'met' : 'NOT met'}), ${wireRatio.toFixed(0)}x less than the reference; charts ready in ${servedMs} ms (target < 1.5 s: ${servedMs < 1500 ? 'met' : 'NOT met'}), ${timeRatio.toFixed(1)}x faster. Load average at the end: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')}.`);
} finally {
  await browser.close();
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await router.close();
  rmSync(root, { recursive: true, force: true });
}
