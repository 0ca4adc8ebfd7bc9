import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastJson, runBuff, REPO_ROOT } from './helpers/cli.js';
import { makeTempDir } from './helpers/tmp.js';

const tmp = makeTempDir('buff-run-validate-');
afterAll(() => tmp.cleanup());
const runsRoot = join(tmp.dir, 'runs');
let runId = '';
let pristine = '';

beforeAll(async () => {
  const built = await runBuff([
    'run',
    'build',
    '--config',
    join(REPO_ROOT, 'configs/run_demo.yml'),
    '--runs-root',
    runsRoot,
    '--data-root',
    join(tmp.dir, 'data'),
    '--json',
  ]);
  expect(built.code, built.stderr).toBe(0);
  runId = lastJson<{ runId: string }>(built.stdout).runId;
  pristine = join(tmp.dir, 'pristine');
  cpSync(join(runsRoot, runId), pristine, { recursive: true });
});

/** Restores the run, damages it with `damage(runDir)`, validates. */
async function validateAfter(damage: (runDir: string) => void) {
  const runDir = join(runsRoot, runId);
  rmSync(runDir, { recursive: true, force: true });
  cpSync(pristine, runDir, { recursive: true });
  damage(runDir);
  return runBuff(['run', 'validate', runId, '--runs-root', runsRoot]);
}

function flipByte(path: string, at: (length: number) => number): void {
  const bytes = readFileSync(path);
  const i = at(bytes.length);
  bytes[i] = (bytes[i] as number) ^ 0x01;
  writeFileSync(path, bytes);
}

describe('buff run validate', () => {
  it('passes a fresh run with exit 0', async () => {
    const result = await validateAfter(() => undefined);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('ok');
  });

  for (const file of ['decisions.arrow', 'trades.arrow', 'equity.arrow', 'days.arrow', 'metrics.json']) {
    it(`names ${file} when one byte of it flips (exit 3)`, async () => {
      const result = await validateAfter((dir) => flipByte(join(dir, file), (n) => Math.floor(n / 2)));
      expect(result.code).toBe(3);
      expect(result.stdout).toContain(`${file}: sha256`);
      expect(result.stderr).toContain(file);
    });

    it(`names ${file} when it is deleted (exit 3)`, async () => {
      const result = await validateAfter((dir) => rmSync(join(dir, file)));
      expect(result.code).toBe(3);
      expect(result.stdout).toContain(`${file}: missing`);
    });
  }

  it('names manifest.json when the manifest is edited (exit 3)', async () => {
    const result = await validateAfter((dir) => {
      const path = join(dir, 'manifest.json');
      writeFileSync(path, readFileSync(path, 'utf8').replace('"feeBps": 10', '"feeBps": 1'));
    });
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('manifest.json: run-id');
  });

  it('names manifest.json when its JSON breaks, and an extra file by name', async () => {
    const broken = await validateAfter((dir) => flipByte(join(dir, 'manifest.json'), () => 0));
    expect(broken.code).toBe(3);
    expect(broken.stdout).toContain('manifest.json');
    const extra = await validateAfter((dir) => writeFileSync(join(dir, 'notes.txt'), 'hi'));
    expect(extra.code).toBe(3);
    expect(extra.stdout).toContain('notes.txt: extra');
  });

  it('catches a consistent-looking forgery: a trade edited and rehashed in the manifest', async () => {
    const { ipcToColumns, columnsToIpc } = await import('@buff/engine');
    const { sha256Hex } = await import('@buff/core');
    const result = await validateAfter((dir) => {
      const path = join(dir, 'trades.arrow');
      const table = ipcToColumns(readFileSync(path));
      const pnl = table.columns.get('pnl');
      if (pnl?.kind !== 'float64') throw new Error('no pnl');
      pnl.values[0] = (pnl.values[0] as number) + 1000;
      const bytes = columnsToIpc(Object.fromEntries(table.columns));
      writeFileSync(path, bytes);
      const manifestPath = join(dir, 'manifest.json');
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      for (const a of manifest.artifacts)
        if (a.file === 'trades.arrow') Object.assign(a, { sha256: sha256Hex(bytes), bytes: bytes.length });
      writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
    });
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('equity.arrow: final-equity');
  });

  it('exit 3 for an unknown run id, with --json output', async () => {
    const result = await runBuff(['run', 'validate', 'run-0000000000000000', '--runs-root', runsRoot, '--json']);
    expect(result.code).toBe(3);
    expect(lastJson<{ code: string }>(result.stdout).code).toBe('RUN_NOT_FOUND');
  });
});
