import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../dryrun/journal-entry.js';
import type { DecisionRow } from './observed-run.js';
import { barId, reconcile, type BaselineBars } from './reconcile.js';

const T0 = Date.parse('2024-01-04T00:00:00Z');
const at = (i: number) => T0 + i * 60_000;
const row = (i: number, extra: Partial<DecisionRow> = {}): DecisionRow => ({
  ts: at(i),
  symbol: 'BTC-USD',
  action: 'hold',
  guardrail: '',
  position: 0,
  close: 100 + i,
  probability: 0.5,
  tier: 0,
  modelVersion: 1,
  ...extra,
});
const bar = (i: number, close = 100 + i): JournalEntry['bar'] => [at(i), 100, 200, 50, close, 1];
const fed = (i: number, extra: Partial<JournalEntry> = {}): JournalEntry => ({ seq: i, bar: bar(i), ...extra });
const run = (rows: DecisionRow[], journal: JournalEntry[], bars?: BaselineBars, base = rows.map((_, i) => row(i))) =>
  reconcile(rows, base, journal, bars, 'feed exhausted', () => 'BTC-USD');

describe('reconcile', () => {
  it('a dry run equal to its baseline has no difference', () => {
    const rows = [0, 1, 2].map((i) => row(i));
    const r = run(
      rows,
      [0, 1, 2].map((i) => fed(i)),
    );
    expect(r).toMatchObject({ compared: 3, matched: 3, differences: [] });
  });

  it('classifies each difference and carries a diverged position forward', () => {
    const base = [0, 1, 2, 3, 4, 5].map((i) => row(i));
    const bars: BaselineBars = new Map(base.map((b, i) => [`BTC-USD ${b.ts}`, bar(i)]));
    const dry = [
      row(0),
      row(2, { action: 'enter_long', position: 1, modelVersion: 2 }), // bar 1 refused
      row(3, { action: 'blocked', guardrail: 'max_daily_loss' }),
      row(4, { action: 'enter_long', position: 1 }),
    ];
    const journal = [fed(0), fed(1, { refused: 'HIGH_BELOW_OPEN_CLOSE' }), fed(2), fed(3), fed(4)];
    const r = run(dry, journal, bars, base);
    expect(r.differences.map((d) => [new Date(d.ts).getUTCMinutes(), d.class])).toEqual([
      [1, 'refused feed bar'],
      [2, 'model version differs'],
      [3, 'guardrail or kill-switch state'],
      [4, 'follows an earlier difference'],
      [5, 'not processed yet'],
    ]);
    expect(r.matched).toBe(1);
  });

  it('names the content ids when the feed delivered another bar, and flags what nothing explains', () => {
    const base = [0, 1].map((i) => row(i));
    const bars: BaselineBars = new Map(base.map((b, i) => [`BTC-USD ${b.ts}`, bar(i)]));
    const other = run(
      [row(0), row(1, { action: 'enter_short', position: -1 })],
      [fed(0), fed(1, { bar: bar(1, 999) })],
      bars,
      base,
    );
    expect(other.differences[0]).toMatchObject({ class: 'input bars differ' });
    expect(other.differences[0]?.explanation).toContain(barId(bar(1, 999)));
    expect(other.differences[0]?.explanation).toContain(barId(bar(1)));
    const odd = run([row(0), row(1, { action: 'enter_short', position: -1 })], [fed(0), fed(1)], bars, base);
    expect(odd.differences[0]).toMatchObject({ class: 'unexplained' });
  });

  it('lists rate-limited signals apart: they change what was sent, not the decisions', () => {
    const signal = { ts: new Date(at(0)).toISOString(), symbol: 'BTC-USD', tier: 'high' } as JournalEntry['signal'];
    const r = run([row(0)], [fed(0, { signal, rateLimited: true })]);
    expect(r.differences).toEqual([]);
    expect(r.rateLimited).toEqual([{ ts: new Date(at(0)).toISOString(), symbol: 'BTC-USD', tier: 'high' }]);
  });
});
