import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/cli.js';

// Notebooks are committed without outputs or execution counts, so their diffs stay reviewable.
// To strip one: jupyter nbconvert --clear-output --inplace examples/notebooks/NAME.ipynb
const NOTEBOOKS = join(REPO_ROOT, 'examples/notebooks');
const notebooks = readdirSync(NOTEBOOKS).filter((name) => name.endsWith('.ipynb'));

type Cell = { cell_type: string; outputs?: unknown[]; execution_count?: number | null };

describe('examples/notebooks are stored stripped', () => {
  it('there are notebooks, all on the tslab kernel', () => {
    expect(notebooks.length).toBeGreaterThanOrEqual(3);
    for (const name of notebooks) {
      const notebook = JSON.parse(readFileSync(join(NOTEBOOKS, name), 'utf8')) as {
        metadata: { kernelspec?: { name?: string } };
      };
      expect(notebook.metadata.kernelspec?.name, name).toBe('tslab');
    }
  });

  it.each(notebooks)('%s has no outputs and no execution counts', (name) => {
    const { cells } = JSON.parse(readFileSync(join(NOTEBOOKS, name), 'utf8')) as { cells: Cell[] };
    const dirty = cells
      .map((cell, index) => ({ index, cell }))
      .filter(
        ({ cell }) => cell.cell_type === 'code' && ((cell.outputs ?? []).length > 0 || cell.execution_count != null),
      )
      .map(({ index }) => `cell ${index}`);
    expect(dirty, `${name}: run \`jupyter nbconvert --clear-output --inplace ${name}\``).toEqual([]);
  });
});
