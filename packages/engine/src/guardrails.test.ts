import { describe, expect, it } from 'vitest';
import { simulate } from './simulate.js';
import { ACTIONS, GUARDRAIL, GUARDRAIL_CODES } from './run-columns.js';
import { GuardrailMonitor } from './guardrail-monitor.js';
import { GUARDRAIL_PRESETS, type ResolvedGuardrails } from './guardrails-config.js';
import { computeMetrics } from './metrics.js';
import { makeBars, scriptedStrategy, simulationInput, HOUR } from './test-support/bars.js';
import type { Direction } from './strategy.js';

const rowsOf = (r: ReturnType<typeof simulate>) =>
  Array.from(r.decisions.action, (a, i) => ({
    ts: new Date(r.decisions.ts[i] as number).toISOString(),
    symbol: r.decisions.symbols[r.decisions.symbol[i] as number],
    action: ACTIONS[a],
    guardrail: GUARDRAIL_CODES[r.decisions.guardrail[i] as number],
    reason: r.decisions.reasons[r.decisions.reason[i] as number],
  }));

describe('a scenario built to lose fast', () => {
  // Price falls 1% per hour for 5 days; a strategy that flips long/flat every hour keeps re-entering.
  const n = 24 * 5;
  const closes = Array.from({ length: n }, (_, i) => 100 * 0.99 ** (i + 1));
  const opens = closes.map((c) => c / 0.99);
  const bars = makeBars(opens, closes);
  const flipper = scriptedStrategy([(ts) => ((ts / HOUR) % 2 === 0 ? 1 : 0) as Direction]);
  const guarded = simulate(
    simulationInput({ bars: [bars], strategy: flipper, guardrails: GUARDRAIL_PRESETS['ftmo-2step'], feeBps: 5 }),
  );
  const unguarded = simulate(
    simulationInput({
      bars: [bars],
      strategy: scriptedStrategy([(ts) => ((ts / HOUR) % 2 === 0 ? 1 : 0) as Direction]),
      feeBps: 5,
    }),
  );

  it('blocks entries after a daily-loss breach, then flattens and stops at the total-loss floor', () => {
    const rows = rowsOf(guarded);
    const daily = rows.filter((r) => r.action === 'blocked' && r.guardrail === 'max_daily_loss');
    expect(daily.length).toBeGreaterThan(0);
    expect(daily[0]?.reason).toMatch(/max_daily_loss/);
    const flatten = rows.findIndex((r) => r.action === 'flatten');
    expect(flatten).toBeGreaterThan(0);
    expect(
      rows
        .slice(flatten + 1)
        .every((r) => r.action === 'stopped' || (r.action === 'blocked' && r.guardrail === 'max_total_loss')),
    ).toBe(true);
    expect(rows.some((r) => r.action === 'blocked' && r.guardrail === 'max_total_loss')).toBe(true);
    expect(guarded.status).toBe('stopped');
  });

  it('ends within the limits while the same strategy without guardrails keeps losing', () => {
    const final = guarded.equity.equity[n - 1] as number;
    // floor 9 000; the breach is seen at a close and flattened at the next open: at most two 1% bars past it
    expect(final).toBeGreaterThan(9_000 - 0.021 * 10_000);
    expect(unguarded.equity.equity[n - 1]).toBeLessThan(8_000);
    const lastTrade = guarded.trades.exitTs[guarded.trades.length - 1] as number;
    expect(
      guarded.equity.equity.subarray(Array.from(guarded.equity.ts).indexOf(lastTrade)).every((e) => e === final),
    ).toBe(true);
    const metrics = computeMetrics(guarded, {
      initialCapital: 10_000,
      timeframe: '1h',
      guardrails: GUARDRAIL_PRESETS['ftmo-2step'],
    });
    expect(metrics.guardrailBlocks.maxDailyLoss).toBeGreaterThan(0);
    expect(metrics.guardrailBlocks.maxTotalLoss).toBeGreaterThan(0);
    expect(metrics.objectives.maxTotalLoss.breached).toBe(true);
    expect(metrics.objectives.passed).toBe(false);
  });
});

