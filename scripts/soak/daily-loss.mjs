// The soak's FTMO check: each symbol-day on which max_daily_loss blocked an entry, whether the block held until
// midnight Europe/Prague (no position open and no entry for the rest of that day: the guardrail tags the
// decisions that wanted to trade, the others hold flat) and whether trading resumed after it (a position open on
// the next day). scripts/soak/soak-checks.mjs.
import { readObservedRun } from '@buff/engine';

const ENTRIES = new Set(['enter_long', 'enter_short', 'reverse_to_long', 'reverse_to_short']);

/**
 * Daily-loss episodes of each lane's snapshot: `list` ({ symbol, day, first, blocked, heldToMidnight, liftedAfter,
 * early }), `blocked` decisions in all, `throughMidnight` episodes held to midnight and lifted on the next day,
 * `liftedEarly` episodes where a position was open or entered after the first block of the day.
 */
export function dailyLossEpisodes(lanes) {
  const list = [];
  for (const { symbol, dir } of lanes) {
    const decisions = readObservedRun(dir).decisions.filter((d) => d.symbol === symbol);
    const days = decisions.map((d) => pragueDay(d.ts));
    for (let i = 0; i < decisions.length; i++) {
      const day = days[i];
      if (decisions[i].guardrail !== 'max_daily_loss' || list.some((e) => e.symbol === symbol && e.day === day))
        continue;
      list.push({ symbol, day, first: new Date(decisions[i].ts).toISOString(), ...episodeFrom(decisions, days, i) });
    }
  }
  return {
    list,
    blocked: list.reduce((n, e) => n + e.blocked, 0),
    throughMidnight: list.filter((e) => e.heldToMidnight && e.liftedAfter === true).length,
    liftedEarly: list.filter((e) => !e.heldToMidnight).length,
  };
}

/** From the first block at `i` to the end of its day, then the next day (liftedAfter undefined: the session ended). */
function episodeFrom(decisions, days, i) {
  const day = days[i];
  let j = i;
  let blocked = 0;
  let early;
  for (; j < decisions.length && days[j] === day; j++) {
    const d = decisions[j];
    if (d.guardrail === 'max_daily_loss') blocked++;
    if (j > i && early === undefined && (d.position !== 0 || ENTRIES.has(d.action)))
      early = `${new Date(d.ts).toISOString()} ${d.action} position ${d.position}`;
  }
  let liftedAfter;
  for (let k = j; k < decisions.length && days[k] === days[j]; k++) {
    liftedAfter = liftedAfter === true || decisions[k].position !== 0;
  }
  return { blocked, heldToMidnight: early === undefined, liftedAfter, ...(early ? { early } : {}) };
}

const PRAGUE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Prague',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** YYYY-MM-DD in Europe/Prague (FTMO's day). */
export function pragueDay(ts) {
  return PRAGUE.format(new Date(ts));
}
