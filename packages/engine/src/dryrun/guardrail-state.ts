import { z } from 'zod';
import type { Lane } from './lane.js';

/**
 * One lane's guardrails after its last handled bar, as runtime.json carries them for /dryrun/:id:
 * the local day (the guardrails' time zone, Europe/Prague for ftmo-2step), today's loss floor (the
 * balance at the day's start minus the daily limit), the total floor, the equity marked at the last
 * bar and how far it is above today's floor. Floors are null when their rule is off.
 */
export const LaneGuardrailSchema = z
  .object({
    symbol: z.string(),
    /** The last bar used (ms), null before the first. */
    ts: z.number().nullable(),
    timezone: z.string(),
    /** Start (ms, UTC) of the local day of the last bar. */
    dayStart: z.number().nullable(),
    dayStartBalance: z.number(),
    dailyFloor: z.number().nullable(),
    totalFloor: z.number().nullable(),
    equity: z.number(),
    /** Equity minus today's floor (null when the daily rule is off). */
    distance: z.number().nullable(),
    /** Today's floor was crossed: entries are blocked until the next local day. */
    dailyBreached: z.boolean(),
    /** The total floor was crossed: the lane stopped trading. */
    stopped: z.boolean(),
  })
  .strict();
export type LaneGuardrail = z.infer<typeof LaneGuardrailSchema>;

const orNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

/**
 * A lane's guardrail state now (read from its simulation's own monitor, so it is the floor the
 * backtest enforces, not a second computation).
 * @example laneGuardrail(lane).distance // 412.5: equity above today's loss floor
 */
export function laneGuardrail(lane: Lane): LaneGuardrail {
  const g = lane.simulation.guardrailState();
  const dailyFloor = orNull(g.dailyFloor);
  return {
    symbol: lane.symbol,
    ts: orNull(lane.lastTs),
    timezone: lane.prepared.config.guardrails.timezone,
    dayStart: orNull(g.dayStart),
    dayStartBalance: g.dayStartBalance,
    dailyFloor,
    totalFloor: orNull(g.totalFloor),
    equity: g.equity,
    distance: dailyFloor === null ? null : g.equity - dailyFloor,
    dailyBreached: g.dailyBreached,
    stopped: g.stopped,
  };
}
