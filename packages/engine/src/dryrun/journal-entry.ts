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

/** One journal line per feed bar handled: used (maybe with a signal) or refused. */
export interface JournalEntry {
  seq: number;
  /** ts, open, high, low, close, volume as delivered. */
  bar: [number, number, number, number, number, number];
  refused?: string;
  gap?: true;
  /** The model version switched to before this bar (an alias moved). */
  switchTo?: { version: number; id: string };
  signal?: SignalRecord;
  /** The signal exceeded the per-minute limit: recorded, not emitted. */
  rateLimited?: true;
}
