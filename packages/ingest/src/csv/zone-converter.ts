import { HOUR_MS } from './civil-time.js';

/** Converts naive wall-clock times of one IANA zone to UTC. */
export interface ZoneConverter {
  /** UTC epoch ms for a wall time written as if it were UTC ms; NaN when it does not exist (DST jump). */
  wallToUtc(wallMs: number): number;
}

/**
 * A converter for an IANA zone (luxon, loaded on first use). Offsets are cached per wall-clock
 * hour when the whole hour has one offset, so a million naive rows cost a few thousand lookups.
 * @example const zone = await createZoneConverter('Europe/Prague'); zone.wallToUtc(Date.UTC(2024, 0, 1)) // 1704063600000
 */
export async function createZoneConverter(timezone: string): Promise<ZoneConverter> {
  const { DateTime, IANAZone } = await import('luxon');
  if (!IANAZone.isValidZone(timezone)) {
    // Loaded here only: the parse worker imports this module and starts faster without core.
    const { BuffError } = await import('@buff/core');
    throw new BuffError('INVALID_CONFIG', `unknown time zone "${timezone}" (use an IANA name such as Europe/Prague)`, {
      details: { key: 'timezone', value: timezone },
    });
  }
  const exact = (wallMs: number): number => {
    const wall = DateTime.fromMillis(wallMs, { zone: 'utc' });
    const local = DateTime.fromObject(
      {
        year: wall.year,
        month: wall.month,
        day: wall.day,
        hour: wall.hour,
        minute: wall.minute,
        second: wall.second,
        millisecond: wall.millisecond,
      },
      { zone: timezone },
    );
    // luxon moves a non-existent wall time forward; it then reads back differently.
    if (!local.isValid || local.toMillis() + local.offset * 60_000 !== wallMs) return Number.NaN;
    return local.toMillis();
  };
  let cachedHour = Number.NaN;
  let cachedOffset = Number.NaN;
  return {
    wallToUtc(wallMs) {
      const hour = Math.floor(wallMs / HOUR_MS);
      if (hour !== cachedHour) {
        cachedHour = hour;
        const startUtc = exact(hour * HOUR_MS);
        const endUtc = exact(hour * HOUR_MS + HOUR_MS - 1);
        const startOffset = hour * HOUR_MS - startUtc;
        const endOffset = hour * HOUR_MS + HOUR_MS - 1 - endUtc;
        cachedOffset = startOffset === endOffset ? startOffset : Number.NaN;
      }
      return Number.isNaN(cachedOffset) ? exact(wallMs) : wallMs - cachedOffset;
    },
  };
}
