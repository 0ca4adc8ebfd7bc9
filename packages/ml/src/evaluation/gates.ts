import { BuffError, GatesSchema, type EvaluationMetrics, type Gates } from '@buff/core';

/** The default gates: accuracy >= 0.68, ECE <= 0.05. */
export const DEFAULT_GATES: Gates = { minAccuracy: 0.68, maxCalibrationError: 0.05 };

/** Outcome of the gates: `failures` names each failed gate with its figures. */
export interface GateResult {
  passed: boolean;
  failures: string[];
}

/**
 * Checks test metrics against the gates. A missing or non-finite metric fails its gate.
 * @example
 * checkGates(metrics, { minAccuracy: 0.68, maxCalibrationError: 0.05 })
 * // { passed: false, failures: ['accuracy 0.5120 < minAccuracy 0.68'] }
 */
export function checkGates(
  metrics: Pick<EvaluationMetrics, 'accuracy' | 'ece'>,
  gates: Gates = DEFAULT_GATES,
): GateResult {
  const failures: string[] = [];
  if (!(Number.isFinite(metrics.accuracy) && metrics.accuracy >= gates.minAccuracy)) {
    failures.push(`accuracy ${metrics.accuracy.toFixed(4)} < minAccuracy ${gates.minAccuracy}`);
  }
  if (!(Number.isFinite(metrics.ece) && metrics.ece <= gates.maxCalibrationError)) {
    failures.push(`ece ${metrics.ece.toFixed(4)} > maxCalibrationError ${gates.maxCalibrationError}`);
  }
  return { passed: failures.length === 0, failures };
}

/**
 * Parses gate settings (defaults filled in); INVALID_CONFIG naming the key on a bad value.
 * @example parseGates({ minAccuracy: 0.7 }) // { minAccuracy: 0.7, maxCalibrationError: 0.05 }
 */
export function parseGates(input: Partial<Gates> = {}): Gates {
  const parsed = GatesSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path.join('.') ?? '';
    throw new BuffError('INVALID_CONFIG', `gates: ${key}: ${issue?.message ?? 'invalid'}`, {
      details: { key, issues: parsed.error.issues },
    });
  }
  return parsed.data;
}
