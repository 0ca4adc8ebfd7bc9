import type { CellParams } from './sweep-cells.js';

/**
 * Cuts a sweep's cells into chunks (one `sweep-cell` job each) so that the jobs one worker takes
 * share indicator series. Cells are ordered by the parameter with the most distinct values (the
 * long axis, say `slow` of 50 values against `fast` of 20), and a chunk holds whole groups of cells
 * sharing its value. Workers take jobs in turns, so each computes the series of the short axis and
 * about its share of the long axis's, instead of nearly all of both (a fresh 1M-bar series costs
 * about ten times its arithmetic in first-touch memory). `perJob` is met exactly when `exact`;
 * otherwise it is rounded to whole groups and the last two chunks are cut in quarters (taperEnd).
 * Chunks keep each cell's own index.
 * @example cellChunks([{ cell: 0, params: { fast: 5, slow: 30 } }], 16) // [[{ cell: 0, ... }]]
 */
export function cellChunks<T extends { cell: number; params: CellParams }>(
  cells: readonly T[],
  perJob: number,
  exact = false,
): T[][] {
  const key = longAxis(cells.map((c) => c.params));
  const rank = new Map<unknown, number>();
  for (const { params } of cells) if (!rank.has(params[key ?? ''])) rank.set(params[key ?? ''], rank.size);
  const ordered =
    key === undefined
      ? [...cells]
      : [...cells].sort(
          (a, b) => (rank.get(a.params[key]) as number) - (rank.get(b.params[key]) as number) || a.cell - b.cell,
        );
  const group = key === undefined ? 1 : Math.ceil(cells.length / rank.size);
  const size = exact || group > perJob * 2 ? perJob : Math.max(1, Math.round(perJob / group)) * group;
  const chunks: T[][] = [];
  for (let from = 0; from < ordered.length; from += size) chunks.push(ordered.slice(from, from + size));
  return exact ? chunks : taperEnd(chunks);
}

/**
 * The last `last` chunks each cut in `parts` (sweeps of more than `2 * last` chunks): workers taking jobs in turns then end at most a small
 * job apart, instead of one idling while the other finishes a whole job (half a job on average: a
 * tail of ~0.2 s in a 1,000-cell sweep on two workers). The pieces of a chunk keep sharing its series.
 */
function taperEnd<T>(chunks: T[][], last = 2, parts = 4): T[][] {
  if (chunks.length <= 2 * last) return chunks;
  const out = chunks.slice(0, Math.max(0, chunks.length - last));
  for (const chunk of chunks.slice(out.length)) {
    const size = Math.ceil(chunk.length / parts);
    for (let from = 0; from < chunk.length; from += size) out.push(chunk.slice(from, from + size));
  }
  return out;
}

/** The parameter with the most distinct values (the first written on a tie); undefined without any. */
function longAxis(params: readonly CellParams[]): string | undefined {
  const values = new Map<string, Set<unknown>>();
  for (const cell of params)
    for (const [k, v] of Object.entries(cell)) values.set(k, (values.get(k) ?? new Set()).add(v));
  let best: string | undefined;
  for (const [k, set] of values) if (best === undefined || set.size > (values.get(best) as Set<unknown>).size) best = k;
  return best;
}
