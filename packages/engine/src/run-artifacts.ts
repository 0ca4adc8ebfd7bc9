import {
  ACTIONS,
  GUARDRAIL_CODES,
  type DayColumns,
  type DecisionColumns,
  type EquityColumns,
  type TradeColumns,
} from './run-columns.js';
import type { ColumnSpec } from './arrow-columns.js';

/** Named columns of an artifact, in file order. */
export type ArtifactColumns = Record<string, ColumnSpec>;

/** File names of a run's artifacts (plus manifest.json). */
export const ARTIFACT_FILES = {
  decisions: 'decisions.arrow',
  trades: 'trades.arrow',
  equity: 'equity.arrow',
  days: 'days.arrow',
  metrics: 'metrics.json',
} as const;

/** Prefix of the decision columns that hold a strategy's indicator values. */
export const INPUT_PREFIX = 'input.';

/** The columns of each Arrow artifact and their kinds (decisions also has `input.<name>` float64 columns). */
export const ARTIFACT_COLUMNS = {
  decisions: {
    ts: 'timestamp',
    symbol: 'dictionary',
    action: 'dictionary',
    reason: 'dictionary',
    guardrail: 'dictionary',
    position: 'int8',
    close: 'float64',
  },
  trades: {
    symbol: 'dictionary',
    side: 'int8',
    entryDecisionTs: 'timestamp',
    entryTs: 'timestamp',
    entryPrice: 'float64',
    exitDecisionTs: 'timestamp',
    exitTs: 'timestamp',
    exitPrice: 'float64',
    quantity: 'float64',
    fees: 'float64',
    pnl: 'float64',
    returnPct: 'float64',
  },
  equity: {
    ts: 'timestamp',
    equity: 'float64',
    balance: 'float64',
    drawdown: 'float32',
    exposure: 'float32',
    openPositions: 'int8',
  },
  days: { start: 'timestamp', balance: 'float64', dailyFloor: 'float64', totalFloor: 'float64', dailyBreached: 'int8' },
} as const satisfies Record<string, Record<string, ColumnSpec['kind']>>;

/**
 * The columns of decisions.arrow: one row per bar and symbol (ts, symbol, action, reason, guardrail,
 * position after the order, the bar's close for plotting, and `input.<name>` indicator values).
 * `tsInt64`: the same ts as Int64 ms when at hand (a run of one stored symbol), to skip a conversion.
 * @example writeFileSync('decisions.arrow', columnsToIpc(decisionsColumns(result.decisions)));
 */
export function decisionsColumns(d: DecisionColumns, tsInt64?: BigInt64Array): ArtifactColumns {
  const columns: ArtifactColumns = {
    ts: { kind: 'timestamp', values: d.ts, int64: tsInt64 },
    symbol: { kind: 'dictionary', codes: d.symbol, dictionary: d.symbols },
    action: { kind: 'dictionary', codes: d.action, dictionary: ACTIONS },
    reason: { kind: 'dictionary', codes: d.reason, dictionary: d.reasons },
    guardrail: { kind: 'dictionary', codes: d.guardrail, dictionary: GUARDRAIL_CODES },
    position: { kind: 'int8', values: d.position },
    close: { kind: 'float64', values: d.close },
  };
  d.inputNames.forEach(
    (name, m) => (columns[`${INPUT_PREFIX}${name}`] = { kind: 'float64', values: d.inputs[m] as Float64Array }),
  );
  return columns;
}

/** The columns of trades.arrow: one row per closed trade. */
export function tradesColumns(t: TradeColumns): ArtifactColumns {
  return {
    symbol: { kind: 'dictionary', codes: t.symbol, dictionary: t.symbols },
    side: { kind: 'int8', values: t.side },
    entryDecisionTs: { kind: 'timestamp', values: t.entryDecisionTs },
    entryTs: { kind: 'timestamp', values: t.entryTs },
    entryPrice: { kind: 'float64', values: t.entryPrice },
    exitDecisionTs: { kind: 'timestamp', values: t.exitDecisionTs },
    exitTs: { kind: 'timestamp', values: t.exitTs },
    exitPrice: { kind: 'float64', values: t.exitPrice },
    quantity: { kind: 'float64', values: t.quantity },
    fees: { kind: 'float64', values: t.fees },
    pnl: { kind: 'float64', values: t.pnl },
    returnPct: { kind: 'float64', values: t.returnPct },
  };
}

/** The columns of equity.arrow: one row per timeline step, marked to the closes (`tsInt64` as for decisions). */
export function equityColumns(e: EquityColumns, tsInt64?: BigInt64Array): ArtifactColumns {
  return {
    ts: { kind: 'timestamp', values: e.ts, int64: tsInt64 },
    equity: { kind: 'float64', values: e.equity },
    balance: { kind: 'float64', values: e.balance },
    drawdown: { kind: 'float32', values: e.drawdown },
    exposure: { kind: 'float32', values: e.exposure },
    openPositions: { kind: 'int8', values: e.openPositions },
  };
}

/** The columns of days.arrow: one row per local day with the balance at its midnight and the guardrail floors. */
export function daysColumns(d: DayColumns): ArtifactColumns {
  return {
    start: { kind: 'timestamp', values: d.start },
    balance: { kind: 'float64', values: d.balance },
    dailyFloor: { kind: 'float64', values: d.dailyFloor },
    totalFloor: { kind: 'float64', values: d.totalFloor },
    dailyBreached: { kind: 'int8', values: d.dailyBreached },
  };
}
