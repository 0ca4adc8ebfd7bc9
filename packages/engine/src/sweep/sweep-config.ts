import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { BuffError, parseOrThrow } from '@buff/core';

const DottedKeySchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/, 'a dotted run-config key such as strategy.params.fast');
const ScalarSchema = z.union([z.number(), z.string(), z.boolean()]);
const RangeSchema = z
  .object({ min: z.number(), max: z.number(), step: z.number().positive() })
  .strict()
  .refine((r) => r.max >= r.min, 'max must not be below min');

/**
 * A sweep config: a base run config, a grid (or a seeded random search) over dotted keys of it, and
 * walk-forward folds. Strict: an unknown key anywhere is refused with its path.
 */
export const SweepConfigSchema = z
  .object({
    name: z.string().min(1).max(120),
    /** The base run config, a path relative to the sweep config's folder. */
    base: z.string().min(1),
    grid: z.record(DottedKeySchema, z.array(ScalarSchema).min(1).max(1000)).optional(),
    random: z
      .object({
        seed: z.number().int(),
        samples: z.number().int().min(1).max(100_000),
        space: z.record(DottedKeySchema, z.union([z.array(ScalarSchema).min(1), RangeSchema])),
      })
      .strict()
      .optional(),
    walkForward: z
      .object({ scheme: z.enum(['rolling', 'anchored']).default('rolling'), folds: z.number().int().min(1).max(50) })
      .strict(),
    /** Blocks for the CSCV estimate of the probability of backtest overfitting (even; C(S, S/2) splits). */
    cscvBlocks: z
      .number()
      .int()
      .min(2)
      .max(16)
      .refine((n) => n % 2 === 0, 'an even number')
      .default(8),
    /** Publish the full run artifacts of the best cell (`best`) or of none. */
    keep: z.enum(['best', 'none']).default('best'),
  })
  .strict()
  .refine((c) => (c.grid === undefined) !== (c.random === undefined), {
    message: 'give exactly one of grid and random',
    path: ['grid'],
  });

export type SweepConfig = z.infer<typeof SweepConfigSchema>;
export type SweepConfigInput = z.input<typeof SweepConfigSchema>;

/**
 * Parses a sweep config from YAML/JSON text or an object; errors name the file and key.
 * @example const sweep = parseSweepConfig(readFileSync('sweep.yml', 'utf8'), 'sweep.yml');
 */
export function parseSweepConfig(input: string | object, sourceName = 'sweep config'): SweepConfig {
  let raw: unknown = input;
  if (typeof input === 'string') {
    try {
      raw = parseYaml(input);
    } catch (err) {
      throw new BuffError('INVALID_CONFIG', `${sourceName}: not valid YAML or JSON: ${(err as Error).message}`, {
        details: { file: sourceName, rule: 'SYNTAX' },
      });
    }
  }
  return parseOrThrow(SweepConfigSchema, raw, 'INVALID_CONFIG', { what: sourceName, file: sourceName });
}
