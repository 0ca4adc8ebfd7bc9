import { BuffError } from './errors.js';

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, `undefined` members dropped,
 * non-finite numbers refused. Equal values give equal strings, so hashes of it are content ids.
 * @example canonicalJson({ b: 1, a: [2, 'x'] }) // '{"a":[2,"x"],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) {
        throw new BuffError('INVALID_INPUT', `canonical JSON refuses non-finite number at ${path}`, {
          details: { key: path, value: String(value) },
        });
      }
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((item, i) => (item === undefined ? 'null' : write(item, `${path}[${i}]`))).join(',')}]`;
      }
      const record = value as Record<string, unknown>;
      if (typeof (record as { toJSON?: unknown }).toJSON === 'function') {
        return write((record as { toJSON: () => unknown }).toJSON(), path);
      }
      const keys = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort();
      return `{${keys.map((key) => `${JSON.stringify(key)}:${write(record[key], `${path}.${key}`)}`).join(',')}}`;
    }
    default:
      throw new BuffError('INVALID_INPUT', `canonical JSON refuses a ${typeof value} at ${path}`, {
        details: { key: path },
      });
  }
}

/** Canonical JSON pretty-printed with two spaces and a final newline, for files people read. */
export function canonicalJsonPretty(value: unknown): string {
  return `${JSON.stringify(JSON.parse(canonicalJson(value)), null, 2)}\n`;
}
