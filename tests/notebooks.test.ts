import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/cli.js';
import { findJupyter, installTslabKernel } from './helpers/jupyter.js';
import { makeTempDir } from './helpers/tmp.js';

// Every notebook in examples/notebooks runs top to bottom on the tslab kernel, as CI runs it:
// `jupyter nbconvert --execute --to notebook`; a failing cell fails the run (and the test).
const run = promisify(execFile);
const NOTEBOOKS = join(REPO_ROOT, 'examples/notebooks');
const notebooks = readdirSync(NOTEBOOKS).filter((name) => name.endsWith('.ipynb'));
const jupyter = findJupyter();
const tmp = makeTempDir('buff-notebooks-');
afterAll(tmp.cleanup);

type Output = { output_type: string; ename?: string; data?: Record<string, string | string[]> };
type Notebook = { cells: Array<{ cell_type: string; outputs?: Output[] }> };

describe.skipIf(jupyter === undefined)('examples/notebooks on the tslab kernel', () => {
  let jupyterPath = '';

  it('the tslab kernel registers (tslab install into a temp prefix)', () => {
    jupyterPath = installTslabKernel(jupyter ?? 'jupyter', join(tmp.dir, 'kernel'));
    expect(readFileSync(join(jupyterPath, 'kernels/tslab/kernel.json'), 'utf8')).toContain('tslab');
  }, 120_000);

  it.each(notebooks)('%s executes top to bottom with every code cell producing no error', async (name) => {
    const outDir = join(tmp.dir, 'out');
    await run(
      jupyter ?? 'jupyter',
      [
        'nbconvert',
        '--execute',
        '--to',
        'notebook',
        '--output-dir',
        outDir,
        '--ExecutePreprocessor.kernel_name=tslab',
        '--ExecutePreprocessor.timeout=600',
        join(NOTEBOOKS, name),
      ],
      // TMPDIR: whatever a notebook leaves in os.tmpdir() goes with this test's folder.
      { cwd: NOTEBOOKS, env: { ...process.env, JUPYTER_PATH: jupyterPath, TMPDIR: tmp.dir, BUFF_LOG_LEVEL: 'warn' } },
    );
    const executed = JSON.parse(readFileSync(join(outDir, name), 'utf8')) as Notebook;
    const outputs = executed.cells.flatMap((cell) => cell.outputs ?? []);
    expect(outputs.filter((o) => o.output_type === 'error')).toEqual([]);
    // Each notebook shows something: at least one table or chart.
    expect(outputs.some((o) => o.data?.['text/html'] !== undefined)).toBe(true);
  }, 600_000);

  it('a failing cell fails the run', async () => {
    const broken = join(tmp.dir, 'broken.ipynb');
    const notebook = JSON.parse(readFileSync(join(NOTEBOOKS, notebooks[0] ?? ''), 'utf8')) as Notebook;
    notebook.cells = [
      {
        cell_type: 'code',
        outputs: [],
        source: ["throw new Error('cell failed on purpose');"],
        metadata: {},
        execution_count: null,
      },
    ] as unknown as Notebook['cells'];
    writeFileSync(broken, JSON.stringify(notebook));
    const result = await run(
      jupyter ?? 'jupyter',
      [
        'nbconvert',
        '--execute',
        '--to',
        'notebook',
        '--output-dir',
        join(tmp.dir, 'out-broken'),
        '--ExecutePreprocessor.kernel_name=tslab',
        broken,
      ],
      { cwd: NOTEBOOKS, env: { ...process.env, JUPYTER_PATH: jupyterPath, TMPDIR: tmp.dir } },
    ).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(result?.code).not.toBe(0);
    expect(result?.stderr).toContain('cell failed on purpose');
  }, 300_000);
});
