import { z } from 'zod';
import { BuffError } from './errors.js';

/** The timeframes Buff knows, smallest first. */
export const TIMEFRAMES = ['1m', '5m', '15m', '30m', '1h', '4h', '1d'] as const;

export const TimeframeSchema = z.enum(TIMEFRAMES);
export type Timeframe = z.infer<typeof TimeframeSchema>;

const MINUTE_MS = 60_000;
const TIMEFRAME_MS: Record<Timeframe, number> = {
  '1m': MINUTE_MS,
  '5m': 5 * MINUTE_MS,
  '15m': 15 * MINUTE_MS,
  '30m': 30 * MINUTE_MS,
  '1h': 60 * MINUTE_MS,
  '4h': 240 * MINUTE_MS,
  '1d': 1440 * MINUTE_MS,
};

/**
 * Parses a timeframe label, throwing UNKNOWN_TIMEFRAME for anything else.
 * @example parseTimeframe('1h') // '1h'
 */
export function parseTimeframe(label: string): Timeframe {
  const parsed = TimeframeSchema.safeParse(label);
  if (!parsed.success) {
    throw new BuffError('UNKNOWN_TIMEFRAME', `unknown timeframe "${label}" (known: ${TIMEFRAMES.join(' ')})`, {
      details: { value: label, rule: 'UNKNOWN_TIMEFRAME' },
    });
  }
  return parsed.data;
}

/**
 * Length of one bar of the timeframe in milliseconds.
 * @example timeframeMs('5m') // 300000
 */
export function timeframeMs(timeframe: Timeframe): number {
  return TIMEFRAME_MS[timeframe];
}
