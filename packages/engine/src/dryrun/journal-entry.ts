/** A signal: a decision that changed the simulated position, with what the model said. */
export interface SignalRecord {
  ts: string;
  symbol: string;
  /** Position after the order fills: 1 long, -1 short, 0 flat. */
  direction: number;
  action: string;
  probability: number;
  confidence: number;
  tier: string;
  model: string;
  version: number;
  modelId: string;
  reason: string;
}

/** A model switch: the alias a lane follows moved, so its next decisions come from another version. */
export interface ModelSwitch {
  version: number;
  id: string;
  /** The version the lane used before (absent in journals written before it was recorded). */
  from?: { version: number; id: string };
  alias?: string;
}

/** One journal line per feed bar handled: used (maybe with a signal) or refused. */
export interface JournalEntry {
  seq: number;
  /** The lane (index into the session's symbols; absent means 0). */
  lane?: number;
  /** ts, open, high, low, close, volume as delivered. */
  bar: [number, number, number, number, number, number];
  refused?: string;
  gap?: true;
  /** The model version switched to before this bar (an alias moved). */
  switchTo?: ModelSwitch;
  signal?: SignalRecord;
  /** The signal exceeded the per-minute limit: recorded, not emitted. */
  rateLimited?: true;
  /** Why the signal was not emitted (`rate-limit: 1 signal per 10 minutes per symbol`), as a guardrail block names its rule. */
  suppressed?: string;
  /** A guardrail blocked or closed the position at this bar (max_daily_loss, max_total_loss, max_open_positions). */
  guardrail?: string;
}
