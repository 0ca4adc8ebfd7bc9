import { GatesSchema, parseOrThrow, type Gates, type Significance } from '@buff/core';

/** The default gates: accuracy >= 0.68 with its Wilson 95% lower bound too, ECE <= 0.05, every baseline beaten at p < 0.05. */
export const DEFAULT_GATES: Gates = {
  minAccuracy: 0.68,
  maxCalibrationError: 0.05,
  beatBaselines: true,
  maxPValue: 0.05,
  confidence: 0.95,
};

/** Outcome of the gates: `failures` names each failed gate with its figures. */
export interface GateResult {
  passed: boolean;
  failures: string[];
}

/** What the gates look at: the test accuracy, the ECE the gate uses, the accuracy's lower bound, the tests against the baselines. */
export interface GateEvidence {
  accuracy: number;
  ece: number;
  /** Wilson lower bound of the accuracy at the gates' confidence (checked when given). */
  accuracyLower?: number;
  /** McNemar tests against the baselines, with each baseline's accuracy (checked when `beatBaselines`). */
  significance?: Array<Significance & { baselineAccuracy: number; label: string }>;
}

/**
 * Checks the evidence against the gates. A missing or non-finite figure fails its gate.
 * @example
 * checkGates({ accuracy: 0.51, ece: 0.02 }, parseGates())
 * // { passed: false, failures: ['accuracy 0.5100 < minAccuracy 0.68'] }
 */
export function checkGates(evidence: GateEvidence, input: Partial<Gates> = DEFAULT_GATES): GateResult {
  const gates = parseGates(input);
  const failures: string[] = [];
  const { accuracy, ece, accuracyLower } = evidence;
  if (!(Number.isFinite(accuracy) && accuracy >= gates.minAccuracy)) {
    failures.push(`accuracy ${accuracy.toFixed(4)} < minAccuracy ${gates.minAccuracy}`);
  } else if (accuracyLower !== undefined && !(accuracyLower >= gates.minAccuracy)) {
    failures.push(
      `accuracy lower bound ${accuracyLower.toFixed(4)} (Wilson ${gates.confidence * 100}%) < minAccuracy ${gates.minAccuracy}`,
    );
  }
  if (!(Number.isFinite(ece) && ece <= gates.maxCalibrationError)) {
    failures.push(`ece ${ece.toFixed(4)} > maxCalibrationError ${gates.maxCalibrationError}`);
  }
  if (gates.beatBaselines) {
    for (const s of evidence.significance ?? []) {
      if (s.beaten) continue;
      failures.push(
        `does not beat ${s.label}: accuracy ${accuracy.toFixed(4)} vs ${s.baselineAccuracy.toFixed(4)}, McNemar p ${formatP(s.pValue)} (model-only ${s.modelOnly}, ${s.against}-only ${s.baselineOnly}; needs higher accuracy and p < ${gates.maxPValue})`,
      );
    }
  }
  return { passed: failures.length === 0, failures };
}

/** A p-value for a message: 4 decimals, or scientific below 1e-4. */
export function formatP(p: number): string {
  return p >= 1e-4 ? p.toFixed(4) : p.toExponential(2);
}

/**
 * Parses gate settings (defaults filled in); INVALID_CONFIG naming the key on a bad value.
 * @example parseGates({ minAccuracy: 0.7 }) // { minAccuracy: 0.7, maxCalibrationError: 0.05, beatBaselines: true, ... }
 */
export function parseGates(input: Partial<Gates> = {}): Gates {
  return parseOrThrow(GatesSchema, input, 'INVALID_CONFIG', 'gates');
}