describe('the day boundary follows the configured time zone', () => {
  // 2024-01-15, winter: midnight Europe/Prague is 23:00 UTC.
  const start = Date.parse('2024-01-15T12:00:00Z');
  const at = (iso: string) => Date.parse(iso);
  // A: 100 except 96 at 15:00-16:00 (realized -4% on day 1) and 97 from 23:00 (open position down 3%).
  const aCloses: number[] = [];
  for (let i = 0; i < 16; i++) {
    const ts = start + i * HOUR;
    aCloses.push(ts >= at('2024-01-15T23:00:00Z') ? 97 : ts === at('2024-01-15T14:00:00Z') ? 96 : 100);
  }
  const aOpens = aCloses.map((_, i) => (i === 0 ? 100 : (aCloses[i - 1] as number)));
  const a = makeBars(aOpens, aCloses, start);
  const b = makeBars(
    aCloses.map(() => 50),
    aCloses.map(() => 50),
    start,
  );
  const script = () =>
    scriptedStrategy([
      // A: long 12:00 -> exit at 14:00 (fills 15:00 open 96), long again from 16:00 and hold across midnight
      (ts) =>
        ts === at('2024-01-15T12:00:00Z') || ts === at('2024-01-15T13:00:00Z') || ts >= at('2024-01-15T16:00:00Z')
          ? 1
          : 0,
      // B: wants to enter from 23:00 UTC
      (ts) => (ts >= at('2024-01-15T23:00:00Z') ? 1 : 0),
    ]);
  const run = (guardrails: ResolvedGuardrails) =>
    simulate(
      simulationInput({ bars: [a, b], symbols: ['A', 'B'], weights: [0.99, 0.01], strategy: script(), guardrails }),
    );
  const row = (r: ReturnType<typeof simulate>, iso: string) => Array.from(r.equity.ts).indexOf(at(iso));
  /** The day row in force at `iso`. */
  const day = (r: ReturnType<typeof simulate>, iso: string) => {
    const d = Array.from(r.days.start).findLastIndex((start) => start <= at(iso));
    return {
      start: new Date(r.days.start[d] as number).toISOString(),
      balance: r.days.balance[d] as number,
      dailyFloor: r.days.dailyFloor[d] as number,
      breached: r.days.dailyBreached[d],
    };
  };
  const utcDefault: ResolvedGuardrails = { ...GUARDRAIL_PRESETS.none, maxDailyLossPct: 5, maxTotalLossPct: 10 };

  it('ftmo-2step: a position held across midnight Prague (23:00 UTC) is judged against the new day', () => {
    const r = run(GUARDRAIL_PRESETS['ftmo-2step']);
    const i = row(r, '2024-01-15T23:00:00Z');
    const balance = r.equity.balance[i] as number;
    expect(balance).toBeLessThan(9_700); // realized -4% on day 1
    const today = day(r, '2024-01-15T23:00:00Z');
    expect(today.start).toBe('2024-01-15T23:00:00.000Z'); // new day started at 23:00 UTC
    expect(today.balance).toBe(balance);
    expect(today.dailyFloor).toBeCloseTo(balance - 500, 9);
    expect(r.equity.equity[i]).toBeLessThan(9_500); // below the old day's floor...
    expect(r.equity.equity[i]).toBeGreaterThan(today.dailyFloor); // ...but within the new day's
    expect(today.breached).toBe(0);
    const b23 = rowsOf(r).find((x) => x.symbol === 'B' && x.ts === '2024-01-15T23:00:00.000Z');
    expect(b23).toMatchObject({ action: 'enter_long', guardrail: '' });
    expect(r.dailyLossBreachDays).toBe(0);
  });

  it('default (UTC): the same 23:00 UTC bar still belongs to the old day, breaches it and blocks; midnight UTC resets', () => {
    const r = run(utcDefault);
    const i = row(r, '2024-01-15T23:00:00Z');
    expect(day(r, '2024-01-15T23:00:00Z')).toMatchObject({
      start: '2024-01-15T00:00:00.000Z',
      balance: 10_000,
      dailyFloor: 9_500,
      breached: 1,
    });
    const rows = rowsOf(r);
    expect(rows.find((x) => x.symbol === 'B' && x.ts === '2024-01-15T23:00:00.000Z')).toMatchObject({
      action: 'blocked',
      guardrail: 'max_daily_loss',
    });
    expect(rows.find((x) => x.symbol === 'B' && x.ts === '2024-01-16T00:00:00.000Z')).toMatchObject({
      action: 'enter_long',
      guardrail: '',
    });
    const j = row(r, '2024-01-16T00:00:00Z');
    expect(day(r, '2024-01-16T00:00:00Z')).toMatchObject({
      start: '2024-01-16T00:00:00.000Z',
      balance: r.equity.balance[i],
      breached: 0,
    });
    void j;
    expect(r.dailyLossBreachDays).toBe(1);
  });

  it('max open positions and max position size', () => {
    const r = run({ ...GUARDRAIL_PRESETS.none, maxOpenPositions: 1, maxPositionPct: 50 });
    const rows = rowsOf(r);
    expect(rows.find((x) => x.symbol === 'B' && x.ts === '2024-01-15T23:00:00.000Z')).toMatchObject({
      action: 'blocked',
      guardrail: 'max_open_positions',
    });
    expect(rows.find((x) => x.symbol === 'A' && x.ts === '2024-01-15T12:00:00.000Z')).toMatchObject({
      action: 'enter_long',
      guardrail: 'max_position',
    });
    expect((r.trades.quantity[0] as number) * (r.trades.entryPrice[0] as number)).toBeCloseTo(5_000, 6);
  });
});

