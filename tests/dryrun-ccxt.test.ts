import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDryRun, type ModelResolver } from '@buff/engine';
import type { ModelRegistry } from '@buff/registry';
import { parse } from 'yaml';
import { candlesOf, type DryRunFixture, fakeCcxt, journalOf, rootFlags } from './helpers/dryrun.js';
import { backtestBytes, dryConfigYaml, registryResolver } from './helpers/dryrun-setup.js';
import { startFakeBinance, type FakeBinance, type FakeCandle } from './helpers/fake-exchange.js';
import { runBuilt } from './helpers/built-cli.js';
import { lastJson } from './helpers/cli.js';
import { promotedFixture } from './helpers/model-fixture.js';
import { makeTempDir } from './helpers/tmp.js';

// The ccxt feed through ccxt's real binance class, pointed at a local HTTP server that answers
// Binance's REST shape: closed bars only, dedupe, refused and gap bars counted, bounded retries,
// and a clean feed gives the bytes of `buff run build` of the same window.
const tmp = makeTempDir('buff-dryrun-ccxt-');
let fx: DryRunFixture;
let models: { resolveModel: ModelResolver; registry: ModelRegistry };
let candles: FakeCandle[];
let backtest: { decisions: Buffer; trades: Buffer };
const yaml = () => dryConfigYaml([fx.symbol]);
const since = Date.parse('2024-01-04T00:00:00Z');

beforeAll(async () => {
  fx = await promotedFixture(tmp.dir);
  backtest = await backtestBytes(tmp.dir, yaml(), rootFlags(join(tmp.dir, 'runs'), fx));
  candles = await candlesOf(yaml(), fx.dataRoot);
  models = await registryResolver(fx.modelsRoot);
}, 300_000);
afterAll(async () => {
  await models?.registry.close();
  tmp.cleanup();
});

/** A session on the fake exchange whose clock starts 4 h into the window and moves only when the feed waits. */
async function session(fake: FakeBinance, clock: { t: number }, extra: Record<string, unknown> = {}) {
  return runDryRun({
    runsRoot: join(tmp.dir, 'runs'),
    dataRoot: fx.dataRoot,
    config: parse(yaml()),
    feed: 'ccxt',
    ccxt: fakeCcxt(fake, fx.symbol, { pollMs: 600_000, maxAttempts: 3, retryMs: 1000 }),
    clock: { now: () => clock.t, wait: async (ms) => void (clock.t += ms) },
    resolveModel: models.resolveModel,
    killSwitchOn: () => false,
    ...extra,
  });
}

describe('dry run on a ccxt feed (fake Binance over HTTP)', () => {
  it('polls closed bars only, resumes with --session, and equals buff run build byte for byte', async () => {
    const clock = { t: since + 4 * 3_600_000 + 30_000 };
    const fake = await startFakeBinance({ 'SIG/USDT': candles }, { now: () => clock.t });
    try {
      fake.failures.push(503, 503); // two outages: retried, then served
      const first = await session(fake, clock, { iterations: 300 });
      expect(first.status).toBe('stopped');
      const rest = await session(fake, clock, { session: first.sessionId, config: undefined });
      expect(rest.status).toBe('completed');
      expect(rest.counts).toMatchObject({ bars: 480, used: 480, refused: 0, gaps: 0 });
      const entries = journalOf(rest.dir);
      expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 480 }, (_, i) => i));
      // the forming candle (close moved 1 %) was served but never used: every bar is the closed one
      expect(entries.map((e) => e.bar[4])).toEqual(candles.map((c) => c.close));
      expect(fake.requests.filter((r) => r.includes('/klines')).length).toBeGreaterThan(20);
      expect(readFileSync(join(rest.dir, 'decisions.arrow')).equals(backtest.decisions)).toBe(true);
      expect(readFileSync(join(rest.dir, 'trades.arrow')).equals(backtest.trades)).toBe(true);
    } finally {
      await fake.close();
    }
  }, 300_000);

  it('refuses and counts a repeated and a bad bar, counts a hole the exchange cannot fill as a gap', async () => {
    const served = candles.filter((_, i) => i !== 300).map((c, i) => (i === 200 ? { ...c, high: c.open - 1 } : c));
    const clock = { t: since + 4 * 3_600_000 + 30_000 };
    const fake = await startFakeBinance({ 'SIG/USDT': served }, { now: () => clock.t });
    try {
      fake.repeats.add(candles[100]?.ts as number);
      const r = await session(fake, clock);
      expect(r.status).toBe('completed');
      expect(r.counts).toMatchObject({ bars: 480, refused: 2, gaps: 2 });
      const refused = journalOf(r.dir).filter((e) => e.refused);
      expect(refused.map((e) => [e.bar[0], e.refused])).toEqual([
        [candles[100]?.ts, 'DUPLICATE_TIMESTAMP'],
        [candles[200]?.ts, 'HIGH_BELOW_OPEN_CLOSE'],
      ]);
    } finally {
      await fake.close();
    }
  }, 300_000);

  it('an exchange that keeps failing stops the session with PROVIDER_UNAVAILABLE after the bounded retries', async () => {
    const clock = { t: since + 3_600_000 };
    const fake = await startFakeBinance({ 'SIG/USDT': candles }, { now: () => clock.t });
    try {
      fake.failures.push(...Array.from({ length: 10 }, () => 503));
      const failed = await session(fake, clock).catch((err: unknown) => err as { code: string; message: string });
      expect(failed).toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
      expect((failed as { message: string }).message).toMatch(
        /ccxt binance fetchOHLCV SIG\/USDT failed 3 times: ExchangeNotAvailable/,
      );
      expect(fake.failures.length).toBe(7);
    } finally {
      await fake.close();
    }
  }, 120_000);

  it('the built buff (code cache on) runs a ccxt session from its config and equals buff run build', async () => {
    const fake = await startFakeBinance({ 'SIG/USDT': candles }, { now: () => Date.now() });
    try {
      const path = join(tmp.dir, 'ccxt.yml');
      const ccxt = fakeCcxt(fake, fx.symbol, { pollMs: 1000, maxAttempts: 3, retryMs: 100 });
      writeFileSync(path, `${yaml()}\ndryrun: ${JSON.stringify({ feed: 'ccxt', ccxt })}\n`);
      const r = await runBuilt(['dryrun', '--config', path, ...rootFlags(join(tmp.dir, 'runs'), fx), '--json']);
      expect(r.code, r.stderr + r.stdout).toBe(0);
      const result = lastJson<{ status: string; dir: string; counts: { bars: number; refused: number } }>(r.stdout);
      expect(result.status).toBe('completed');
      expect(result.counts).toMatchObject({ bars: 480, refused: 0 });
      expect(readFileSync(join(result.dir, 'decisions.arrow')).equals(backtest.decisions)).toBe(true);
      expect(readFileSync(join(result.dir, 'trades.arrow')).equals(backtest.trades)).toBe(true);
      expect(fake.requests.some((q) => q.includes('/klines'))).toBe(true);
    } finally {
      await fake.close();
    }
  }, 300_000);
});
