import type { RunManifest } from '@buff/core';
import type { ColumnValues } from './arrow-columns.js';
import { ACTIONS, GUARDRAIL_CODES } from './run-columns.js';
import { ARTIFACT_FILES } from './run-artifacts.js';
import type { RunMetrics } from './metrics.js';

/** One thing wrong with a run, naming the file. */
export interface RunProblem {
  file: string;
  rule: string;
  message: string;
}

type Table = { numRows: number; columns: Map<string, ColumnValues> };
export interface ArtifactTables {
  decisions: Table;
  trades: Table;
  equity: Table;
  days: Table;
}

const ENTRY_LONG = new Set(['enter_long', 'reverse_to_long']);
const ENTRY_SHORT = new Set(['enter_short', 'reverse_to_short']);
const EXITS = new Set(['exit', 'flatten', 'reverse_to_long', 'reverse_to_short']);
const RELATIVE_TOLERANCE = 1e-6;

function numbers(table: Table, name: string): Float64Array | Float32Array | Int32Array | Int8Array {
  const column = table.columns.get(name);
  if (!column || column.kind === 'dictionary') throw new Error(`column ${name} missing`);
  return column.values;
}
function strings(table: Table, name: string): { codes: Int32Array | Int8Array; dictionary: readonly string[] } {
  const column = table.columns.get(name);
  if (!column || column.kind !== 'dictionary') throw new Error(`column ${name} missing`);
  return column;
}

/** Records one problem. */
type AddProblem = (file: string, rule: string, message: string) => void;
/** The action decided for a symbol at a bar time, if there is a decision row for it. */
type ActionAt = (symbol: string, at: number) => string | undefined;

/**
 * Cross-checks of a run's artifacts against each other and the manifest: decision values are
 * known, rows per symbol match the inputs, every trade has its entry and exit decision, and the
 * final equity equals initial capital plus the trades' net P&L (fees included).
 * @example const problems = checkRunConsistency(manifest, tables, metrics);
 */
export function checkRunConsistency(
  manifest: RunManifest,
  tables: ArtifactTables,
  metrics: RunMetrics | undefined,
): RunProblem[] {
  const problems: RunProblem[] = [];
  const add: AddProblem = (file, rule, message) => void problems.push({ file, rule, message });
  const actionAt = checkDecisions(manifest, tables.decisions, add);
  const pnlSum = checkTrades(tables.trades, actionAt, add);
  checkEquityAndMetrics(manifest, tables, metrics, pnlSum, add);
  return problems;
}

/**
 * The decisions' symbols, actions and guardrails are known values, ts never goes backwards,
 * positions are -1, 0 or 1 and each input has one row per bar. Returns the (symbol, ts) lookup.
 */
function checkDecisions(manifest: RunManifest, decisions: Table, add: AddProblem): ActionAt {
  const D = ARTIFACT_FILES.decisions;
  const symbol = strings(decisions, 'symbol');
  const action = strings(decisions, 'action');
  const guardrail = strings(decisions, 'guardrail');
  const ts = numbers(decisions, 'ts');
  const position = numbers(decisions, 'position');
  const unknown = (values: readonly string[], known: readonly string[]) => values.filter((v) => !known.includes(v));
  const symbols = manifest.inputs.map((input) => input.symbol);
  for (const [what, dict, known] of [
    ['symbol', symbol.dictionary, symbols],
    ['action', action.dictionary, ACTIONS],
    ['guardrail', guardrail.dictionary, GUARDRAIL_CODES],
  ] as const) {
    const bad = unknown(dict, known);
    if (bad.length > 0) add(D, 'values', `${D} column ${what} has unknown values: ${bad.slice(0, 5).join(', ')}`);
  }

  // Row indices per symbol (decisions are ordered by ts), for lookups by (symbol, ts).
  const rowsBySymbol: number[][] = symbol.dictionary.map(() => []);
  let previousTs = -Infinity;
  for (let i = 0; i < decisions.numRows; i++) {
    const t = ts[i] as number;
    if (t < previousTs) {
      add(D, 'order', `${D} row ${i}: ts goes backwards`);
      break;
    }
    previousTs = t;
    const p = position[i] as number;
    if (p !== -1 && p !== 0 && p !== 1) add(D, 'values', `${D} row ${i}: position ${p} is not -1, 0 or 1`);
    rowsBySymbol[symbol.codes[i] as number]?.push(i);
  }
  for (const input of manifest.inputs) {
    const code = symbol.dictionary.indexOf(input.symbol);
    const count = code < 0 ? 0 : (rowsBySymbol[code]?.length ?? 0);
    if (count !== input.rows)
      add(D, 'rows', `${D} has ${count} rows for ${input.symbol}, the manifest input has ${input.rows} bars`);
  }
  const actionAt = (sym: string, at: number): string | undefined => {
    const rows = rowsBySymbol[symbol.dictionary.indexOf(sym)];
    if (!rows) return undefined;
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((ts[rows[mid] as number] as number) < at) lo = mid + 1;
      else hi = mid;
    }
    const row = rows[lo];
    return row !== undefined && ts[row] === at ? action.dictionary[action.codes[row] as number] : undefined;
  };
  return actionAt;
}

