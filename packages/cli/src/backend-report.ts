import { createLogger, type Logger } from '@buff/core';
import type { BackendChoice } from '@buff/ml';

/**
 * The logger of a training or evaluating command: JSON lines on stderr, `warn` and up unless
 * BUFF_LOG_LEVEL says otherwise (a backend fallback is a warning, so it is always logged).
 * @example const logger = mlCommandLogger('buff-train');
 */
export function mlCommandLogger(name: string): Logger {
  return createLogger({ name, level: process.env.BUFF_LOG_LEVEL ?? 'warn' });
}

/**
 * Warns on stderr (also in --json mode) when TensorFlow.js fell back to a slower backend, and
 * returns the fields every train/evaluate result carries: `backend` and `backendFallback`.
 * @example out.result({ ...reportBackend(result.backend), modelDir });
 */
export function reportBackend(choice: BackendChoice | undefined): {
  backend: string | null;
  backendFallback: BackendChoice['fallback'] | null;
} {
  const fallback = choice?.fallback;
  if (fallback) {
    process.stderr.write(
      `warning: TensorFlow.js backend ${fallback.from} failed (${fallback.reason}); fell back to ${fallback.to}, which is much slower (cpu: about 10x)\n`,
    );
  }
  return { backend: choice?.name ?? null, backendFallback: fallback ?? null };
}
