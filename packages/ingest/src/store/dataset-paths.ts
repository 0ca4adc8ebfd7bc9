import { join } from 'node:path';
import { SymbolSchema, parseOrThrow, type Timeframe } from '@buff/core';

/** File names inside a dataset folder `<DATA_ROOT>/<symbol>/`. */
export const MANIFEST_FILE = 'dataset.json';
export const QUALITY_FILE = 'quality.json';

/**
 * Checks a symbol with core's SymbolSchema (never a path) and returns it.
 * @example validateSymbol('BTC-USD') // 'BTC-USD'; validateSymbol('../x') throws INVALID_INPUT
 */
export function validateSymbol(symbol: string): string {
  return parseOrThrow(SymbolSchema, symbol, 'INVALID_INPUT', { what: 'symbol', path: ['symbol'], rule: 'SYMBOL' });
}

/** `<DATA_ROOT>/<symbol>` after validating the symbol. */
export function datasetDir(dataRoot: string, symbol: string): string {
  return join(dataRoot, validateSymbol(symbol));
}

/** File name of a timeframe's table, e.g. `1h.arrow`. */
export function tableFileName(timeframe: Timeframe): string {
  return `${timeframe}.arrow`;
}
