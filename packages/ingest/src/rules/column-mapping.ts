import { BuffError } from '@buff/core';
import { clipText } from './clip-text.js';
import { ruleError } from './rule-error.js';
import { IGNORED, SOURCE_COLUMNS, TIMESTAMP_ALIASES, type SourceColumn } from './source-columns.js';

export { IGNORED, SOURCE_COLUMNS, TIMESTAMP_ALIASES, type SourceColumn };

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
  if (line !== undefined) refuseOtherDelimiter(names, file, line);
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
        `unknown column (expected ${SOURCE_COLUMNS.join(', ')}; ${mapHint(name)})`,
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

/** How to map an unknown column: a time-like name is probably the candle time. */
function mapHint(name: string): string {
  if (/date|time/i.test(name)) return `if it holds the candle time, map it with columnMap / --map ${name}=timestamp`;
  return `map or ignore it with columnMap / --map ${name}=ignore`;
}

/**
 * A CSV header split on commas into one name holding semicolons is a semicolon-separated file: said
 * as such (Buff reads comma-separated files), not as an unknown column. A header with both is ambiguous.
 */
function refuseOtherDelimiter(names: readonly string[], file: string, line: number): void {
  const semicolons = names.filter((name) => name.includes(';')).length;
  if (semicolons === 0) return;
  const header = names.join(',');
  const message =
    names.length === 1
      ? `${file} line ${line}: the header is separated by semicolons (;), not commas: Buff reads comma-separated CSV; convert the file (e.g. with a spreadsheet's CSV export, or sed 's/;/,/g' when no field holds a comma or a decimal comma)`
      : `${file} line ${line}: the header holds both commas and semicolons, so its delimiter is ambiguous: Buff reads comma-separated CSV with no semicolon in a column name`;
  throw new BuffError('INVALID_INPUT', message, {
    details: { file, line, rule: 'CSV_DELIMITER', value: clipText(header) },
  });
}
