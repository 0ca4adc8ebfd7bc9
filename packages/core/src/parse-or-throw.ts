import type { z } from 'zod';
import { BuffError, type ErrorCode } from './errors.js';

/** What is being parsed, for the error: a name (a file path or `train options`), or a name with more context. */
export type ParseSource =
  | string
  | {
      /** Names the input in the message (`models/x/evaluation.json`, `feature options`). */
      what: string;
      /** The file the value came from (details.file). */
      file?: string;
      /** The rule to report instead of zod's issue code (details.rule), e.g. `MODEL_CARD`. */
      rule?: string;
      /** Where the value sits in a larger input: keys are reported as `strategy.params.fast`. */
      path?: readonly string[];
    };

/**
 * Parses `value` with a zod schema, or throws one BuffError with `code` naming the source, the first bad key
 * (`details.key`, an unknown key included), zod's rule (`details.rule`, unless the source gives its own), the bad
 * value when it is a plain one (`details.value`) and every issue (`details.issues`). The one zod -> BuffError
 * conversion of Buff.
 * @example
 * const gates = parseOrThrow(GatesSchema, input, 'INVALID_CONFIG', 'gates');
 * // throws INVALID_CONFIG "gates: minAccuracy: Too big: expected number to be <=1", details.key 'minAccuracy'
 */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  code: ErrorCode,
  source: ParseSource,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw zodError(parsed.error.issues, value, code, source);
}

/**
 * The BuffError for zod issues (as `parseOrThrow` throws it), for callers that hold a failed `safeParse` already.
 * @example if (!parsed.success) throw zodError(parsed.error.issues, input, 'INVALID_INPUT', 'query');
 */
export function zodError(
  issues: readonly z.core.$ZodIssue[],
  value: unknown,
  code: ErrorCode,
  source: ParseSource,
): BuffError {
  const where = typeof source === 'string' ? { what: source } : source;
  const first = issues[0];
  const inner = first ? first.path.map(String) : [];
  const unknownKey = first?.code === 'unrecognized_keys' ? first.keys[0] : undefined;
  const key = [...(where.path ?? []), ...inner, ...(unknownKey === undefined ? [] : [unknownKey])].join('.');
  const bad = plainValue(valueAt(value, first?.path ?? []));
  // an issue with the value itself (a symbol, a name) names the value; one inside an object names the key
  const atRoot = inner.length === 0 && unknownKey === undefined;
  const name = atRoot && bad !== undefined ? `${where.what} ${JSON.stringify(bad)}` : where.what;
  const what =
    unknownKey !== undefined
      ? `unknown key "${key}"`
      : atRoot
        ? (first?.message ?? 'invalid')
        : `${key}: ${first?.message ?? 'invalid'}`;
  return new BuffError(code, `${name}: ${what}`, {
    details: {
      ...(where.file === undefined ? {} : { file: where.file }),
      key,
      rule: where.rule ?? first?.code ?? 'invalid',
      ...(bad === undefined || unknownKey !== undefined ? {} : { value: bad }),
      issues: issues.map((issue) => ({ ...issue })),
    },
  });
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let at = value;
  for (const step of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<PropertyKey, unknown>)[step];
  }
  return at;
}

/** A value short enough to print: strings, numbers, booleans and null (cut at 80 characters), else undefined. */
function plainValue(value: unknown): string | undefined {
  if (value === null || ['string', 'number', 'boolean', 'bigint'].includes(typeof value))
    return String(value).slice(0, 80);
  return undefined;
}
