import { DateTime, Info } from 'luxon';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/**
 * Day boundaries (local midnight) in an IANA time zone, for guardrails that reset daily.
 * Caches the current day, so a 1m run asks the zone about once a day: fixed-offset zones (UTC)
 * by arithmetic, others from the zone's offset, with luxon's calendar math when an offset
 * changes inside the day (DST).
 * @example const clock = createDayClock('Europe/Prague'); clock.dayStart(Date.parse('2024-01-01T23:30:00Z')) // 2024-01-01T23:00Z
 */
export interface DayClock {
  /** Start (ms, UTC) of the local day containing `ts`. */
  dayStart(ts: number): number;
}

export function createDayClock(timezone: string): DayClock {
  const zone = Info.normalizeZone(timezone);
  const offsetAt = (ts: number): number => zone.offset(ts) * MINUTE_MS;
  let start = Number.NaN;
  let next = Number.NaN;
  let nextOffset = Number.NaN;
  return {
    dayStart(ts: number): number {
      if (ts >= start && ts < next) return start;
      if (ts >= next && ts < next + DAY_MS) {
        // The following day, the common case: one offset lookup tells whether it lasts 24 hours.
        const after = offsetAt(next + DAY_MS);
        if (after === nextOffset) {
          start = next;
          next += DAY_MS;
          return start;
        }
      }
      const offset = offsetAt(ts);
      const candidate = Math.floor((ts + offset) / DAY_MS) * DAY_MS - offset;
      if (zone.isUniversal || (offsetAt(candidate) === offset && offsetAt(candidate + DAY_MS) === offset)) {
        start = candidate;
        next = candidate + DAY_MS;
      } else {
        const day = DateTime.fromMillis(ts, { zone }).startOf('day');
        start = day.toMillis();
        next = day.plus({ days: 1 }).toMillis();
      }
      nextOffset = offsetAt(next);
      return start;
    },
  };
}
