/**
 * The one error type of Buff. Callers branch on `code`; the CLI maps codes to exit
 * codes and the server maps them to HTTP statuses, each in one table.
 */
export const ErrorCode = {
  // ingest rules (DESIGN.md "Ingest rules")
  MISSING_COLUMN: 'MISSING_COLUMN',
  UNKNOWN_COLUMN: 'UNKNOWN_COLUMN',
  BAD_NUMBER: 'BAD_NUMBER',
  NON_FINITE_NUMBER: 'NON_FINITE_NUMBER',
  TIMESTAMP_NO_ZONE: 'TIMESTAMP_NO_ZONE',
  BAD_TIMESTAMP: 'BAD_TIMESTAMP',
  MIXED_TIMESTAMP_FORMATS: 'MIXED_TIMESTAMP_FORMATS',
  UNORDERED_TIMESTAMP: 'UNORDERED_TIMESTAMP',
  DUPLICATE_TIMESTAMP: 'DUPLICATE_TIMESTAMP',
  WRONG_SPACING: 'WRONG_SPACING',
  HIGH_BELOW_OPEN_CLOSE: 'HIGH_BELOW_OPEN_CLOSE',
  LOW_ABOVE_OPEN_CLOSE: 'LOW_ABOVE_OPEN_CLOSE',
  NEGATIVE_VOLUME: 'NEGATIVE_VOLUME',
  GAP: 'GAP',
  EMPTY_FILE: 'EMPTY_FILE',
  TRUNCATED_LINE: 'TRUNCATED_LINE',
  BAD_ROW: 'BAD_ROW',
  // inputs, configs and lookups
  INVALID_INPUT: 'INVALID_INPUT',
  INVALID_CONFIG: 'INVALID_CONFIG',
  UNKNOWN_TIMEFRAME: 'UNKNOWN_TIMEFRAME',
  UNKNOWN_PROVIDER: 'UNKNOWN_PROVIDER',
  UNKNOWN_STRATEGY: 'UNKNOWN_STRATEGY',
  LOOK_AHEAD: 'LOOK_AHEAD',
  DUPLICATE_REGISTRATION: 'DUPLICATE_REGISTRATION',
  NOT_FOUND: 'NOT_FOUND',
  DATASET_NOT_FOUND: 'DATASET_NOT_FOUND',
  RUN_NOT_FOUND: 'RUN_NOT_FOUND',
  INVALID_ID: 'INVALID_ID',
  DEPENDENCY_MISSING: 'DEPENDENCY_MISSING',
  PROVIDER_UNAVAILABLE: 'PROVIDER_UNAVAILABLE',
  // integrity
  CORRUPT_ARTIFACT: 'CORRUPT_ARTIFACT',
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  ROOT_MISSING: 'ROOT_MISSING',
  LOCK_TIMEOUT: 'LOCK_TIMEOUT',
  CONFLICT: 'CONFLICT',
  // the filesystem refused (disk full, I/O error, permission): the path is in details.file
  NO_SPACE: 'NO_SPACE',
  IO_ERROR: 'IO_ERROR',
  // server and runtime safety
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  RATE_LIMITED: 'RATE_LIMITED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  KILL_SWITCH_ON: 'KILL_SWITCH_ON',
  FEATURE_DISABLED: 'FEATURE_DISABLED',
  TOO_MANY_JOBS: 'TOO_MANY_JOBS',
  // notifications and release checks
  NOTIFY_FAILED: 'NOTIFY_FAILED',
  PREFLIGHT_FAILED: 'PREFLIGHT_FAILED',
  RELEASE_GATE_FAILED: 'RELEASE_GATE_FAILED',
  // ml
  GATE_FAILED: 'GATE_FAILED',
  PROMOTION_REFUSED: 'PROMOTION_REFUSED',
  INSUFFICIENT_DATA: 'INSUFFICIENT_DATA',
  // anything else
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Where in an input a problem was found; every field optional, all that is known is given. */
export interface ErrorLocation {
  file?: string;
  line?: number;
  column?: string;
  key?: string;
  value?: string;
  rule?: string;
}

export interface BuffErrorOptions {
  cause?: unknown;
  details?: ErrorLocation & Record<string, unknown>;
}

/**
 * @example
 * throw new BuffError('GAP', 'gap of 3 minutes', { details: { file, line: 12, rule: 'GAP' } });
 */
export class BuffError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorLocation & Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: BuffErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BuffError';
    this.code = code;
    this.details = options.details ?? {};
  }

  /**
   * One line naming the code, file, line and key, then the message, then the rule and the value (each when known,
   * and each only once: the file and line only when the message does not name the file, the rule only when it is
   * not the code, the value only when the message does not show it), as the CLI prints it.
   * @example
   * new BuffError('GAP', 'gap of 3 minutes', { details: { file: 'a.csv', line: 12, rule: 'GAP', value: '00:03' } }).toLine()
   * // 'GAP a.csv:line 12: gap of 3 minutes (value "00:03")'
   */
  toLine(): string {
    const d = this.details;
    // the code is said once, and the place only when the message does not already name the file
    const placeShown = d.file !== undefined && this.message.includes(d.file);
    const where = [
      placeShown ? undefined : d.file,
      placeShown || d.line === undefined ? undefined : `line ${d.line}`,
      d.key ? `key ${d.key}` : undefined,
    ]
      .filter((part) => part !== undefined)
      .join(':');
    const shown = d.value === undefined || d.value === null ? undefined : String(d.value);
    const facts = [
      d.rule && d.rule !== this.code ? `rule ${d.rule}` : undefined,
      shown !== undefined && !this.message.includes(shown) ? `value ${JSON.stringify(shown)}` : undefined,
    ].filter((part) => part !== undefined);
    return `${this.code}${where ? ` ${where}` : ''}: ${this.message}${facts.length > 0 ? ` (${facts.join(', ')})` : ''}`;
  }

  toJSON(): { code: ErrorCode; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** True when `err` is a BuffError (optionally with the given code). */
export function isBuffError(err: unknown, code?: ErrorCode): err is BuffError {
  return err instanceof BuffError && (code === undefined || err.code === code);
}
