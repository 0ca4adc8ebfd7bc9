const DAY_MS = 86_400_000;
const WEEK_DAYS = 7;
/** 1970-01-01 was a Thursday: shift by 3 days so that 0 is Monday 00:00 UTC. */
const EPOCH_WEEKDAY_SHIFT = 3;

/** Time of day and day of week as points on circles, so 23:59 sits next to 00:00. */
export interface CalendarSeries {
  timeOfDaySin: Float64Array;
  timeOfDayCos: Float64Array;
  dayOfWeekSin: Float64Array;
  dayOfWeekCos: Float64Array;
}

/**
 * Cyclical calendar features from UTC epoch-ms timestamps (the bar's open time, known at t).
 * The week phase includes the time of day, so it moves smoothly through the week.
 * @example calendarFeatures(bars.ts).timeOfDaySin
 */
export function calendarFeatures(ts: ArrayLike<number>): CalendarSeries {
  const n = ts.length;
  const series: CalendarSeries = {
    timeOfDaySin: new Float64Array(n),
    timeOfDayCos: new Float64Array(n),
    dayOfWeekSin: new Float64Array(n),
    dayOfWeekCos: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const days = (ts[i] as number) / DAY_MS;
    const dayPhase = 2 * Math.PI * (days - Math.floor(days));
    const weekDays = (((days + EPOCH_WEEKDAY_SHIFT) % WEEK_DAYS) + WEEK_DAYS) % WEEK_DAYS;
    const weekPhase = (2 * Math.PI * weekDays) / WEEK_DAYS;
    series.timeOfDaySin[i] = Math.sin(dayPhase);
    series.timeOfDayCos[i] = Math.cos(dayPhase);
    series.dayOfWeekSin[i] = Math.sin(weekPhase);
    series.dayOfWeekCos[i] = Math.cos(weekPhase);
  }
  return series;
}
