import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/cli.js';
import { makeTempDir } from './helpers/tmp.js';

// Every workspace package packs with built JS, declarations, README and LICENSE, and the seven
// tarballs install (offline, from the npm cache) into a fresh ESM project and a fresh CommonJS
// project, where a small TypeScript program type-checks against the declarations and runs.
const run = promisify(execFile);
const tmp = makeTempDir('buff-pack-');
afterAll(tmp.cleanup);
const TSC = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
const TSX_LOADER = join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs');
const PACKAGES = [
  '@buff/cli',
  '@buff/core',
  '@buff/engine',
  '@buff/ingest',
  '@buff/ml',
  '@buff/registry',
  '@buff/server',
];

const npm = (args: string[], cwd: string) =>
  run('npm', args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } });

type PackManifest = { name: string; filename: string; files: Array<{ path: string }> };
let manifests: PackManifest[] = [];

/** The program both projects run: one public entry of each package, used for real. */
const PROGRAM = `
import { BuffError, canonicalJson, contentId, timeframeMs } from '@buff/core';
import { synthesizeBars, resample, writeDataset, readQualityReport } from '@buff/ingest';
import { openRunRegistry } from '@buff/registry';
import { buildRun, parseRunConfig, listStrategies } from '@buff/engine';
import { evaluateProbabilities, expectedCalibrationError } from '@buff/ml';
import { createBuffRouter } from '@buff/server';
import { main as buff } from '@buff/cli';
import express from 'express';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function program(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'consumer-'));
  const bars = synthesizeBars({ days: 1, seed: 7, symbol: 'BTC-USD' });
  const stored = await writeDataset(join(dir, 'data'), { symbol: 'BTC-USD', timeframe: '1m', bars, source: { kind: 'synthetic' } });
  const quality = await readQualityReport(join(dir, 'data'), 'BTC-USD');
  const registry = await openRunRegistry({ runsRoot: join(dir, 'runs'), create: true });
  const config = parseRunConfig({
    name: 'consumer',
    strategy: { name: 'sma-cross', params: { fast: 5, slow: 20 } },
    symbols: ['BTC-USD'],
    timeframe: '1h',
    window: { since: '2024-01-01T00:00:00Z', until: '2024-01-08T00:00:00Z' },
    data: { provider: 'synthetic', synthetic: { seed: 7 } },
  });
  const built = await buildRun(config, { runStore: registry, dataRoot: join(dir, 'runs-data') });
  await registry.close();
  let refused = '';
  try {
    parseRunConfig({ ...config, surprise: 1 } as never);
  } catch (err) {
    refused = err instanceof BuffError ? err.code : String(err);
  }
  const metrics = evaluateProbabilities([0.9, 0.2, 0.7, 0.4], [1, 0, 1, 1]);
  const app = express();
  const router = createBuffRouter({ runsRoot: join(dir, 'runs'), dataRoot: join(dir, 'runs-data') });
  app.use('/research', router);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const listing = (await (await fetch('http://127.0.0.1:' + port + '/research/api/runs')).json()) as { total: number };
  await new Promise((resolve) => server.close(resolve));
  await router.close();
  const help = await buff(['--help']);
  return {
    id: contentId({ a: 1 }).length,
    json: canonicalJson({ b: 1, a: 2 }),
    fiveMinutes: timeframeMs('5m'),
    hourly: resample(bars, '1h').ts.length,
    rows: stored.rows,
    gaps: quality === undefined ? 'none' : quality.gapCount,
    strategies: listStrategies().length > 0,
    runId: built.runId,
    refused,
    accuracy: metrics.accuracy,
    ece: expectedCalibrationError([0.9, 0.2], [1, 0]) >= 0,
    listed: listing.total,
    cliExit: help,
  };
}

program().then(
  (result) => console.log(JSON.stringify(result)),
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
`;

async function makeProject(name: string, type: 'module' | 'commonjs'): Promise<string> {
  const project = join(tmp.dir, name);
  mkdirSync(project, { recursive: true });
  const tarball = (pkg: string) => join(tmp.dir, manifests.find((m) => m.name === pkg)?.filename ?? 'missing.tgz');
  const dependencies = Object.fromEntries(PACKAGES.map((pkg) => [pkg, `file:${tarball(pkg)}`]));
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({
      name,
      private: true,
      type,
      dependencies: { ...dependencies, express: '^5.1.0', '@types/express': '^5.0.0' },
    }),
  );
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        strict: true,
        skipLibCheck: true,
        esModuleInterop: true,
        noEmit: true,
        types: ['node'],
        typeRoots: [join(REPO_ROOT, 'node_modules/@types')],
      },
      files: ['program.ts'],
    }),
  );
  writeFileSync(join(project, 'program.ts'), PROGRAM);
  await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], project);
  return project;
}

describe('npm pack of every workspace package', () => {
  beforeAll(async () => {
    await run(process.execPath, [join(REPO_ROOT, 'scripts/build.mjs')], {
      cwd: REPO_ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    const packed = await npm(['pack', '--workspaces', '--pack-destination', tmp.dir, '--json'], REPO_ROOT);
    manifests = JSON.parse(packed.stdout) as PackManifest[];
  }, 600_000);

  it('holds built JS, type declarations, README and LICENSE, and no sources or tests', () => {
    expect(manifests.map((m) => m.name).sort()).toEqual(PACKAGES);
    for (const manifest of manifests) {
      const files = manifest.files.map((f) => f.path);
      const cli = manifest.name === '@buff/cli';
      expect(files, manifest.name).toEqual(
        expect.arrayContaining([
          cli ? 'dist/index.cjs' : 'dist/index.js',
          cli ? 'dist/index.d.cts' : 'dist/index.d.ts',
          'README.md',
          'LICENSE',
          'package.json',
        ]),
      );
      expect(
        files.filter((f) => f.startsWith('src/') || f.endsWith('.test.ts')),
        manifest.name,
      ).toEqual([]);
    }
  });

  for (const type of ['module', 'commonjs'] as const) {
    it(`installs into a fresh ${type === 'module' ? 'ESM' : 'CommonJS'} project: tsc --noEmit passes, the program runs`, async () => {
      const project = await makeProject(`consumer-${type}`, type);
      await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: project }).catch((err: { stdout: string }) => {
        throw new Error(`tsc --noEmit failed in the ${type} project:\n${err.stdout}`);
      });
      const { stdout } = await run(process.execPath, ['--import', TSX_LOADER, 'program.ts'], {
        cwd: project,
        env: { ...process.env, BUFF_LOG_LEVEL: 'warn', TMPDIR: tmp.dir },
        maxBuffer: 16 * 1024 * 1024,
      });
      const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
      expect(result).toMatchObject({
        id: 64,
        json: '{"a":2,"b":1}',
        fiveMinutes: 300_000,
        hourly: 24,
        rows: 1440,
        strategies: true,
        refused: 'INVALID_CONFIG',
        accuracy: 0.75,
        ece: true,
        listed: 1,
        cliExit: 0,
      });
      expect(result.runId).toMatch(/^run-[0-9a-f]{16}$/);
      // The bin works from the installed package too.
      const help = await run(join(project, 'node_modules/.bin/buff'), ['--help'], { cwd: project });
      expect(help.stdout).toContain('buff <command>');
    }, 600_000);
  }
});
