import { BuffError, type ErrorCode } from '@buff/core';

/** Where a rule failed: a CSV line (1-based, header = line 1) or an Arrow row (1-based). */
export interface RulePlace {
  file: string;
  line?: number;
  row?: number;
  column?: string;
}

/**
 * The error of a failed ingest rule. The message names the rule, the file, the line (or row)
 * and the offending value; `details` carries { file, line|row, column, value, rule }.
 * @example throw ruleError('NEGATIVE_VOLUME', { file: 'a.csv', line: 7, column: 'volume' }, '-3', 'volume is negative');
 */
export function ruleError(code: ErrorCode, place: RulePlace, value: string, reason: string): BuffError {
  const where =
    place.line !== undefined ? `line ${place.line}` : place.row !== undefined ? `row ${place.row}` : 'header';
  const column = place.column === undefined ? '' : `, column "${place.column}"`;
  const message = `${code} in ${place.file} ${where}${column}: ${reason}: "${clip(value)}"`;
  return new BuffError(code, message, { details: { ...place, value, rule: code } });
}

/** Keeps messages one line and short. */
function clip(value: string): string {
  const flat = value.replace(/[\r\n]+/g, ' ');
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}
