import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@buff/core';
import { runDryRun, type ModelResolver } from '@buff/engine';
import type { ModelRegistry } from '@buff/registry';
import { parse } from 'yaml';
import { runBuilt } from './helpers/built-cli.js';
import { lastJson } from './helpers/cli.js';
import { candlesOf, type DryRunFixture, fakeCcxt, journalOf, rootFlags } from './helpers/dryrun.js';
import { dryConfigYaml, registryResolver } from './helpers/dryrun-setup.js';
import { startFakeBinance } from './helpers/fake-exchange.js';
import { promotedFixture } from './helpers/model-fixture.js';
import { makeTempDir } from './helpers/tmp.js';

// The FTMO daily loss floor resets at local midnight Europe/Prague on the days the clocks change:
// 2026-03-29 lasts 23 hours (its midnight is 22:00 UTC, CEST), 2026-10-25 lasts 25 hours (its
// midnight is 23:00 UTC, CET, 25 hours after the one before). The stored January bars of
// dryrun-logs (a losing evening with a 0.01% daily limit) are served by the fake Binance moved to
// those evenings, so the block starts in the afternoon and must hold until the local midnight,
// not an hour before or after it. Run times in a config carry their zone, so no local time in it
// can be ambiguous or missing: one without is refused.
const tmp = makeTempDir('buff-dryrun-dst-');
let fx: DryRunFixture;
let models: { resolveModel: ModelResolver; registry: ModelRegistry };
const BASE = { since: '2024-01-03T20:00:00Z', until: '2024-01-04T01:00:00Z' };
const tight = (yaml: string) =>
  yaml.replace('guardrails: { preset: ftmo-2step }', 'guardrails: { preset: ftmo-2step, maxDailyLossPct: 0.01 }');

beforeAll(async () => {
  fx = await promotedFixture(tmp.dir);
  models = await registryResolver(fx.modelsRoot);
}, 300_000);
afterAll(async () => {
  await models?.registry.close();
  tmp.cleanup();
});

interface LogLine {
  msg: string;
  ts?: string;
  sessionId?: string;
}

/** The January evening replayed from `since` (a ccxt session on the fake Binance): its journal and log lines. */
async function eveningFrom(since: string) {
  const shift = Date.parse(since) - Date.parse(BASE.since);
  const window = { since, until: new Date(Date.parse(BASE.until) + shift).toISOString() };
  const candles = await candlesOf(tight(dryConfigYaml([fx.symbol], BASE)), fx.dataRoot, shift);
  const fake = await startFakeBinance({ 'SIG/USDT': candles }, { now: () => Date.now() });
  const logs: LogLine[] = [];
  try {
    const result = await runDryRun({
      runsRoot: join(tmp.dir, 'runs'),
      dataRoot: fx.dataRoot,
      config: parse(tight(dryConfigYaml([fx.symbol], window))),
      feed: 'ccxt',
      ccxt: fakeCcxt(fake, fx.symbol, { pollMs: 1000, maxAttempts: 3, retryMs: 100 }),
      resolveModel: models.resolveModel,
      killSwitchOn: () => false,
      logger: createLogger({
        level: 'info',
        destination: { write: (line: string) => void logs.push(JSON.parse(line)) },
      }),
    });
    expect(result).toMatchObject({ status: 'completed', counts: { bars: 300, refused: 0 } });
    return { entries: journalOf(result.dir), logs, id: result.sessionId };
  } finally {
    await fake.close();
  }
}

/** The losing day's block: blocked before `midnight`, entries refused until it, lifted exactly at it. */
async function expectResetAt(since: string, midnight: number, wrongMidnight: number) {
  const { entries, logs, id } = await eveningFrom(since);
  for (const line of logs) expect(line.sessionId).toBe(id);
  const blocks = logs.filter((l) => l.msg === 'dry run: guardrail block').map((l) => Date.parse(l.ts as string));
  // the block starts before the wrong midnight too, so a reset there would show
  expect(blocks[0]).toBeLessThan(Math.min(midnight, wrongMidnight));
  const over = logs.filter((l) => l.msg === 'dry run: guardrail block over (new day)').map((l) => l.ts);
  expect(over).toEqual([new Date(midnight).toISOString()]);
  const entered = entries.filter(
    (e) => e.bar[0] > (blocks[0] as number) && e.bar[0] < midnight && /^(enter|reverse)/.test(e.signal?.action ?? ''),
  );
  expect(entered).toEqual([]);
  expect(entries.some((e) => e.guardrail === 'max_daily_loss' && e.bar[0] < midnight)).toBe(true);
  expect(entries.find((e) => e.bar[0] === midnight)?.guardrail).toBeUndefined();
}

describe('dry run: the daily loss floor on the days the clocks change (Europe/Prague)', () => {
  it('2026-03-29 (23 h): resets at 22:00 UTC (midnight CEST), not 23:00', async () => {
    await expectResetAt('2026-03-29T19:00:00Z', Date.parse('2026-03-29T22:00:00Z'), Date.parse('2026-03-29T23:00:00Z'));
  }, 300_000);

  it('2026-10-25 (25 h): resets at 23:00 UTC (midnight CET), not 22:00', async () => {
    await expectResetAt('2026-10-25T20:00:00Z', Date.parse('2026-10-25T23:00:00Z'), Date.parse('2026-10-25T22:00:00Z'));
  }, 300_000);

  it('a run time without its zone (02:30 on 2026-03-29 does not exist in Prague) is refused, not guessed', async () => {
    const r = await runBuilt(
      [
        'dryrun',
        '--model',
        'sig',
        '--symbol',
        fx.symbol,
        '--since',
        '2026-03-29T02:30:00',
        '--until',
        '2026-03-29T06:00:00Z',
      ].concat(rootFlags(join(tmp.dir, 'runs-zone'), fx), ['--json']),
    );
    expect(r.code, r.stderr).toBe(3);
    expect(lastJson(r.stdout)).toMatchObject({ code: 'INVALID_CONFIG', details: { key: 'window.since' } });
  }, 120_000);
});
