/** Source column names Buff understands, in slot order: slot 0 is the timestamp. */
export const SOURCE_COLUMNS = ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const;
export type SourceColumn = (typeof SOURCE_COLUMNS)[number];

/** Slot of a field that is read but not stored. */
export const IGNORED = -1;

/** Other names of the candle time column that every reader accepts (freqtrade's and pandas' `date`, `ts`, ...). */
export const TIMESTAMP_ALIASES = {
  date: 'timestamp',
  ts: 'timestamp',
  time: 'timestamp',
  datetime: 'timestamp',
} as const;
