import {
  BuffError,
  IngestOptionsSchema,
  parseOrThrow,
  type IngestOptions,
  type IngestOptionsInput,
  type TimestampFormat,
} from '@buff/core';

/**
 * Validates ingest options with the core schema (unknown keys rejected), turning zod issues
 * into one INVALID_CONFIG error whose `key` is the first issue's path.
 * @example const options = parseIngestOptions({ symbol: 'BTC-USD', allowGaps: true }); options.timeframe // '1m'
 */
export function parseIngestOptions(input: IngestOptionsInput): IngestOptions {
  const options = parseOrThrow(IngestOptionsSchema, input, 'INVALID_CONFIG', 'invalid ingest options');
  assertTimestampOptions(options.timestampFormat, options.timezone);
  if (options.ambiguous !== undefined && options.timezone === undefined) {
    throw new BuffError(
      'INVALID_CONFIG',
      'ambiguous applies to timestamps read in a declared timezone; none is declared',
      {
        details: { key: 'ambiguous', value: options.ambiguous },
      },
    );
  }
  return options;
}

/** Throws INVALID_CONFIG for a zone given with epoch timestamps (an unknown zone fails when the parser is created). */
function assertTimestampOptions(format: TimestampFormat, timezone: string | undefined): void {
  if (format !== 'iso' && timezone !== undefined) {
    throw new BuffError('INVALID_CONFIG', `timezone "${timezone}" applies to ISO timestamps only, not ${format}`, {
      details: { key: 'timezone', value: timezone },
    });
  }
}
