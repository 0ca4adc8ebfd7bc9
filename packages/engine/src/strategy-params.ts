import { z } from 'zod';
import { listStrategies } from './strategy-registry.js';

/** One parameter of a strategy pack, as its params schema declares it. */
export interface StrategyParamInfo {
  name: string;
  /** JSON Schema type: integer, number, string, boolean, object. */
  type: string;
  required: boolean;
  /** The value used when a config leaves the parameter out (undefined when it has none). */
  default?: unknown;
  description?: string;
  /** Bounds and choices, e.g. ">= 1, <= 10000" or "champion | candidate". */
  range?: string;
}

/** A registered strategy pack described for people and tools: its parameters and their JSON Schema. */
export interface StrategyInfo {
  name: string;
  description: string;
  inputNames: readonly string[];
  params: StrategyParamInfo[];
  /** The params schema as JSON Schema (draft 2020-12, the input side: defaults make params optional). */
  paramsJsonSchema: Record<string, unknown>;
}

interface JsonSchemaNode {
  type?: string;
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: unknown[];
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
}

/** Bounds and choices of a JSON Schema node, in words (the safe-integer maximum zod adds is left out). */
function rangeOf(node: JsonSchemaNode): string | undefined {
  const parts = [
    node.minimum === undefined ? undefined : `>= ${node.minimum}`,
    node.exclusiveMinimum === undefined ? undefined : `> ${node.exclusiveMinimum}`,
    node.maximum === undefined || node.maximum === Number.MAX_SAFE_INTEGER ? undefined : `<= ${node.maximum}`,
    node.exclusiveMaximum === undefined ? undefined : `< ${node.exclusiveMaximum}`,
    node.enum === undefined ? undefined : node.enum.map(String).join(' | '),
  ].filter((part) => part !== undefined);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/**
 * Every registered strategy pack with its parameters (type, default, bounds, description), read from
 * its params schema, sorted by name.
 * @example describeStrategies().find((s) => s.name === 'sma-cross')?.params.map((p) => [p.name, p.default])
 * // [['fast', 10], ['slow', 30]]
 */
export function describeStrategies(): StrategyInfo[] {
  return listStrategies().map((strategy) => {
    const schema = z.toJSONSchema(strategy.paramsSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode &
      Record<string, unknown>;
    const required = new Set(schema.required ?? []);
    const params = Object.entries(schema.properties ?? {}).map(([name, node]) => ({
      name,
      type: node.type ?? 'any',
      required: required.has(name),
      ...(node.default === undefined ? {} : { default: node.default }),
      ...(node.description === undefined ? {} : { description: node.description }),
      ...(rangeOf(node) === undefined ? {} : { range: rangeOf(node) }),
    }));
    return {
      name: strategy.name,
      description: strategy.description,
      inputNames: strategy.inputNames,
      params,
      paramsJsonSchema: schema,
    };
  });
}
