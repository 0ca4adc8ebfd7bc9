import { describe, expect, it } from 'vitest';
import { guardrailPeriods } from './guardrail-periods.js';

const H = 3_600_000;

describe('guardrailPeriods', () => {
  it('merges refusals of one guardrail into a period, ends it at an entry, and keeps a stop to the end', () => {
    const rows: Array<[number, string, string]> = [
      [0, 'enter_long', ''],
      [1, 'exit', 'max_daily_loss'],
      [2, 'hold', ''],
      [3, 'blocked', 'max_daily_loss'],
      [4, 'blocked', 'max_daily_loss'],
      [30, 'enter_long', ''],
      [31, 'flatten', 'max_total_loss'],
      [32, 'stopped', 'max_total_loss'],
      [33, 'stopped', 'max_total_loss'],
    ];
    const periods = guardrailPeriods(
      { ts: rows.map((r) => r[0] * H), action: rows.map((r) => r[1]), guardrail: rows.map((r) => r[2]) },
      3600,
    );
    expect(periods).toEqual([
      { from: 3600, to: 5 * 3600, guardrail: 'max_daily_loss', bars: 3 },
      { from: 31 * 3600, to: 34 * 3600, guardrail: 'max_total_loss', bars: 3 },
    ]);
  });

  it('cuts daily-loss refusals more than a day apart into two periods', () => {
    const ts = [0, 1, 40].map((h) => h * H);
    const periods = guardrailPeriods(
      { ts, action: ['blocked', 'blocked', 'blocked'], guardrail: Array(3).fill('max_daily_loss') },
      3600,
    );
    expect(periods.map((p) => [p.from / 3600, p.bars])).toEqual([
      [0, 2],
      [40, 1],
    ]);
  });
});
