import { BuffError, type ErrorCode } from '@buff/core';
import { clipText, QUOTED_CHARS } from './clip-text.js';

/** Where a rule failed: a CSV line (1-based, header = line 1) or an Arrow row (1-based). */
export interface RulePlace {
  file: string;
  line?: number;
  row?: number;
  column?: string;
}

/** How a rule check builds its error: {@link ruleError}, or plain records in the parse worker (which loads no @buff/core). */
export type RuleFailure = (code: ErrorCode, place: RulePlace, value: string, reason: string) => Error;

/**
 * The error of a failed ingest rule (its code is the rule). The message names the file, the line (or row)
 * and the offending value; `details` carries { file, line|row, column, value, rule }.
 * @example throw ruleError('NEGATIVE_VOLUME', { file: 'a.csv', line: 7, column: 'volume' }, '-3', 'volume is negative');
 */
export function ruleError(code: ErrorCode, place: RulePlace, value: string, reason: string): BuffError {
  const where =
    place.line !== undefined ? `line ${place.line}` : place.row !== undefined ? `row ${place.row}` : 'header';
  const column = place.column === undefined ? '' : `, column "${clipText(place.column)}"`;
  // the code is the error's own field: the message names the place, the reason and the value
  const message = `${place.file} ${where}${column}: ${clipText(reason, 400)}: "${clipText(value)}"`;
  // details stay bounded too: a 1 MB field is not copied into every log line and JSON answer
  const long = value.length > QUOTED_CHARS;
  const details = { ...place, value: long ? clipText(value) : value, rule: code };
  if (place.column !== undefined && place.column.length > QUOTED_CHARS) details.column = clipText(place.column);
  return new BuffError(code, message, { details: long ? { ...details, valueLength: value.length } : details });
}
