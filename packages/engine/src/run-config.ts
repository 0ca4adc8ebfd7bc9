import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { IANAZone } from 'luxon';
import { BuffError, Sha256Schema, SymbolSchema, TagSchema, TimeframeSchema, parseOrThrow } from '@buff/core';
import { GuardrailsConfigSchema } from './guardrails-config.js';
import { splitDryRunConfig } from './dryrun/session-files.js';
import { parseNotifyConfig } from './notify/notify-config.js';

const IsoInstantSchema = z
  .string()
  .regex(/(Z|[+-]\d\d:\d\d)$/, 'an ISO time with an explicit zone (Z or +hh:mm)')
  .refine((value) => Number.isFinite(Date.parse(value)), 'not a valid ISO time')
  .transform((value) => new Date(Date.parse(value)).toISOString());

const DataConfigSchema = z
  .object({
    /** `store`: read the dataset store; `synthetic`: the builder synthesizes 1m bars and stores them first. */
    provider: z.enum(['store', 'synthetic']).default('store'),
    /** Pin a symbol's input to a stored table by content id (store provider). */
    datasets: z.record(SymbolSchema, Sha256Schema).optional(),
    synthetic: z
      .object({
        seed: z.number().int().default(7),
        signal: z.number().min(0).max(1).default(0),
        /** First 1m candle; defaults to window.since. */
        start: IsoInstantSchema.optional(),
        /** Days of 1m candles; defaults to the window's length. */
        days: z.number().positive().max(3660).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/**
 * A run config (DESIGN.md "Runs"): strict, so an unknown key anywhere is rejected with its path.
 * Defaults are filled in by parsing; the parsed (normalized) config is what the run id hashes.
 */
export const RunConfigSchema = z
  .object({
    name: z.string().min(1).max(120),
    strategy: z.object({ name: z.string().min(1), params: z.record(z.string(), z.unknown()).default({}) }).strict(),
    symbols: z.array(SymbolSchema).min(1).max(64),
    timeframe: TimeframeSchema,
    window: z
      .object({
        since: IsoInstantSchema,
        until: IsoInstantSchema,
        /** Build even when the data cover only part of the window (the covered span is in the manifest). */
        allowPartial: z.boolean().optional(),
      })
      .strict(),
    data: DataConfigSchema.default({ provider: 'store' }),
    capital: z
      .object({
        initial: z.number().positive().default(100_000),
        /** Weight per symbol (normalized to sum 1); equal weights when absent. */
        allocation: z.record(SymbolSchema, z.number().positive()).optional(),
      })
      .strict()
      .default({ initial: 100_000 }),
    fees: z
      .object({ feeBps: z.number().min(0).max(1000).default(10), slippageBps: z.number().min(0).max(1000).default(0) })
      .strict()
      .default({ feeBps: 10, slippageBps: 0 }),
    /** Position notional = fraction x the symbol's allocation of current equity. */
    sizing: z
      .object({ fraction: z.number().positive().max(1).default(1) })
      .strict()
      .default({ fraction: 1 }),
    allowShort: z.boolean().default(false),
    guardrails: GuardrailsConfigSchema.prefault({}),
    seed: z.number().int().default(0),
  })
  .strict();

export type RunConfig = z.infer<typeof RunConfigSchema>;
export type RunConfigInput = z.input<typeof RunConfigSchema>;

/** A config file's `tags:` (registry metadata): up to 32 tags, as `buff runs tag` takes them. */
const RunTagsSchema = z.object({ tags: z.array(TagSchema).max(32) }).strict();

/**
 * Parses a run config from YAML or JSON text (or an object), applies defaults and checks the
 * rules zod cannot see alone. Every failure is INVALID_CONFIG with the bad key's path in `details.key`.
 * A top-level `tags:` list is accepted and left out (see {@link parseRunConfigWithTags}).
 * @example const config = parseRunConfig(readFileSync('configs/run_demo.yml', 'utf8'), 'configs/run_demo.yml');
 */
export function parseRunConfig(input: string | unknown, sourceName = 'run config'): RunConfig {
  return parseRunConfigWithTags(input, sourceName).config;
}

/**
 * {@link parseRunConfig} that also returns the config's top-level `tags:` (sorted, without
 * duplicates; [] when absent). Tags are taken off before parsing: they are registry metadata, so
 * the same config with or without tags has the same run id and manifest. A dry-run config's `dryrun:`
 * section is checked (DryRunSectionSchema) and taken off the same way, and so is its `notify:` section.
 * @example const { config, tags } = parseRunConfigWithTags('name: a\ntags: [baseline]\n...', 'run.yml');
 */
export function parseRunConfigWithTags(
  input: string | unknown,
  sourceName = 'run config',
): { config: RunConfig; tags: string[] } {
  let raw: unknown = input;
  if (typeof input === 'string') {
    try {
      raw = parseYaml(input);
    } catch (err) {
      throw new BuffError('INVALID_CONFIG', `${sourceName}: not valid YAML or JSON: ${(err as Error).message}`, {
        cause: err,
        details: { file: sourceName, rule: 'syntax' },
      });
    }
  }
  refuseProtoKeys(raw, sourceName);
  // a dry-run config's `dryrun:` section (feed, ccxt, per-symbol models) is checked and taken off:
  // one file serves the dry run and its backtest baseline, with the same run id and manifest
  raw = splitDryRunConfig(raw, sourceName).config;
  // so is its `notify:` section (which notifiers a session sends to): checked, then left out
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw) && Object.hasOwn(raw, 'notify')) {
    const { notify, ...rest } = raw as Record<string, unknown>;
    parseNotifyConfig(notify, sourceName);
    raw = rest;
  }
  let tags: string[] = [];
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw) && Object.hasOwn(raw, 'tags')) {
    const { tags: given, ...rest } = raw as Record<string, unknown>;
    const parsed = parseOrThrow(RunTagsSchema, { tags: given }, 'INVALID_CONFIG', {
      what: sourceName,
      file: sourceName,
    });
    tags = [...new Set(parsed.tags)].sort();
    raw = rest;
  }
  const config = parseOrThrow(RunConfigSchema, raw, 'INVALID_CONFIG', { what: sourceName, file: sourceName });
  checkRules(config, sourceName);
  return { config, tags };
}

