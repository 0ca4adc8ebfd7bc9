import { DateTime } from 'luxon';

/**
 * Day boundaries (local midnight) in an IANA time zone, for guardrails that reset daily.
 * Asks luxon only when a timestamp leaves the cached day, so a 1m run calls it once a day.
 * @example const clock = createDayClock('Europe/Prague'); clock.dayStart(Date.parse('2024-01-01T23:30:00Z')) // 2024-01-01T23:00Z
 */
export interface DayClock {
  /** Start (ms, UTC) of the local day containing `ts`. */
  dayStart(ts: number): number;
}

export function createDayClock(timezone: string): DayClock {
  let start = Number.NaN;
  let next = Number.NaN;
  return {
    dayStart(ts: number): number {
      if (ts >= start && ts < next) return start;
      const day = DateTime.fromMillis(ts, { zone: timezone }).startOf('day');
      start = day.toMillis();
      next = day.plus({ days: 1 }).toMillis();
      return start;
    },
  };
}
