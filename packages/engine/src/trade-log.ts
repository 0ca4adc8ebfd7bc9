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
  close(symbol: number, exit: { exitDecisionTs: number; exitTs: number; exitPrice: number; exitFee: number; gross: number }): void;
  columns(): TradeColumns;
}

/**
 * A trade log for a run over `symbols`; at most one open trade per symbol.
 * @example const log = createTradeLog(['BTC-USD']); log.open(0, {...}); log.close(0, {...}); log.columns().length // 1
 */
export function createTradeLog(symbols: readonly string[]): TradeLog {
  const openTrades: Array<OpenTrade | undefined> = symbols.map(() => undefined);
  const rows: Array<OpenTrade & { symbol: number; exitDecisionTs: number; exitTs: number; exitPrice: number; fees: number; pnl: number }> = [];
  return {
    open(symbol, trade) {
      openTrades[symbol] = trade;
    },
    close(symbol, exit) {
      const trade = openTrades[symbol];
      if (!trade) return;
      openTrades[symbol] = undefined;
      const fees = trade.entryFee + exit.exitFee;
      rows.push({ ...trade, symbol, exitDecisionTs: exit.exitDecisionTs, exitTs: exit.exitTs, exitPrice: exit.exitPrice, fees, pnl: exit.gross - fees });
    },
    columns() {
      const n = rows.length;
      const pick = (f: (row: (typeof rows)[number]) => number) => Float64Array.from(rows, f);
      return {
        length: n,
        symbol: Int32Array.from(rows, (r) => r.symbol),
        symbols,
        side: Int8Array.from(rows, (r) => r.side),
        entryDecisionTs: pick((r) => r.entryDecisionTs),
        entryTs: pick((r) => r.entryTs),
        entryPrice: pick((r) => r.entryPrice),
        exitDecisionTs: pick((r) => r.exitDecisionTs),
        exitTs: pick((r) => r.exitTs),
        exitPrice: pick((r) => r.exitPrice),
        quantity: pick((r) => r.quantity),
        fees: pick((r) => r.fees),
        pnl: pick((r) => r.pnl),
        returnPct: pick((r) => (100 * r.pnl) / (r.quantity * r.entryPrice)),
      };
    },
  };
}
