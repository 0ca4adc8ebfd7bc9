import type { TradeColumns } from './run-columns.js';

interface OpenTrade {
  side: -1 | 1;
  entryDecisionTs: number;
  entryTs: number;
  entryPrice: number;
  quantity: number;
  entryFee: number;
}

/** Collects trades as positions open and close, then hands them out as columns. */
export interface TradeLog {
  open(symbol: number, trade: OpenTrade): void;
  close(
    symbol: number,
    exit: { exitDecisionTs: number; exitTs: number; exitPrice: number; exitFee: number; gross: number },
  ): void;
  columns(): TradeColumns;
}

const NUMBER_FIELDS = [
  'entryDecisionTs',
  'entryTs',
  'entryPrice',
  'exitDecisionTs',
  'exitTs',
  'exitPrice',
  'quantity',
  'fees',
  'pnl',
  'returnPct',
] as const;

/**
 * A trade log for a run over `symbols`; at most one open trade per symbol. Closed trades go
 * straight into per-column number arrays.
 * @example const log = createTradeLog(['BTC-USD']); log.open(0, {...}); log.close(0, {...}); log.columns().length // 1
 */
export function createTradeLog(symbols: readonly string[]): TradeLog {
  const openTrades: Array<OpenTrade | undefined> = symbols.map(() => undefined);
  const symbol: number[] = [];
  const side: number[] = [];
  const cols = Object.fromEntries(NUMBER_FIELDS.map((name) => [name, [] as number[]])) as Record<
    (typeof NUMBER_FIELDS)[number],
    number[]
  >;
  return {
    open(index, trade) {
      openTrades[index] = trade;
    },
    close(index, exit) {
      const trade = openTrades[index];
      if (!trade) return;
      openTrades[index] = undefined;
      const fees = trade.entryFee + exit.exitFee;
      const pnl = exit.gross - fees;
      symbol.push(index);
      side.push(trade.side);
      cols.entryDecisionTs.push(trade.entryDecisionTs);
      cols.entryTs.push(trade.entryTs);
      cols.entryPrice.push(trade.entryPrice);
      cols.exitDecisionTs.push(exit.exitDecisionTs);
      cols.exitTs.push(exit.exitTs);
      cols.exitPrice.push(exit.exitPrice);
      cols.quantity.push(trade.quantity);
      cols.fees.push(fees);
      cols.pnl.push(pnl);
      cols.returnPct.push((100 * pnl) / (trade.quantity * trade.entryPrice));
    },
    columns() {
      const f = (name: (typeof NUMBER_FIELDS)[number]) => new Float64Array(cols[name]);
      return {
        length: symbol.length,
        symbol: new Int32Array(symbol),
        symbols,
        side: new Int8Array(side),
        entryDecisionTs: f('entryDecisionTs'),
        entryTs: f('entryTs'),
        entryPrice: f('entryPrice'),
        exitDecisionTs: f('exitDecisionTs'),
        exitTs: f('exitTs'),
        exitPrice: f('exitPrice'),
        quantity: f('quantity'),
        fees: f('fees'),
        pnl: f('pnl'),
        returnPct: f('returnPct'),
      };
    },
  };
}
