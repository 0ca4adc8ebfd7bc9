import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@buff/core';
import { columnsToIpc, ipcToColumns, type ColumnSpec, type ColumnValues } from '../arrow-columns.js';
import { ARTIFACT_FILES, decisionsColumns, equityColumns, tradesColumns } from '../run-artifacts.js';
import type { SimulationResult } from '../simulation-types.js';
import { concatColumns, sliceColumns } from './snapshot-columns.js';

/** The tables a snapshot holds. */
export type SnapshotTable = 'decisions' | 'trades' | 'equity';
const TABLES: readonly SnapshotTable[] = ['decisions', 'trades', 'equity'];

/** The folder (beside the whole tables) of the parts a running session appended since them. */
export const SNAPSHOT_PARTS_DIR = 'snapshot-parts';
/** `<table>-<first row, 12 digits>.arrow`: sorted by name, a table's parts come in row order. */
const PART_NAME = /^(decisions|trades|equity)-(\d{12})\.arrow$/;

function columnsOf(table: SnapshotTable, result: SimulationResult): Record<string, ColumnSpec> {
  if (table === 'decisions') return decisionsColumns(result.decisions);
  return table === 'trades' ? tradesColumns(result.trades) : equityColumns(result.equity);
}

function rowsOf(table: SnapshotTable, result: SimulationResult): number {
  return result[table].length;
}

/**
 * Writes a session's decisions, trades and equity so far as the backtest's Arrow artifacts (same
 * encoders, so a completed replay is byte-identical to `buff run build` of its window), each atomically.
 * @example writeSnapshot(sessionDir, simulation.finish());
 */
export function writeSnapshot(dir: string, result: SimulationResult): void {
  mkdirSync(dir, { recursive: true });
  for (const table of TABLES) writeFileAtomic(join(dir, ARTIFACT_FILES[table]), columnsToIpc(columnsOf(table, result)));
}

/**
 * A lane's snapshots while its session runs: `append` writes, per table, only the rows since the
 * last snapshot as a new part file (temp + rename), so a snapshot costs O(new rows) however long
 * the session; `compact` (when the process pauses the session) writes the whole tables (the
 * backtest's bytes) and removes the parts. A crash between two writes leaves a readable prefix of
 * each table: {@link readSnapshotTable} reads the whole file, then the parts that follow it.
 * @example const w = new SnapshotWriter(dir); w.append(sim.finish()); ... w.compact(sim.finish());
 */
export class SnapshotWriter {
  /** Rows of each table on disk (the whole file and its parts): the next part starts there. */
  private readonly written: Record<SnapshotTable, number>;

  constructor(private readonly dir: string) {
    this.written = { decisions: 0, trades: 0, equity: 0 };
    for (const table of TABLES) this.written[table] = readSnapshotTable(dir, table)?.numRows ?? 0;
  }

  /** One part per table that grew since the last snapshot. */
  append(result: SimulationResult): void {
    for (const table of TABLES) {
      const from = this.written[table];
      const to = rowsOf(table, result);
      if (to <= from) continue;
      const part = sliceColumns(columnsOf(table, result), from, to);
      writeFileAtomic(join(this.dir, SNAPSHOT_PARTS_DIR, partName(table, from)), columnsToIpc(part));
      this.written[table] = to;
    }
  }

  /** The whole tables, each atomically, then the parts they now hold go. */
  compact(result: SimulationResult): void {
    writeSnapshot(this.dir, result);
    rmSync(join(this.dir, SNAPSHOT_PARTS_DIR), { recursive: true, force: true });
    for (const table of TABLES) this.written[table] = rowsOf(table, result);
  }
}

function partName(table: SnapshotTable, from: number): string {
  return `${table}-${String(from).padStart(12, '0')}.arrow`;
}

/**
 * A snapshot table as the session left it: the whole file (written when a process paused the
 * session) followed by the parts appended since, up to the first missing one; rows a part repeats
 * are skipped. Undefined when neither exists yet. `mtimeMs`: the newest file's, to tell a new snapshot.
 * @example readSnapshotTable('runs/dryrun/dr-…', 'equity')?.columns.get('equity')
 */
export function readSnapshotTable(
  dir: string,
  table: SnapshotTable,
): { numRows: number; columns: Map<string, ColumnValues>; mtimeMs: number } | undefined {
  const pieces: Array<Map<string, ColumnValues>> = [];
  let rows = 0;
  let mtimeMs = 0;
  const whole = join(dir, ARTIFACT_FILES[table]);
  if (existsSync(whole)) {
    const read = ipcToColumns(readFileSync(whole));
    pieces.push(read.columns);
    rows = read.numRows;
    mtimeMs = statSync(whole).mtimeMs;
  }
  const partsDir = join(dir, SNAPSHOT_PARTS_DIR);
  const parts = existsSync(partsDir) ? readdirSync(partsDir).sort() : [];
  for (const name of parts) {
    const match = PART_NAME.exec(name);
    if (match?.[1] !== table) continue;
    const from = Number(match[2]);
    if (from > rows) break; // a part lost to a crash: the rows after it wait for the next snapshot
    const path = join(partsDir, name);
    const read = ipcToColumns(readFileSync(path));
    if (from + read.numRows <= rows) continue; // already in the whole file
    const own = from === rows ? read.columns : sliceColumns(read.columns, rows - from, read.numRows);
    pieces.push(own);
    rows = from + read.numRows;
    mtimeMs = Math.max(mtimeMs, statSync(path).mtimeMs);
  }
  if (pieces.length === 0) return undefined;
  return { numRows: rows, columns: concatColumns(pieces), mtimeMs };
}
