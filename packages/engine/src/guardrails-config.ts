import { z } from 'zod';

const Pct = z.number().gt(0).max(100).nullable();

/**
 * Guardrail settings after presets are applied: every rule present, `null` when off.
 * Loss limits and the profit target are percentages of initial capital; `maxPositionPct`
 * is a percentage of current equity per position.
 */
export const ResolvedGuardrailsSchema = z
  .object({
    preset: z.enum(['none', 'ftmo-2step']),
    maxDailyLossPct: Pct,
    maxTotalLossPct: Pct,
    trailing: z.boolean(),
    maxPositionPct: Pct,
    maxOpenPositions: z.number().int().positive().nullable(),
    timezone: z.string().min(1),
    profitTargetPct: z.number().gt(0).nullable(),
    minTradingDays: z.number().int().nonnegative().nullable(),
  })
  .strict();
export type ResolvedGuardrails = z.infer<typeof ResolvedGuardrailsSchema>;

/**
 * Guardrail presets. `ftmo-2step` encodes FTMO's published 2-Step rules: max daily loss 5% of
 * initial capital against the balance at midnight Europe/Prague (CE(S)T), max loss 10% of initial
 * capital (static), profit target 10%, 4 minimum trading days.
 */
export const GUARDRAIL_PRESETS: Record<ResolvedGuardrails['preset'], ResolvedGuardrails> = {
  none: {
    preset: 'none',
    maxDailyLossPct: null,
    maxTotalLossPct: null,
    trailing: false,
    maxPositionPct: null,
    maxOpenPositions: null,
    timezone: 'UTC',
    profitTargetPct: null,
    minTradingDays: null,
  },
  'ftmo-2step': {
    preset: 'ftmo-2step',
    maxDailyLossPct: 5,
    maxTotalLossPct: 10,
    trailing: false,
    maxPositionPct: null,
    maxOpenPositions: null,
    timezone: 'Europe/Prague',
    profitTargetPct: 10,
    minTradingDays: 4,
  },
};

/**
 * The `guardrails` section of a run config: a preset plus overrides; parsing resolves it so
 * the normalized config states every rule explicitly.
 */
export const GuardrailsConfigSchema = ResolvedGuardrailsSchema.partial()
  .strict()
  .transform((given): ResolvedGuardrails => {
    const base = GUARDRAIL_PRESETS[given.preset ?? 'none'];
    const defined = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
    return { ...base, ...defined } as ResolvedGuardrails;
  });
