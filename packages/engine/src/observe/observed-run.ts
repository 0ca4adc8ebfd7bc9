import { join } from 'node:path';
import { BuffError } from '@buff/core';
import type { ColumnValues } from '../arrow-columns.js';
import { readSnapshotTable, type SnapshotTable } from '../dryrun/snapshot.js';
import { ARTIFACT_FILES, INPUT_PREFIX } from '../run-artifacts.js';

/** One decision as the report compares it. */
export interface DecisionRow {
  ts: number;
  symbol: string;
  action: string;
  guardrail: string;
  position: number;
  close: number;
  /** The model-signal inputs (NaN when the strategy did not record them). */
  probability: number;
  tier: number;
  modelVersion: number;
}

/** One closed trade. */
export interface TradeRow {
  symbol: string;
  side: number;
  entryTs: number;
  exitTs: number;
  pnl: number;
}

/** Decisions, trades and equity of a run or a session snapshot, as rows. */
export interface ObservedRun {
  decisions: DecisionRow[];
  trades: TradeRow[];
  equity: { ts: number[]; equity: number[] };
}

/**
 * Reads decisions.arrow, trades.arrow and equity.arrow from a run folder or a dry-run session
 * folder (the same encoders write both); a running session's snapshot parts follow its files.
 * @example const baseline = readObservedRun('runs/run-0123456789abcdef');
 */
export function readObservedRun(dir: string): ObservedRun {
  const load = (table: SnapshotTable) => {
    const read = readSnapshotTable(dir, table);
    if (read === undefined) {
      const path = join(dir, ARTIFACT_FILES[table]);
      throw new BuffError('NOT_FOUND', `${path} is missing: the folder holds no decisions yet`, {
        details: { file: path, rule: 'ARTIFACT_MISSING' },
      });
    }
    return read.columns;
  };
  const d = load('decisions');
  const t = load('trades');
  const e = load('equity');
  const ts = numbers(d.get('ts'));
  const decisions = ts.map(
    (value, i): DecisionRow => ({
      ts: value,
      symbol: text(d.get('symbol'), i),
      action: text(d.get('action'), i),
      guardrail: text(d.get('guardrail'), i),
      position: numbers(d.get('position'))[i] as number,
      close: numbers(d.get('close'))[i] as number,
      probability: numbers(d.get(`${INPUT_PREFIX}probability`))[i] ?? Number.NaN,
      tier: numbers(d.get(`${INPUT_PREFIX}tier`))[i] ?? Number.NaN,
      modelVersion: numbers(d.get(`${INPUT_PREFIX}modelVersion`))[i] ?? Number.NaN,
    }),
  );
  const trades = numbers(t.get('pnl')).map(
    (pnl, i): TradeRow => ({
      symbol: text(t.get('symbol'), i),
      side: numbers(t.get('side'))[i] as number,
      entryTs: numbers(t.get('entryTs'))[i] as number,
      exitTs: numbers(t.get('exitTs'))[i] as number,
      pnl,
    }),
  );
  return { decisions, trades, equity: { ts: numbers(e.get('ts')), equity: numbers(e.get('equity')) } };
}

const cache = new WeakMap<ColumnValues, number[]>();

function numbers(column: ColumnValues | undefined): number[] {
  if (column === undefined || column.kind === 'dictionary') return [];
  let values = cache.get(column);
  if (values === undefined) {
    values = Array.from(column.values as ArrayLike<number | bigint>, Number);
    cache.set(column, values);
  }
  return values;
}

function text(column: ColumnValues | undefined, row: number): string {
  if (column === undefined || column.kind !== 'dictionary') return '';
  return column.dictionary[column.codes[row] as number] ?? '';
}

/**
 * Several lanes' runs as one (a multi-symbol session's total): decisions in (ts, symbol) order,
 * trades by exit time, and equity summed at every step where each lane has a value (each lane
 * carries its last point forward). One run is returned as it is.
 * @example const total = mergeObservedRuns([btc, eth]);
 */
export function mergeObservedRuns(runs: readonly ObservedRun[]): ObservedRun {
  if (runs.length === 1) return runs[0] as ObservedRun;
  const decisions = runs
    .flatMap((r) => r.decisions)
    .sort((a, b) => a.ts - b.ts || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  const trades = runs.flatMap((r) => r.trades).sort((a, b) => a.exitTs - b.exitTs || a.entryTs - b.entryTs);
  return { decisions, trades, equity: summedEquity(runs.map((r) => r.equity)) };
}

function summedEquity(lanes: ReadonlyArray<ObservedRun['equity']>): ObservedRun['equity'] {
  const steps = [...new Set(lanes.flatMap((e) => e.ts))].sort((a, b) => a - b);
  const at = lanes.map(() => -1);
  const out: ObservedRun['equity'] = { ts: [], equity: [] };
  for (const ts of steps) {
    let total = 0;
    lanes.forEach((lane, l) => {
      while ((at[l] as number) + 1 < lane.ts.length && (lane.ts[(at[l] as number) + 1] as number) <= ts)
        at[l] = (at[l] as number) + 1;
      total += (at[l] as number) < 0 ? Number.NaN : (lane.equity[at[l] as number] as number);
    });
    if (Number.isNaN(total)) continue;
    out.ts.push(ts);
    out.equity.push(total);
  }
  return out;
}
