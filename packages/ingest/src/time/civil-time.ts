/** Calendar arithmetic on the proleptic Gregorian calendar, in UTC, without Date objects. */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/**
 * Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil).
 * @example daysFromCivil(1970, 1, 2) // 1
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Number of days in a month (1-12) of a year.
 * @example daysInMonth(2024, 2) // 29
 */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Epoch milliseconds as ISO-8601 UTC with milliseconds, e.g. `2024-01-01T00:00:00.000Z`.
 * @example isoUtc(0) // '1970-01-01T00:00:00.000Z'
 */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * A duration in ms as a short label: `5m`, `1h`, `2d3h`, `90s`, `250ms`.
 * @example durationLabel(300_000) // '5m'
 */
export function durationLabel(ms: number): string {
  if (ms % MINUTE_MS !== 0) return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
  const minutes = ms / MINUTE_MS;
  if (minutes % 1440 === 0) return `${minutes / 1440}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}
