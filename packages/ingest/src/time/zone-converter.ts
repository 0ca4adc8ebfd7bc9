import { HOUR_MS, MINUTE_MS } from './civil-time.js';

/** How a wall time that occurs twice (the repeated hour of a DST fall-back) is resolved. */
export type AmbiguousTime = 'refuse' | 'earlier' | 'later';

/** What {@link ZoneConverter.wallToUtc} returns for a wall time that occurs twice, when told to refuse. */
export const AMBIGUOUS = Number.NEGATIVE_INFINITY;

/** Converts naive wall-clock times of one IANA zone to UTC. */
export interface ZoneConverter {
  /**
   * UTC epoch ms for a wall time written as if it were UTC ms; NaN when it does not exist (a
   * spring-forward jump), {@link AMBIGUOUS} when it occurs twice and the converter refuses those.
   */
  wallToUtc(wallMs: number): number;
}

const DAY_MS = 24 * HOUR_MS;

/**
 * A converter for an IANA zone (luxon, loaded on first use). A wall time maps to each instant
 * whose offset reproduces it: none (it does not exist), one, or two (a fall-back repeats it;
 * `ambiguous` says which, or refuse). Offsets are cached per wall-clock hour when the whole hour
 * has one instant per minute, so a million naive rows cost a few thousand lookups.
 * @example const zone = await createZoneConverter('Europe/Prague'); zone.wallToUtc(Date.UTC(2024, 0, 1)) // 1704063600000
 */
export async function createZoneConverter(
  timezone: string,
  ambiguous: AmbiguousTime = 'refuse',
): Promise<ZoneConverter> {
  const { IANAZone } = await import('luxon');
  if (!IANAZone.isValidZone(timezone)) {
    // Loaded here only: the parse worker imports this module and starts faster without core.
    const { BuffError } = await import('@buff/core');
    throw new BuffError('INVALID_CONFIG', `unknown time zone "${timezone}" (use an IANA name such as Europe/Prague)`, {
      details: { key: 'timezone', value: timezone },
    });
  }
  const zone = IANAZone.create(timezone);
  const offsetAt = (utcMs: number): number => zone.offset(utcMs) * MINUTE_MS;
  /** The instants whose local time is `wallMs` (offsets a day apart bracket any one transition). */
  const instants = (wallMs: number): number[] => {
    const found: number[] = [];
    for (const offset of new Set([offsetAt(wallMs - DAY_MS), offsetAt(wallMs + DAY_MS)])) {
      const utc = wallMs - offset;
      if (offsetAt(utc) === offset) found.push(utc);
    }
    return found.sort((a, b) => a - b);
  };
  const exact = (wallMs: number): number => {
    const found = instants(wallMs);
    if (found.length === 0) return Number.NaN;
    if (found.length === 1) return found[0] as number;
    if (ambiguous === 'refuse') return AMBIGUOUS;
    return (ambiguous === 'earlier' ? found[0] : found[found.length - 1]) as number;
  };
  let cachedHour = Number.NaN;
  let cachedOffset = Number.NaN;
  return {
    wallToUtc(wallMs) {
      const hour = Math.floor(wallMs / HOUR_MS);
      if (hour !== cachedHour) {
        cachedHour = hour;
        const start = instants(hour * HOUR_MS);
        const end = instants(hour * HOUR_MS + HOUR_MS - 1);
        const startOffset = start.length === 1 ? hour * HOUR_MS - (start[0] as number) : Number.NaN;
        const endOffset = end.length === 1 ? hour * HOUR_MS + HOUR_MS - 1 - (end[0] as number) : Number.NaN;
        cachedOffset = startOffset === endOffset ? startOffset : Number.NaN;
      }
      return Number.isNaN(cachedOffset) ? exact(wallMs) : wallMs - cachedOffset;
    },
  };
}
