import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { createDayClock } from './day-clock.js';

describe('createDayClock', () => {
  it('agrees with luxon startOf(day) every 37 minutes across two DST changes', () => {
    for (const zone of ['UTC', 'Europe/Prague', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata']) {
      const clock = createDayClock(zone);
      const from = Date.parse('2024-03-01T00:00:00Z');
      const to = Date.parse('2024-11-15T00:00:00Z');
      for (let ts = from; ts < to; ts += 37 * 60_000) {
        expect(clock.dayStart(ts), `${zone} ${new Date(ts).toISOString()}`).toBe(
          DateTime.fromMillis(ts, { zone }).startOf('day').toMillis(),
        );
      }
    }
  });

  it('midnight Europe/Prague is 23:00 UTC in winter and 22:00 UTC in summer', () => {
    const clock = createDayClock('Europe/Prague');
    expect(new Date(clock.dayStart(Date.parse('2024-01-15T23:30:00Z'))).toISOString()).toBe('2024-01-15T23:00:00.000Z');
    expect(new Date(clock.dayStart(Date.parse('2024-01-15T22:30:00Z'))).toISOString()).toBe('2024-01-14T23:00:00.000Z');
    expect(new Date(clock.dayStart(Date.parse('2024-07-15T22:30:00Z'))).toISOString()).toBe('2024-07-15T22:00:00.000Z');
  });
});
