/**
 * The columns a simulation produces, before they are written as Arrow: typed arrays for
 * numbers, small dictionaries plus Int32 codes for strings. One shape for decisions, trades
 * and equity, shared by the simulator, the artifact writer and the readers.
 */

/** What a decision record says happened at a bar (the order it implies fills at the next open). */
export const ACTIONS = [
  'hold',
  'enter_long',
  'enter_short',
  'exit',
  'reverse_to_long',
  'reverse_to_short',
  'blocked',
  'flatten',
  'stopped',
] as const;
export type Action = (typeof ACTIONS)[number];
export const ACTION = Object.fromEntries(ACTIONS.map((name, i) => [name, i])) as { [K in Action]: number };

/** Which guardrail shaped a decision ('' = none). `max_position` caps a size; the others block or stop. */
export const GUARDRAIL_CODES = ['', 'max_daily_loss', 'max_total_loss', 'max_open_positions', 'max_position'] as const;
export type GuardrailCode = (typeof GUARDRAIL_CODES)[number];
export const GUARDRAIL = Object.fromEntries(GUARDRAIL_CODES.map((name, i) => [name, i])) as {
  [K in GuardrailCode]: number;
};

/** One row per bar and symbol. */
export interface DecisionColumns {
  length: number;
  ts: Float64Array;
  /** Codes into `symbols` (at most 64 symbols per run). */
  symbol: Int8Array;
  symbols: readonly string[];
  /** Codes into ACTIONS. */
  action: Int8Array;
  /** Codes into `reasons`. */
  reason: Int32Array;
  reasons: string[];
  /** Codes into GUARDRAIL_CODES. */
  guardrail: Int8Array;
  /** Position the run holds after this decision's order fills (-1, 0, 1). */
  position: Int8Array;
  close: Float64Array;
  inputNames: readonly string[];
  inputs: Float64Array[];
}

/** One row per closed trade. `side` is 1 long, -1 short; pnl is net of both fees. */
export interface TradeColumns {
  length: number;
  symbol: Int32Array;
  symbols: readonly string[];
  side: Int8Array;
  entryDecisionTs: Float64Array;
  entryTs: Float64Array;
  entryPrice: Float64Array;
  exitDecisionTs: Float64Array;
  exitTs: Float64Array;
  exitPrice: Float64Array;
  quantity: Float64Array;
  fees: Float64Array;
  pnl: Float64Array;
  returnPct: Float64Array;
}

/**
 * One row per timeline step (union of the symbols' bar times), marked at the bars' closes.
 * Drawdown (equity / peak - 1) and exposure (gross notional / equity) are Float32: ratios for charts.
 */
export interface EquityColumns {
  length: number;
  ts: Float64Array;
  equity: Float64Array;
  balance: Float64Array;
  drawdown: Float32Array;
  exposure: Float32Array;
  openPositions: Int8Array;
}

/** One row per local day (guardrail time zone) of the run: the guardrail floors that held that day. */
export interface DayColumns {
  length: number;
  /** Local midnight (ms, UTC) that started the day. */
  start: Float64Array;
  /** Balance at that midnight. */
  balance: Float64Array;
  /** NaN when the rule is off. */
  dailyFloor: Float64Array;
  totalFloor: Float64Array;
  /** 1 when equity fell below the daily floor that day. */
  dailyBreached: Int8Array;
}