/**
 * A `__proto__` key anywhere is refused by name: zod copies records (strategy params, allocation,
 * pinned datasets) into fresh objects, where assigning `__proto__` sets the prototype and the key
 * would vanish instead of being reported as unknown.
 */
function refuseProtoKeys(value: unknown, sourceName: string, path: string[] = []): void {
  // deeper than any record in the schema: left to zod (no unbounded recursion on hostile input)
  if (typeof value !== 'object' || value === null || path.length > 32) return;
  for (const [key, child] of Object.entries(value)) {
    const at = [...path, key];
    if (key === '__proto__') {
      throw new BuffError('INVALID_CONFIG', `${sourceName}: unknown key "${at.join('.')}"`, {
        details: { file: sourceName, key: at.join('.'), rule: 'unrecognized_keys' },
      });
    }
    refuseProtoKeys(child, sourceName, at);
  }
}

function checkRules(config: RunConfig, sourceName: string): void {
  const fail = (key: string, message: string, value?: unknown): never => {
    throw new BuffError('INVALID_CONFIG', `${sourceName}: key "${key}": ${message}`, {
      details: {
        file: sourceName,
        key,
        rule: 'INVALID_CONFIG',
        value: value === undefined ? undefined : String(value),
      },
    });
  };
  if (Date.parse(config.window.until) <= Date.parse(config.window.since)) {
    fail(
      'window.until',
      `until (${config.window.until}) must be after since (${config.window.since})`,
      config.window.until,
    );
  }
  const seen = new Set<string>();
  for (const [i, symbol] of config.symbols.entries()) {
    if (seen.has(symbol)) fail(`symbols.${i}`, `symbol ${symbol} is listed twice`, symbol);
    seen.add(symbol);
  }
  for (const symbol of Object.keys(config.capital.allocation ?? {})) {
    if (!seen.has(symbol))
      fail(`capital.allocation.${symbol}`, `allocation for a symbol not in symbols: ${symbol}`, symbol);
  }
  for (const symbol of Object.keys(config.data.datasets ?? {})) {
    if (!seen.has(symbol))
      fail(`data.datasets.${symbol}`, `dataset pinned for a symbol not in symbols: ${symbol}`, symbol);
  }
  if (config.data.provider === 'synthetic' && config.data.datasets)
    fail('data.datasets', 'pinned datasets need provider "store"');
  if (config.data.provider === 'store' && config.data.synthetic)
    fail('data.synthetic', 'synthetic options need provider "synthetic"');
  if (config.guardrails.timezone !== 'UTC' && !isKnownZone(config.guardrails.timezone)) {
    fail('guardrails.timezone', `unknown IANA time zone "${config.guardrails.timezone}"`, config.guardrails.timezone);
  }
}

const knownZones = new Set<string>();

/**
 * Whether Intl knows the IANA zone, remembered per name: luxon's check builds a formatter each time
 * (~0.5 ms, 3% of a warm sweep cell, which parses its config once per cell).
 */
function isKnownZone(zone: string): boolean {
  if (knownZones.has(zone)) return true;
  const known = IANAZone.isValidZone(zone);
  if (known) knownZones.add(zone);
  return known;
}

/**
 * Capital weight per symbol, in config order, normalized to sum 1.
 * @example allocationWeights(config) // [0.5, 0.5]
 */
export function allocationWeights(config: RunConfig): number[] {
  const raw = config.symbols.map((symbol) =>
    config.capital.allocation ? (config.capital.allocation[symbol] ?? 0) : 1,
  );
  const total = raw.reduce((sum, w) => sum + w, 0);
  if (!(total > 0)) {
    throw new BuffError('INVALID_CONFIG', 'capital.allocation gives no symbol a positive weight', {
      details: { key: 'capital.allocation' },
    });
  }
  return raw.map((w) => w / total);
}