describe('GuardrailMonitor', () => {
  const day = (n: number, hour = 12) => Date.parse(`2024-03-0${n}T${String(hour).padStart(2, '0')}:00:00Z`);

  it('static total loss floor stays at initial - Y%; trailing follows the best end-of-day balance', () => {
    const rules: ResolvedGuardrails = { ...GUARDRAIL_PRESETS.none, maxTotalLossPct: 10 };
    const fixed = new GuardrailMonitor(rules, 10_000);
    const trailing = new GuardrailMonitor({ ...rules, trailing: true }, 10_000);
    for (const m of [fixed, trailing]) {
      m.startBar(day(1), 10_000);
      m.startBar(day(2), 11_000); // balance at the day-2 boundary = end-of-day-1 balance
      m.startBar(day(3), 10_500);
    }
    expect(fixed.totalFloor).toBe(9_000);
    expect(trailing.totalFloor).toBe(10_000); // best end-of-day balance 11 000 - 10% of initial
    trailing.checkEquity(9_999);
    expect(trailing.stopped).toBe(true);
    fixed.checkEquity(9_999);
    expect(fixed.stopped).toBe(false);
  });

  it('a daily breach blocks entries until the next day boundary only', () => {
    const m = new GuardrailMonitor({ ...GUARDRAIL_PRESETS.none, maxDailyLossPct: 5 }, 10_000);
    m.startBar(day(1, 10), 10_000);
    m.checkEquity(9_400);
    expect(m.blockEntry(0)).toBe(GUARDRAIL.max_daily_loss);
    m.startBar(day(1, 11), 10_000);
    expect(m.blockEntry(0)).toBe(GUARDRAIL.max_daily_loss);
    m.startBar(day(2, 0), 9_600);
    expect(m.blockEntry(0)).toBe(GUARDRAIL['']);
    expect(m.dailyFloor).toBe(9_100);
    expect(m.dailyBreachDays).toBe(1);
  });
});
