import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, rmSync, statfsSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuilt } from './helpers/built-cli.js';
import { lastJson } from './helpers/cli.js';
import { makeTempDir } from './helpers/tmp.js';

// A real full disk: a small tmpfs (CI runs as root). Fails, never skips, when it cannot be mounted.
const CONFIG = `name: full disk
strategy: { name: sma-cross, params: { fast: 5, slow: 20 } }
symbols: [BTC-USD]
timeframe: 1h
window: { since: "2024-01-01T00:00:00Z", until: "2024-01-11T00:00:00Z" }
data: { provider: synthetic, synthetic: { seed: 3 } }
capital: { initial: 10000 }
fees: { feeBps: 10, slippageBps: 5 }
sizing: { fraction: 1 }
seed: 3
`;

function usedBytes(path: string): number {
  const s = statfsSync(path);
  return (s.blocks - s.bfree) * s.bsize;
}

function freeBytes(path: string): number {
  const s = statfsSync(path);
  return s.bavail * s.bsize;
}

/** Fills the filesystem so that exactly `leave` bytes stay free. */
function fillLeaving(mount: string, leave: number): string {
  const filler = join(mount, 'filler');
  const fd = openSync(filler, 'w');
  const block = Buffer.alloc(4096, 1);
  try {
    while (freeBytes(mount) > leave) writeSync(fd, block);
  } finally {
    closeSync(fd);
  }
  return filler;
}

describe('a full disk (real tmpfs)', () => {
  const tmp = makeTempDir('buff-full-disk-');
  const mount = join(tmp.dir, 'mnt');
  const config = join(tmp.dir, 'run.yml');
  const dataRoot = join(tmp.dir, 'data');

  beforeAll(() => {
    mkdirSync(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mount]);
    writeFileSync(config, CONFIG);
  });
  afterAll(() => {
    if (existsSync(mount)) execFileSync('umount', [mount]);
    tmp.cleanup();
  });

  it('never says "already built" for a run it could not index, and reading commands still work', async () => {
    // How much a run folder of this config takes on this filesystem (index excluded).
    const probe = join(mount, 'probe');
    const before = usedBytes(mount);
    const first = await runBuilt(['run', 'build', '--config', config, '--runs-root', probe, '--data-root', dataRoot]);
    expect(first.code, first.stderr).toBe(0);
    rmSync(join(probe, '.index'), { recursive: true, force: true });
    const runBytes = usedBytes(mount) - before;
    rmSync(probe, { recursive: true, force: true });

    // Room for the run's files, none for its index line: the publish's rename succeeds, the index append fails.
    const runsRoot = join(mount, 'runs');
    mkdirSync(runsRoot);
    const filler = fillLeaving(mount, runBytes);
    const full = await runBuilt([
      'run',
      'build',
      '--json',
      '--config',
      config,
      '--runs-root',
      runsRoot,
      '--data-root',
      dataRoot,
    ]);
    expect(full.stdout).not.toContain('already built');
    expect(full.stdout).not.toContain('"created":false');
    expect(full.code, full.stdout + full.stderr).toBe(3);
    const failure = lastJson<{ code: string; message: string; details: { file?: string } }>(full.stdout);
    expect(failure.code).toBe('NO_SPACE');
    expect(failure.details.file, failure.message).toContain(runsRoot);
    expect(full.stderr).not.toContain('unexpected error');

    // Reading on the full disk: the listing opens the index without writing, and shows the run's folder.
    const list = await runBuilt(['runs', 'list', '--json', '--runs-root', runsRoot]);
    expect(list.code, list.stdout + list.stderr).toBe(0);
    const listed = lastJson<{ items: Array<{ id: string }> }>(list.stdout);
    const runId = listed.items[0]?.id as string;
    expect(runId).toMatch(/^run-[0-9a-f]{16}$/);
    const show = await runBuilt(['runs', 'show', runId, '--json', '--runs-root', runsRoot]);
    expect(show.code, show.stdout + show.stderr).toBe(0);
    const data = await runBuilt(['data', 'list', '--json', '--data-root', dataRoot]);
    expect(data.code, data.stderr).toBe(0);

    // Still full: building again refuses (it cannot index), never claims the run.
    const again = await runBuilt([
      'run',
      'build',
      '--json',
      '--config',
      config,
      '--runs-root',
      runsRoot,
      '--data-root',
      dataRoot,
    ]);
    expect(again.code, again.stdout + again.stderr).toBe(3);
    expect(lastJson<{ code: string }>(again.stdout).code).toBe('NO_SPACE');

    // Space again: the build finds the complete folder, indexes it and says so truthfully.
    rmSync(filler);
    const done = await runBuilt([
      'run',
      'build',
      '--json',
      '--config',
      config,
      '--runs-root',
      runsRoot,
      '--data-root',
      dataRoot,
    ]);
    expect(done.code, done.stderr).toBe(0);
    expect(lastJson<{ runId: string; created: boolean }>(done.stdout)).toMatchObject({ runId, created: false });
    const validate = await runBuilt(['run', 'validate', '--run-id', runId, '--runs-root', runsRoot]);
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);
  }, 240_000);
});
