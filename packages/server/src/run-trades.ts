import { z } from 'zod';
import { BuffError, parseOrThrow } from '@buff/core';
import { readRunArtifacts, type JsonColumns } from '@buff/engine';
import type { ServerContext } from './server-context.js';

/** One closed trade as the run page and its CSV show it (times ISO UTC, P&L net of fees). */
export interface TradeRow {
  symbol: string;
  side: 'long' | 'short';
  entryTime: string;
  entryPrice: number;
  exitTime: string;
  exitPrice: number;
  quantity: number;
  fees: number;
  pnl: number;
  returnPct: number;
  /** The decision's reason at the exit (a strategy signal, a guardrail, or the end of the run). */
  exitReason: string;
}

/** Trades grouped by one key: how many, how many won, net P&L. */
export interface TradeGroup {
  key: string;
  trades: number;
  wins: number;
  pnl: number;
}

export const TRADE_SORTS = ['entryTime', 'exitTime', 'symbol', 'side', 'pnl', 'returnPct', 'exitReason'] as const;

/** Query of the trades table: sort, order and page. */
export const TradesQuerySchema = z
  .object({
    sort: z.enum(TRADE_SORTS).default('entryTime'),
    order: z.enum(['asc', 'desc']).default('asc'),
    offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
    limit: z.coerce.number().int().min(1).max(1000).default(50),
  })
  .strict();
export type TradesQuery = z.infer<typeof TradesQuerySchema>;

/** Parses `?sort=&order=&offset=&limit=` (unknown keys refused; empty ones count as absent). */
export function parseTradesQuery(query: Record<string, unknown>): TradesQuery {
  const present = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== '' && v !== undefined));
  return parseOrThrow(TradesQuerySchema, present, 'INVALID_INPUT', 'trades query');
}

const iso = (ms: number | string | null): string => new Date(Number(ms)).toISOString();

/** The exit reason of each trade: the reason of the decision row at its exit decision time and symbol. */
function exitReasons(trades: JsonColumns, decisions: JsonColumns): string[] {
  const wanted = new Set<string>();
  const exitTs = trades.exitDecisionTs ?? [];
  const symbols = trades.symbol ?? [];
  for (let i = 0; i < exitTs.length; i++) wanted.add(`${symbols[i]}|${exitTs[i]}`);
  const found = new Map<string, string>();
  const ts = decisions.ts ?? [];
  for (let i = 0; i < ts.length; i++) {
    const key = `${decisions.symbol?.[i]}|${ts[i]}`;
    if (wanted.has(key)) found.set(key, String(decisions.reason?.[i] ?? ''));
  }
  return exitTs.map((t, i) => found.get(`${symbols[i]}|${t}`) ?? '');
}

/**
 * Every closed trade of a run, in entry order, with its exit reason (read from trades.arrow and
 * decisions.arrow). RUN_NOT_FOUND when the registry does not know the id.
 * @example const trades = await readRunTrades(ctx, 'run-0123456789abcdef');
 */
export function readRunTrades(ctx: ServerContext, id: string): Promise<TradeRow[]> {
  const cache = tradeCaches.get(ctx) ?? new Map<string, Promise<TradeRow[]>>();
  tradeCaches.set(ctx, cache);
  const hit = cache.get(id);
  if (hit !== undefined) return hit;
  const loading = loadRunTrades(ctx, id);
  cache.set(id, loading);
  loading.catch(() => cache.delete(id));
  if (cache.size > 8) cache.delete(cache.keys().next().value as string);
  return loading;
}

/** A few runs' trades per router (a run never changes: its id is a content id). */
const tradeCaches = new WeakMap<ServerContext, Map<string, Promise<TradeRow[]>>>();

async function loadRunTrades(ctx: ServerContext, id: string): Promise<TradeRow[]> {
  const registry = await ctx.registry();
  if (!(await registry.has(id)))
    throw new BuffError('RUN_NOT_FOUND', `no run ${id}`, { details: { key: 'id', value: id } });
  const { trades, decisions } = await readRunArtifacts(registry.runDir(id));
  const reasons = exitReasons(trades, decisions);
  const col = (name: string) => trades[name] ?? [];
  const num = (name: string, i: number) => Number(col(name)[i] ?? Number.NaN);
  return reasons.map((exitReason, i) => ({
    symbol: String(col('symbol')[i]),
    side: num('side', i) < 0 ? 'short' : 'long',
    entryTime: iso(col('entryTs')[i] ?? null),
    entryPrice: num('entryPrice', i),
    exitTime: iso(col('exitTs')[i] ?? null),
    exitPrice: num('exitPrice', i),
    quantity: num('quantity', i),
    fees: num('fees', i),
    pnl: num('pnl', i),
    returnPct: num('returnPct', i),
    exitReason,
  }));
}

/** Sorted (ties by entry time) and paged trades. */
export function pageTrades(rows: TradeRow[], query: TradesQuery): TradeRow[] {
  const sign = query.order === 'desc' ? -1 : 1;
  const key = query.sort;
  const sorted = [...rows].sort((a, b) => {
    const x = a[key];
    const y = b[key];
    const byKey = x < y ? -1 : x > y ? 1 : 0;
    return byKey !== 0 ? byKey * sign : a.entryTime < b.entryTime ? -1 : a.entryTime > b.entryTime ? 1 : 0;
  });
  return sorted.slice(query.offset, query.offset + query.limit);
}

/**
 * Trades grouped by symbol or by exit reason, largest group first.
 * @example groupTrades(rows, 'exitReason') // [{ key: 'fast below slow', trades: 12, wins: 5, pnl: -31.2 }]
 */
export function groupTrades(rows: TradeRow[], by: 'symbol' | 'exitReason'): TradeGroup[] {
  const groups = new Map<string, TradeGroup>();
  for (const row of rows) {
    const group = groups.get(row[by]) ?? { key: row[by], trades: 0, wins: 0, pnl: 0 };
    group.trades++;
    if (row.pnl > 0) group.wins++;
    group.pnl += row.pnl;
    groups.set(row[by], group);
  }
  return [...groups.values()].sort((a, b) => b.trades - a.trades || (a.key < b.key ? -1 : 1));
}

const CSV_COLUMNS: Array<keyof TradeRow> = [
  'symbol',
  'side',
  'entryTime',
  'entryPrice',
  'exitTime',
  'exitPrice',
  'quantity',
  'fees',
  'pnl',
  'returnPct',
  'exitReason',
];

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The trades as CSV (RFC 4180 quoting, header row, numbers as JavaScript prints them).
 * @example tradesCsv(rows) // 'symbol,side,entryTime,...\nBTC-USD,long,2024-01-02T03:00:00.000Z,...\n'
 */
export function tradesCsv(rows: TradeRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of rows) lines.push(CSV_COLUMNS.map((c) => csvCell(row[c])).join(','));
  return `${lines.join('\n')}\n`;
}
