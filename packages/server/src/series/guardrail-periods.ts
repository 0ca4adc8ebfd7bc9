/** A stretch of bars during which a guardrail refused entries (or the run had stopped). */
export interface GuardrailPeriod {
  /** First refused bar (UTC seconds). */
  from: number;
  /** End of the last refused bar (its open + one bar, UTC seconds). */
  to: number;
  guardrail: string;
  /** Decisions the guardrail shaped in the period (blocked entries, forced exits, stopped bars). */
  bars: number;
}

const REFUSING = new Set(['max_daily_loss', 'max_total_loss', 'max_open_positions']);
/** Actions that show the strategy could trade again: they end a period. */
const TRADING = new Set(['enter_long', 'enter_short', 'reverse_to_long', 'reverse_to_short']);
const DAY_S = 24 * 3600;

/**
 * Guardrail refusals as periods instead of one marker per bar. One symbol's decisions (in bar
 * order) are scanned; a period runs from the first bar a guardrail refused to the last bar the
 * same guardrail refused, as long as the strategy made no entry in between. A daily-loss period
 * is also cut where refusals are more than a day apart (the block lifts at the day boundary).
 * @example guardrailPeriods({ ts, action, guardrail }, 60)
 */
export function guardrailPeriods(
  decisions: {
    ts: Array<number | string | null>;
    action: Array<number | string | null>;
    guardrail: Array<number | string | null>;
  },
  barSeconds: number,
): GuardrailPeriod[] {
  const periods: GuardrailPeriod[] = [];
  let open: GuardrailPeriod | undefined;
  for (let i = 0; i < decisions.ts.length; i++) {
    const time = (decisions.ts[i] as number) / 1000;
    const action = String(decisions.action[i] ?? '');
    const guardrail = String(decisions.guardrail[i] ?? '');
    if (TRADING.has(action) && !REFUSING.has(guardrail)) {
      open = undefined;
      continue;
    }
    if (!REFUSING.has(guardrail) || action === 'hold') continue;
    const apart = open !== undefined && guardrail === 'max_daily_loss' && time - open.to > DAY_S;
    if (open !== undefined && open.guardrail === guardrail && !apart) {
      open.to = time + barSeconds;
      open.bars++;
      continue;
    }
    open = { from: time, to: time + barSeconds, guardrail, bars: 1 };
    periods.push(open);
  }
  return periods;
}
