import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

export interface LoggerOptions {
  name?: string;
  level?: string;
  /** Where lines go; standard error by default so that stdout stays for command output. */
  destination?: DestinationStream;
}

/**
 * A structured JSON logger (pino). Level from `BUFF_LOG_LEVEL`, `info` by default.
 * @example createLogger({ name: 'ingest' }).info({ symbol }, 'ingested');
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.BUFF_LOG_LEVEL ?? 'info';
  return pino(
    { name: options.name ?? 'buff', level, base: { name: options.name ?? 'buff' } },
    options.destination ?? pino.destination(2),
  );
}

/** A logger that writes nothing, for libraries called without one. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
