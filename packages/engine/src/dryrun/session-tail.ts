import { join } from 'node:path';
import type { JournalEntry } from './journal-entry.js';
import { JOURNAL_FILE, laneDir, readSession, sessionDir } from './session-files.js';
import { readJournalFileFrom } from './session-journal.js';
import { readSnapshotTable } from './snapshot.js';

/**
 * The journal entries of a session after byte `offset`: complete, checksummed lines only (a torn
 * tail is left for the next call), and the offset to ask from next time. For readers that follow a
 * running session (the UI's live page); the session's own process is the only writer.
 * @example let at = 0; const { entries, offset } = readJournalFrom('runs', id, at); at = offset;
 */
export function readJournalFrom(runsRoot: string, id: string, offset = 0): { entries: JournalEntry[]; offset: number } {
  return readJournalFileFrom(join(sessionDir(runsRoot, id), JOURNAL_FILE), offset);
}

/** What a session's latest Arrow snapshot says: equity points and guardrail blocks so far. */
export interface SessionSnapshotView {
  /**
   * [ts ms, equity] per timeline step of the snapshot. A multi-symbol session's lanes are separate
   * accounts (each with the config's capital): their equity summed, from the first step every lane has.
   */
  equity: Array<[number, number]>;
  /** Decisions blocked or cut by a guardrail, by rule (every lane's). */
  guardrailBlocks: Record<string, number>;
  /** Modification time of the equity snapshot (ms; the latest lane's), to tell a new one. */
  mtimeMs: number;
  /** A multi-symbol session's lanes, each with its own equity and guardrail blocks (absent for one symbol). */
  lanes?: Array<{ symbol: string; equity: Array<[number, number]>; guardrailBlocks: Record<string, number> }>;
}

/**
 * The session's latest snapshot (equity.arrow and decisions.arrow beside its journal, or in
 * `lanes/<symbol>/` for each lane of a multi-symbol session), or undefined before the first one is written.
 * @example readSessionSnapshot('runs', id)?.equity.at(-1)
 */
export function readSessionSnapshot(runsRoot: string, id: string): SessionSnapshotView | undefined {
  const dir = sessionDir(runsRoot, id);
  const symbols = readSession(runsRoot, id).lanes.map((l) => l.symbol);
  if (symbols.length <= 1) return readSnapshotIn(dir);
  const lanes: NonNullable<SessionSnapshotView['lanes']> = [];
  let mtimeMs = 0;
  for (const symbol of symbols) {
    const view = readSnapshotIn(laneDir(dir, symbols, symbol));
    if (view === undefined) return undefined;
    lanes.push({ symbol, equity: view.equity, guardrailBlocks: view.guardrailBlocks });
    mtimeMs = Math.max(mtimeMs, view.mtimeMs);
  }
  const guardrailBlocks: Record<string, number> = {};
  for (const lane of lanes)
    for (const [rule, n] of Object.entries(lane.guardrailBlocks))
      guardrailBlocks[rule] = (guardrailBlocks[rule] ?? 0) + n;
  return { equity: summedEquity(lanes.map((l) => l.equity)), guardrailBlocks, mtimeMs, lanes };
}

/** The lanes' equity summed at every step, each lane carrying its last value, from the first step all have. */
function summedEquity(lanes: Array<Array<[number, number]>>): Array<[number, number]> {
  const steps = [...new Set(lanes.flatMap((equity) => equity.map(([ts]) => ts)))].sort((a, b) => a - b);
  const at = lanes.map(() => -1);
  const out: Array<[number, number]> = [];
  for (const ts of steps) {
    let total = 0;
    lanes.forEach((equity, l) => {
      while ((at[l] as number) + 1 < equity.length && (equity[(at[l] as number) + 1] as [number, number])[0] <= ts)
        at[l] = (at[l] as number) + 1;
      total += (at[l] as number) < 0 ? Number.NaN : (equity[at[l] as number] as [number, number])[1];
    });
    if (!Number.isNaN(total)) out.push([ts, total]);
  }
  return out;
}

/** equity.arrow and decisions.arrow in `dir` (and the parts a running session appended): the equity points and guardrail blocks. */
function readSnapshotIn(dir: string): SessionSnapshotView | undefined {
  const equityTable = readSnapshotTable(dir, 'equity');
  const decisions = readSnapshotTable(dir, 'decisions');
  if (equityTable === undefined || decisions === undefined) return undefined;
  const { columns: eq, numRows, mtimeMs } = equityTable;
  const ts = eq.get('ts');
  const values = eq.get('equity');
  const equity: Array<[number, number]> = [];
  if (ts && 'values' in ts && values && 'values' in values)
    for (let i = 0; i < numRows; i++) equity.push([ts.values[i] as number, values.values[i] as number]);
  const guardrail = decisions.columns.get('guardrail');
  const guardrailBlocks: Record<string, number> = {};
  if (guardrail?.kind === 'dictionary')
    for (const code of guardrail.codes) {
      const rule = guardrail.dictionary[code] ?? '';
      if (rule !== '') guardrailBlocks[rule] = (guardrailBlocks[rule] ?? 0) + 1;
    }
  return { equity, guardrailBlocks, mtimeMs };
}