/** Every trade has its entry and exit decision and fills after them. Returns the trades' summed net P&L. */
function checkTrades(trades: Table, actionAt: ActionAt, add: AddProblem): number {
  const T = ARTIFACT_FILES.trades;
  const tSymbol = strings(trades, 'symbol');
  const side = numbers(trades, 'side');
  const entryDecisionTs = numbers(trades, 'entryDecisionTs');
  const entryTs = numbers(trades, 'entryTs');
  const exitDecisionTs = numbers(trades, 'exitDecisionTs');
  const exitTs = numbers(trades, 'exitTs');
  const pnl = numbers(trades, 'pnl');
  let pnlSum = 0;
  for (let i = 0; i < trades.numRows; i++) {
    const sym = tSymbol.dictionary[tSymbol.codes[i] as number] ?? '?';
    const s = side[i] as number;
    const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms));
    const entry = actionAt(sym, entryDecisionTs[i] as number);
    if (!entry || !(s === 1 ? ENTRY_LONG : ENTRY_SHORT).has(entry)) {
      add(
        T,
        'entry-decision',
        `${T} row ${i} (${sym}): no ${s === 1 ? 'long' : 'short'} entry decision at ${iso(entryDecisionTs[i] as number)} (found ${entry ?? 'none'})`,
      );
    }
    const exit = actionAt(sym, exitDecisionTs[i] as number);
    if (!exit || !EXITS.has(exit))
      add(
        T,
        'exit-decision',
        `${T} row ${i} (${sym}): no exit decision at ${iso(exitDecisionTs[i] as number)} (found ${exit ?? 'none'})`,
      );
    if (
      (entryTs[i] as number) <= (entryDecisionTs[i] as number) ||
      (exitTs[i] as number) < (exitDecisionTs[i] as number)
    ) {
      add(T, 'fill-time', `${T} row ${i} (${sym}): a fill is not after its decision`);
    }
    pnlSum += pnl[i] as number;
  }

  return pnlSum;
}

/** The equity and day tables are ordered, equity ends at initial capital + trade P&L, metrics.json agrees. */
function checkEquityAndMetrics(
  manifest: RunManifest,
  tables: ArtifactTables,
  metrics: RunMetrics | undefined,
  pnlSum: number,
  add: AddProblem,
): void {
  const T = ARTIFACT_FILES.trades;
  const E = ARTIFACT_FILES.equity;
  const eTs = numbers(tables.equity, 'ts');
  const eq = numbers(tables.equity, 'equity');
  for (let i = 1; i < tables.equity.numRows; i++) {
    if ((eTs[i] as number) <= (eTs[i - 1] as number)) {
      add(E, 'order', `${E} row ${i}: ts not strictly ascending`);
      break;
    }
  }
  const dStart = numbers(tables.days, 'start');
  for (let i = 1; i < tables.days.numRows; i++) {
    if ((dStart[i] as number) <= (dStart[i - 1] as number)) {
      add(ARTIFACT_FILES.days, 'order', `${ARTIFACT_FILES.days} row ${i}: day start not strictly ascending`);
      break;
    }
  }
  const initial = Number((manifest.config.capital as { initial?: unknown } | undefined)?.initial);
  const final = tables.equity.numRows > 0 ? (eq[tables.equity.numRows - 1] as number) : initial;
  const expected = initial + pnlSum;
  if (!(Math.abs(final - expected) <= RELATIVE_TOLERANCE * Math.abs(expected))) {
    add(E, 'final-equity', `${E} ends at ${final}, but initial capital + trade P&L (net of fees) is ${expected}`);
  }
  if (metrics) {
    if (metrics.tradeCount !== tables.trades.numRows)
      add(
        ARTIFACT_FILES.metrics,
        'trade-count',
        `metrics.json says ${metrics.tradeCount} trades, ${T} has ${tables.trades.numRows}`,
      );
    if (!(Math.abs(metrics.finalEquity - final) <= RELATIVE_TOLERANCE * Math.abs(final))) {
      add(
        ARTIFACT_FILES.metrics,
        'final-equity',
        `metrics.json finalEquity ${metrics.finalEquity} differs from ${E}'s ${final}`,
      );
    }
  }
}
