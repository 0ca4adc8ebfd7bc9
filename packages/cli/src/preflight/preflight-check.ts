/** One row of `buff preflight`: a check, whether it passed, and what it found or what failed. */
export interface CheckResult {
  check: string;
  ok: boolean;
  detail: string;
}

/** A named check; it resolves to its rows (a check may report several, e.g. one per root). */
export interface PreflightCheck {
  name: string;
  run(): Promise<Array<Omit<CheckResult, 'check'> & { check?: string }>>;
}

/**
 * Runs the checks one after another within one deadline. A check that throws fails with the
 * error's message; when the deadline passes, the running check and every later one fail with
 * "timed out" (the run never waits past the deadline).
 * @example const rows = await runChecks(checks, Date.now() + 900_000);
 */
export async function runChecks(checks: PreflightCheck[], deadline: number): Promise<CheckResult[]> {
  const rows: CheckResult[] = [];
  for (const check of checks) {
    const left = deadline - Date.now();
    if (left <= 0) {
      rows.push({ check: check.name, ok: false, detail: 'timed out: the preflight deadline passed before it ran' });
      continue;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), left);
      timer.unref();
    });
    try {
      const outcome = await Promise.race([check.run(), timeout]);
      if (outcome === 'timeout') rows.push({ check: check.name, ok: false, detail: 'timed out' });
      else for (const row of outcome) rows.push({ check: row.check ?? check.name, ok: row.ok, detail: row.detail });
    } catch (err) {
      rows.push({ check: check.name, ok: false, detail: err instanceof Error ? err.message : String(err) });
    } finally {
      clearTimeout(timer);
    }
  }
  return rows;
}
