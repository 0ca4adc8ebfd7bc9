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

/**
 * File name of a timeframe's table, named by its content id (`1h.0123456789abcdef.arrow`): a new
 * version never takes the name of the one `dataset.json` names until then.
 * @example tableFileName('1h', table.contentId) // '1h.<first 16 hex>.arrow'
 */
export function tableFileName(timeframe: Timeframe, contentId: string): string {
  return `${timeframe}.${contentId.slice(0, 16)}.arrow`;
}

/** File name of a quality report with this sha256 (`quality.0123456789abcdef.json`). */
export function qualityFileName(sha256: string): string {
  return `quality.${sha256.slice(0, 16)}.json`;
}

/** Table and quality files of a dataset folder, of this layout and of the one before (`1m.arrow`, `quality.json`). */
const DATASET_FILE = /^(?:\d+[mhdw](?:\.[0-9a-f]{16})?\.arrow|quality(?:\.[0-9a-f]{16})?\.json)$/;

/** Whether a name in a dataset folder is one of its table or quality files (not dataset.json, not a temp file). */
export function isDatasetFile(name: string): boolean {
  return name !== MANIFEST_FILE && DATASET_FILE.test(name);
}
