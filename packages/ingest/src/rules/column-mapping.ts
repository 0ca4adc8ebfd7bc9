import { BuffError } from '@buff/core';
import { ruleError } from './rule-error.js';
import { IGNORED, SOURCE_COLUMNS, type SourceColumn } from './source-columns.js';

export { IGNORED, SOURCE_COLUMNS, type SourceColumn };

export interface ColumnMappingOptions {
  /** Source name -> canonical name, or null to ignore the column. */
  columnMap?: Record<string, string | null>;
  /** Extra accepted names per canonical column (Arrow import: freqtrade's `date`). */
  aliases?: Record<string, SourceColumn>;
  /** For messages: the file and where the header is (`line 1`, or undefined for Arrow schemas). */
  file: string;
  line?: number;
}

/**
 * Maps source column names to slots (0 = timestamp, 1-5 = open, high, low, close, volume,
 * IGNORED = -1). Names match case-insensitively after trimming; the column map wins.
 * Throws UNKNOWN_COLUMN for an unmapped extra column, MISSING_COLUMN for an absent one.
 * @example mapColumns(['Open', 'timestamp', 'high', 'low', 'close', 'volume'], { file: 'a.csv', line: 1 }) // Int8Array [1, 0, 2, 3, 4, 5]
 */
export function mapColumns(names: readonly string[], options: ColumnMappingOptions): Int8Array {
  const { file, line } = options;
  const columnMap = options.columnMap ?? {};
  const slots = new Int8Array(names.length);
  const seen = new Map<number, string>();
  names.forEach((raw, index) => {
    const name = raw.trim();
    let target: string | null | undefined = Object.hasOwn(columnMap, name) ? columnMap[name] : undefined;
    if (target === undefined) target = options.aliases?.[name.toLowerCase()] ?? name.toLowerCase();
    if (target === null) {
      slots[index] = IGNORED;
      return;
    }
    const slot = SOURCE_COLUMNS.indexOf(target as SourceColumn);
    if (slot < 0) {
      if (Object.hasOwn(columnMap, name)) {
        throw new BuffError(
          'INVALID_CONFIG',
          `columnMap maps "${name}" to "${target}", which is not one of ${SOURCE_COLUMNS.join(', ')}`,
          {
            details: { key: `columnMap.${name}`, value: String(target) },
          },
        );
      }
      throw ruleError(
        'UNKNOWN_COLUMN',
        { file, line, column: name },
        name,
        `unknown column (expected ${SOURCE_COLUMNS.join(', ')}; map or ignore it with columnMap / --map ${name}=ignore)`,
      );
    }
    const previous = seen.get(slot);
    if (previous !== undefined) {
      throw ruleError(
        'UNKNOWN_COLUMN',
        { file, line, column: name },
        name,
        `columns "${previous}" and "${name}" both give "${target}"`,
      );
    }
    seen.set(slot, name);
    slots[index] = slot;
  });
  for (let slot = 0; slot < SOURCE_COLUMNS.length; slot++) {
    if (!seen.has(slot)) {
      const column = SOURCE_COLUMNS[slot] as string;
      throw ruleError(
        'MISSING_COLUMN',
        { file, line, column },
        names.join(','),
        `required column "${column}" is absent`,
      );
    }
  }
  return slots;
}
