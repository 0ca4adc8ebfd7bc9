/** What `buff runs list` lists: registered runs, dry-run sessions, published sweeps. */
export const RUN_KINDS = ['run', 'dryrun', 'sweep'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

/** One row of `buff runs list` that is not a registered run. */
export interface KindRow {
  kind: Exclude<RunKind, 'run'>;
  id: string;
  name: string;
  symbols: string[];
  status: string;
  detail: string;
}

/**
 * A session or sweep as a `buff runs list` row: no return, sharpe, trades or tags (it has none); its
 * counts in the detail column.
 */
export function kindRow(row: KindRow): string[] {
  const none = ['-', '-', '-', '-'];
  return [row.kind, row.id, '-', row.name, row.symbols.join(',') || '-', '-', row.status, ...none, row.detail, ''];
}

/**
 * The dry-run sessions and sweeps under a runs root, filtered by kind and symbol (lazily imports
 * the engine: a plain `runs list` of runs does not load it).
 * @example const rows = await otherKinds('runs', { kinds: ['dryrun'] });
 */
export async function otherKinds(runsRoot: string, filter: { kinds: RunKind[]; symbol?: string | undefined }) {
  const wanted = (kind: RunKind) => filter.kinds.includes(kind);
  if (!wanted('dryrun') && !wanted('sweep')) return [];
  const { listSessions, listSweeps } = await import('@buff/engine');
  const rows: KindRow[] = [];
  if (wanted('dryrun')) {
    for (const s of listSessions(runsRoot)) {
      const c = s.counts;
      rows.push({
        kind: 'dryrun',
        id: s.id,
        name: `model-signal ${s.model.name} v${s.model.version} (${s.feed.kind})`,
        symbols: s.lanes.map((l) => l.symbol),
        status: s.status,
        detail: `bars ${c.bars}, signals ${c.signals}`,
      });
    }
  }
  if (wanted('sweep')) {
    for (const sweep of listSweeps(runsRoot)) {
      rows.push({
        kind: 'sweep',
        id: sweep.sweepId,
        name: sweep.name,
        symbols: [...new Set(sweep.inputs.map((i) => i.symbol))],
        status: 'completed',
        detail: `${sweep.cells} cells`,
      });
    }
  }
  // the symbol matched without regard to case, as the registry matches the runs' symbols
  const symbol = filter.symbol?.toUpperCase();
  return rows.filter((r) => symbol === undefined || r.symbols.some((s) => s.toUpperCase() === symbol));
}
