import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@buff/core';
import { columnsToIpc } from '../arrow-columns.js';
import { ARTIFACT_FILES, decisionsColumns, equityColumns, tradesColumns } from '../run-artifacts.js';
import type { SimulationResult } from '../simulation-types.js';

/**
 * Writes a session's decisions, trades and equity so far as the backtest's Arrow artifacts (same
 * encoders, so a completed replay is byte-identical to `buff run build` of its window), each atomically.
 * @example writeSnapshot(sessionDir, simulation.finish());
 */
export function writeSnapshot(dir: string, result: SimulationResult): void {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, ARTIFACT_FILES.decisions), columnsToIpc(decisionsColumns(result.decisions)));
  writeFileAtomic(join(dir, ARTIFACT_FILES.trades), columnsToIpc(tradesColumns(result.trades)));
  writeFileAtomic(join(dir, ARTIFACT_FILES.equity), columnsToIpc(equityColumns(result.equity)));
}
