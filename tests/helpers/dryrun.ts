import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { decodeLines, modelIdOf } from '@buff/core';
import { feedBars, parseRunConfig, type CcxtFeedSettings, type JournalEntry } from '@buff/engine';
import { openModelRegistry } from '@buff/registry';
import { parse } from 'yaml';
import { runBuilt } from './built-cli.js';
import { lastJson } from './cli.js';
import type { FakeBinance, FakeCandle } from './fake-exchange.js';
import type { promotedFixture } from './model-fixture.js';

// What the dry-run tests share: the roots flags of a fixture, the journal of a session folder, the
// stored bars of a config as fake-exchange candles, ccxt settings pointing at the fake Binance, and
// `buff dryrun` through the built bundle, a second version of the fixture's model.

export type DryRunFixture = Awaited<ReturnType<typeof promotedFixture>>;

/** `--runs-root R --data-root D --models-root M` for a fixture. */
export function rootFlags(runsRoot: string, fx: DryRunFixture): string[] {
  return ['--runs-root', runsRoot, '--data-root', fx.dataRoot, '--models-root', fx.modelsRoot];
}

/** The journal lines of the session in `dir` (runs/dryrun/<id>). */
export function journalOf(dir: string): JournalEntry[] {
  return decodeLines<JournalEntry>(readFileSync(join(dir, 'signals.journal'))).entries;
}

/**
 * The stored bars `yaml`'s window replays, as fake-exchange candles; `shiftMs` moves every bar in
 * time (the prices stay), `edit` changes one candle (a bad bar).
 */
export async function candlesOf(
  yaml: string,
  dataRoot: string,
  shiftMs = 0,
  edit?: (candle: FakeCandle, i: number) => FakeCandle,
): Promise<FakeCandle[]> {
  const bars = await feedBars('replay', parseRunConfig(parse(yaml)), dataRoot);
  return Array.from(bars.ts, (ts, i) => {
    const candle = {
      ts: ts + shiftMs,
      open: bars.open[i] as number,
      high: bars.high[i] as number,
      low: bars.low[i] as number,
      close: bars.close[i] as number,
      volume: bars.volume[i] as number,
    };
    return edit ? edit(candle, i) : candle;
  });
}

/** A ccxt feed on the fake Binance for `symbol` (market SIG/USDT). */
export function fakeCcxt(
  fake: FakeBinance,
  symbol: string,
  polling: { pollMs: number; maxAttempts: number; retryMs: number },
): CcxtFeedSettings {
  return {
    exchange: 'binance',
    urls: { public: fake.apiUrl },
    options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, fetchMargins: false },
    markets: { [symbol]: 'SIG/USDT' },
    ...polling,
  };
}

/** `buff ARGS ROOTS [--json]` through the built bundle; exit 0 asserted; the --json result. */
export async function builtBuff(
  args: string[],
  roots: string[],
  options: { json?: boolean; env?: Record<string, string> } = {},
): Promise<{ out: Record<string, unknown>; stdout: string; stderr: string }> {
  const json = options.json ?? true;
  const r = await runBuilt([...args, ...roots, ...(json ? ['--json'] : [])], options.env ? { env: options.env } : {});
  expect(r.code, r.stderr).toBe(0);
  return { out: json ? lastJson(r.stdout) : {}, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Version 2 of the fixture's model `sig`: its weights with a flatter calibration (temperature x4,
 * so another model id: its probabilities and tiers differ from v1's), registered, and promoted to
 * champion when `promotedBecause` is given.
 */
export async function registerSecondVersion(
  fx: DryRunFixture,
  dir: string,
  promotedBecause?: string,
): Promise<{ version: number; modelId: string }> {
  const copy = join(dir, 'v2-model');
  cpSync(fx.modelDir, copy, { recursive: true });
  const card = JSON.parse(readFileSync(join(copy, 'model-card.json'), 'utf8'));
  const evaluation = JSON.parse(readFileSync(join(copy, 'evaluation.json'), 'utf8'));
  card.calibration.temperature *= 4;
  card.modelId = modelIdOf(card);
  writeFileSync(join(copy, 'model-card.json'), JSON.stringify(card));
  const registry = await openModelRegistry({ modelsRoot: fx.modelsRoot });
  try {
    const version = await registry.registerVersion('sig', { sourceDir: copy, card, evaluation });
    if (promotedBecause) await registry.promote('sig', version, { actor: 'test', reason: promotedBecause });
    return { version, modelId: card.modelId as string };
  } finally {
    await registry.close();
  }
}
