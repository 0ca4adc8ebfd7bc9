import { ErrorCode, ioErrorOf, isBuffError } from '@buff/core';

/**
 * The one table from error code to HTTP status. Every JSON error the server sends takes
 * its status from here (the type makes it list every code).
 * @example ERROR_STATUS.KILL_SWITCH_ON // 503
 */
export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {
  MISSING_COLUMN: 422,
  UNKNOWN_COLUMN: 422,
  BAD_NUMBER: 422,
  NON_FINITE_NUMBER: 422,
  TIMESTAMP_NO_ZONE: 422,
  BAD_TIMESTAMP: 422,
  MIXED_TIMESTAMP_FORMATS: 422,
  UNORDERED_TIMESTAMP: 422,
  DUPLICATE_TIMESTAMP: 422,
  WRONG_SPACING: 422,
  HIGH_BELOW_OPEN_CLOSE: 422,
  LOW_ABOVE_OPEN_CLOSE: 422,
  NEGATIVE_VOLUME: 422,
  GAP: 422,
  EMPTY_FILE: 422,
  TRUNCATED_LINE: 422,
  BAD_ROW: 422,
  INVALID_INPUT: 400,
  INVALID_CONFIG: 400,
  UNKNOWN_TIMEFRAME: 400,
  UNKNOWN_PROVIDER: 400,
  UNKNOWN_STRATEGY: 400,
  LOOK_AHEAD: 422,
  DUPLICATE_REGISTRATION: 409,
  NOT_FOUND: 404,
  DATASET_NOT_FOUND: 404,
  RUN_NOT_FOUND: 404,
  INVALID_ID: 400,
  DEPENDENCY_MISSING: 500,
  PROVIDER_UNAVAILABLE: 502,
  CORRUPT_ARTIFACT: 500,
  VALIDATION_FAILED: 422,
  ROOT_MISSING: 500,
  LOCK_TIMEOUT: 503,
  CONFLICT: 409,
  NO_SPACE: 507,
  IO_ERROR: 500,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  KILL_SWITCH_ON: 503,
  // "off" features answer as if they did not exist
  FEATURE_DISABLED: 404,
  TOO_MANY_JOBS: 429,
  NOTIFY_FAILED: 502,
  PREFLIGHT_FAILED: 503,
  RELEASE_GATE_FAILED: 503,
  GATE_FAILED: 422,
  PROMOTION_REFUSED: 409,
  INSUFFICIENT_DATA: 422,
  INTERNAL: 500,
};

/** The JSON body of every error answer. */
export interface ErrorBody {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

/**
 * HTTP status and JSON body for any thrown value; non-BuffErrors become INTERNAL without
 * leaking their message.
 * @example const { status, body } = errorResponse(new BuffError('RUN_NOT_FOUND', 'no run')); // 404
 */
export function errorResponse(err: unknown): { status: number; body: ErrorBody } {
  if (isBuffError(err)) {
    return {
      status: ERROR_STATUS[err.code] ?? 400,
      body: { code: err.code, message: err.message, details: err.details },
    };
  }
  // A filesystem refusal keeps its code; its path stays in the server's log, not in the answer.
  const io = ioErrorOf(err);
  if (io !== undefined) {
    const message = io.code === 'NO_SPACE' ? 'no space left on the server' : 'input/output error on the server';
    return { status: ERROR_STATUS[io.code], body: { code: io.code, message, details: {} } };
  }
  return { status: 500, body: { code: ErrorCode.INTERNAL, message: 'internal error', details: {} } };
}
